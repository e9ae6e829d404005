using Meridian.Sats.Types;
using Meridian.Storage.Rows;
using Meridian.Storage.Schema;
using Meridian.Sats.Rows;

namespace Meridian.Storage.Indexes;

/// <summary>A cursor over row ids.</summary>
internal abstract class RowIdCursor
{
    public abstract bool MoveNext();

    public abstract uint Current { get; }
}

/// <summary>
/// One index of one table version: a persistent B+tree of (key, row id). The tree root is the only
/// state; a transaction works on a <see cref="Clone"/> that shares every node with the committed
/// version until it writes.
/// </summary>
internal abstract class TableIndex
{
    protected TableIndex(IndexSchema schema) => Schema = schema;

    public IndexSchema Schema { get; }

    /// <summary>A copy sharing the same tree version.</summary>
    public abstract TableIndex Clone();

    /// <summary>The tree's root node (its identity tells whether a write touched this index).</summary>
    public abstract object? Root { get; }

    /// <summary>Adds the entry for a row; false when that exact entry exists.</summary>
    public abstract bool Insert(ReadOnlySpan<byte> row, uint rowId, long edit);

    /// <summary>
    /// Adds the entry for a new row later, in one sorted batch (see <see cref="Flush"/>). Only for
    /// indexes that need no check at insert time (not unique, not used to find rows by their bytes).
    /// </summary>
    public abstract void InsertDeferred(ReadOnlySpan<byte> row, uint rowId, long edit);

    /// <summary>
    /// Merges the deferred entries into the tree. Every read and every other write of this index does
    /// it first; a transaction does it at commit, so a published index never has deferred entries.
    /// </summary>
    public abstract void Flush();

    /// <summary>Removes the entry for a row; false when absent.</summary>
    public abstract bool Remove(ReadOnlySpan<byte> row, uint rowId, long edit);

    /// <summary>
    /// Moves a row's entry from the key of <paramref name="oldRow"/> to that of <paramref name="newRow"/>.
    /// Nothing is touched when the key columns hold the same bytes: the row id did not change either.
    /// </summary>
    public abstract void Update(ReadOnlySpan<byte> oldRow, ReadOnlySpan<byte> newRow, uint rowId, long edit);

    /// <summary>True when two rows hold the same bytes in every key column (so the same key); allocation-free.</summary>
    public abstract bool SameKeyColumns(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b);

    /// <summary>Some row with the same key as <paramref name="row"/> (for unique checks).</summary>
    public abstract bool TryFindSameKey(ReadOnlySpan<byte> row, out uint rowId);

    /// <summary>Some row with key <paramref name="keyBsatn"/> (all key columns).</summary>
    public abstract bool TryFind(ReadOnlySpan<byte> keyBsatn, out uint rowId);

    /// <summary>
    /// Finds, among the rows of <paramref name="table"/> with the same key as <paramref name="row"/>, one whose bytes equal it,
    /// looking at no more than <paramref name="limit"/> candidates. Returns null when that many were
    /// examined without an answer (the key is too common for this index to find rows by their bytes).
    /// </summary>
    public abstract bool? TryFindIdentical(ReadOnlySpan<byte> row, Tables.TableData table, int limit, out uint rowId);

    /// <summary>Rows within a range, in key order.</summary>
    public abstract RowIdCursor Scan(in IndexScanRange range);

    /// <summary>All rows in key order.</summary>
    public abstract RowIdCursor ScanAll();

    /// <summary>Creates the index for <paramref name="schema"/>, choosing the specialised key type the columns allow.</summary>
    public static TableIndex Create(IndexSchema schema, RowLayout layout)
    {
        if (schema.Columns.Count == 1)
        {
            var column = schema.Columns[0];
            var tag = layout.ColumnType(column).Tag;
            if (U32KeyCodec.Supports(tag))
                return new TableIndex<uint>(schema, new U32KeyCodec(layout, column));
            if (U64KeyCodec.Supports(tag))
                return new TableIndex<ulong>(schema, new U64KeyCodec(layout, column));
            if (tag == AlgebraicTypeTag.String)
                return new TableIndex<BytesKey>(schema, new StringKeyCodec(layout, column));
        }
        return new TableIndex<BytesKey>(schema, new OrderedKeyCodec(layout, schema.Columns));
    }
}

/// <summary>An index whose keys are <typeparamref name="TKey"/>.</summary>
internal sealed class TableIndex<TKey> : TableIndex
    where TKey : struct, IComparable<TKey>
{
    private readonly KeyCodec<TKey> _codec;
    private BTreeNode<IndexEntry<TKey>>? _root;
    // Entries of rows inserted by the open transaction, not yet in the tree, and the edit token they were added under.
    private IndexEntry<TKey>[]? _deferred;
    private int _deferredCount;
    private long _deferredEdit;
    [ThreadStatic]
    private static IndexEntry<TKey>[]? _spare;

    public TableIndex(IndexSchema schema, KeyCodec<TKey> codec)
        : base(schema) => _codec = codec;

    private TableIndex(TableIndex<TKey> from)
        : base(from.Schema)
    {
        _codec = from._codec;
        _root = from._root;
    }

    public KeyCodec<TKey> Codec => _codec;

    public override object? Root
    {
        get
        {
            Flush();
            return _root;
        }
    }

    public override TableIndex Clone()
    {
        Flush();
        return new TableIndex<TKey>(this);
    }

    public override bool Insert(ReadOnlySpan<byte> row, uint rowId, long edit)
    {
        Flush();
        return BTree<IndexEntry<TKey>, EntryOrder<TKey>>.Insert(ref _root, new(_codec.FromRow(row), rowId), edit);
    }

    public override void InsertDeferred(ReadOnlySpan<byte> row, uint rowId, long edit)
    {
        if (_deferredCount > 0 && _deferredEdit != edit)
            Flush(); // a cursor retired the token these were added under: they belong to the earlier nodes
        _deferredEdit = edit;
        if (_deferred is null)
        {
            _deferred = _spare ?? new IndexEntry<TKey>[64];
            _spare = null;
        }
        else if (_deferredCount == _deferred.Length)
        {
            Array.Resize(ref _deferred, _deferredCount * 2);
        }
        _deferred[_deferredCount++] = new(_codec.FromRow(row), rowId);
    }

    public override void Flush()
    {
        if (_deferredCount == 0)
            return;
        var batch = _deferred.AsSpan(0, _deferredCount);
        BTree<IndexEntry<TKey>, EntryOrder<TKey>>.Sort(batch);
        BTree<IndexEntry<TKey>, EntryOrder<TKey>>.InsertSorted(ref _root, batch, _deferredEdit);
        // Keep the buffer for the next transaction's batch on this thread (the writer's), without the keys it held.
        if (System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<IndexEntry<TKey>>())
            batch.Clear();
        if (_deferred!.Length <= 4096 && (_spare is null || _spare.Length < _deferred.Length))
            _spare = _deferred; // bounded: a bulk load's buffer is not kept
        _deferred = null;
        _deferredCount = 0;
    }

    public override bool Remove(ReadOnlySpan<byte> row, uint rowId, long edit)
    {
        Flush();
        return BTree<IndexEntry<TKey>, EntryOrder<TKey>>.Remove(ref _root, new(_codec.FromRow(row), rowId), edit);
    }

    public override void Update(ReadOnlySpan<byte> oldRow, ReadOnlySpan<byte> newRow, uint rowId, long edit)
    {
        if (_codec.SameKeyColumns(oldRow, newRow))
            return;
        Flush();
        var oldKey = _codec.FromRow(oldRow);
        var newKey = _codec.FromRow(newRow);
        if (oldKey.CompareTo(newKey) == 0)
            return; // different bytes, same key (e.g. -0.0 and 0.0)
        if (!BTree<IndexEntry<TKey>, EntryOrder<TKey>>.Remove(ref _root, new(oldKey, rowId), edit))
            throw new InvalidOperationException($"Index '{Schema.Name}' has no entry for row {rowId}.");
        BTree<IndexEntry<TKey>, EntryOrder<TKey>>.Insert(ref _root, new(newKey, rowId), edit);
    }

    public override bool SameKeyColumns(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => _codec.SameKeyColumns(a, b);

    public override bool TryFindSameKey(ReadOnlySpan<byte> row, out uint rowId) => TryFindKey(_codec.FromRow(row), out rowId);

    public override bool TryFind(ReadOnlySpan<byte> keyBsatn, out uint rowId) => TryFindKey(_codec.FromKey(keyBsatn), out rowId);

    public bool TryFindKey(TKey key, out uint rowId)
    {
        Flush();
        if (BTree<IndexEntry<TKey>, EntryOrder<TKey>>.TryFindCeiling(_root, new(key, 0), out var found) && found.Key.CompareTo(key) == 0)
        {
            rowId = found.Row;
            return true;
        }
        rowId = 0;
        return false;
    }

    public override bool? TryFindIdentical(ReadOnlySpan<byte> row, Tables.TableData table, int limit, out uint rowId)
    {
        Flush();
        var key = _codec.FromRow(row);
        rowId = 0;
        // Common case without a cursor: no row has this key, or the first one is the row.
        if (!BTree<IndexEntry<TKey>, EntryOrder<TKey>>.TryFindCeiling(_root, new(key, 0), out var first) || first.Key.CompareTo(key) != 0)
            return false;
        if (table.ReadRow(first.Row).SequenceEqual(row))
        {
            rowId = first.Row;
            return true;
        }
        var cursor = new BTreeCursor<IndexEntry<TKey>, EntryOrder<TKey>>();
        var examined = 1;
        for (cursor.Seek(_root, new(key, first.Row + 1)); cursor.Valid && cursor.Current.Key.CompareTo(key) == 0; cursor.MoveNext())
        {
            if (++examined > limit)
                return null;
            var candidate = cursor.Current.Row;
            if (table.ReadRow(candidate).SequenceEqual(row))
            {
                rowId = candidate;
                return true;
            }
        }
        return false;
    }

    public override RowIdCursor Scan(in IndexScanRange range)
    {
        Flush();
        return new RangeCursor(_root, _codec.Range(range));
    }

    public override RowIdCursor ScanAll()
    {
        Flush();
        return new RangeCursor(_root, default);
    }

    private sealed class RangeCursor(BTreeNode<IndexEntry<TKey>>? root, RangeSpec<TKey> spec) : RowIdCursor
    {
        private readonly BTreeCursor<IndexEntry<TKey>, EntryOrder<TKey>> _cursor = new();
        private readonly RangeSpec<TKey> _spec = spec;
        private BTreeNode<IndexEntry<TKey>>? _root = root;
        private bool _started;
        private bool _done;

        public override uint Current => _cursor.Current.Row;

        public override bool MoveNext()
        {
            if (_done)
                return false;
            if (!_started)
            {
                _started = true;
                if (_spec.IsEmpty)
                {
                    _done = true;
                    return false;
                }
                if (_spec.HasLower)
                {
                    _cursor.Seek(_root, new(_spec.Lower, _spec.LowerInclusive ? 0 : uint.MaxValue));
                    if (!_spec.LowerInclusive && _cursor.Valid && _cursor.Current.Key.CompareTo(_spec.Lower) == 0)
                        _cursor.MoveNext();
                }
                else
                {
                    _cursor.SeekFirst(_root);
                }
                _root = null;
            }
            else
            {
                _cursor.MoveNext();
            }
            if (!_cursor.Valid)
            {
                _done = true;
                return false;
            }
            if (_spec.HasUpper)
            {
                var c = _cursor.Current.Key.CompareTo(_spec.Upper);
                if (c > 0 || (c == 0 && !_spec.UpperInclusive))
                {
                    _done = true;
                    return false;
                }
            }
            return true;
        }
    }
}
