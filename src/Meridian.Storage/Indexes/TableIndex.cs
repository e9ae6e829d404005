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
/// <remarks>
/// Entries are in the tree or in the <em>delta</em>: a sorted array of entries that recent
/// transactions added in batches (<see cref="InsertDeferred"/>). A batch that would reach most
/// leaves of a small tree goes to the delta instead, since copying the delta costs less than copying
/// those leaves (copy-on-write copies each leaf a batch reaches, however few entries it gets); once
/// the delta outgrows <see cref="DeltaLimit"/> (or stops being cheaper) it is merged into the tree in
/// one pass, so each leaf is copied once for many transactions' entries. Reads look at both. A
/// published version shares its delta array; the writer copies it before removing from it.
/// </remarks>
internal sealed class TableIndex<TKey> : TableIndex
    where TKey : struct, IComparable<TKey>
{
    /// <summary>Most entries the delta holds before it is merged into the tree.</summary>
    internal const int DeltaLimit = 1024;

    private readonly KeyCodec<TKey> _codec;
    private BTreeNode<IndexEntry<TKey>>? _root;
    private int _treeCount;
    private IndexEntry<TKey>[]? _delta;
    private int _deltaCount;
    // The edit token that may change _delta in place (the transaction that created the array).
    private long _deltaEdit;
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
        _treeCount = from._treeCount;
        _delta = from._delta;
        _deltaCount = from._deltaCount;
        _deltaEdit = from._deltaEdit;
    }

    public KeyCodec<TKey> Codec => _codec;

    /// <summary>Entries in the tree (tests).</summary>
    internal int TreeCount => _treeCount;

    /// <summary>Entries in the delta (tests).</summary>
    internal int DeltaCount
    {
        get
        {
            Flush();
            return _deltaCount;
        }
    }

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

    private ReadOnlySpan<IndexEntry<TKey>> Delta => _delta.AsSpan(0, _deltaCount);

    public override bool Insert(ReadOnlySpan<byte> row, uint rowId, long edit)
    {
        Flush();
        var entry = new IndexEntry<TKey>(_codec.FromRow(row), rowId);
        if (_deltaCount > 0 && DeltaIndexOf(entry) >= 0)
            return false;
        if (!BTree<IndexEntry<TKey>, EntryOrder<TKey>>.Insert(ref _root, entry, edit))
            return false;
        _treeCount++;
        return true;
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
        var total = _deltaCount + batch.Length;
        // The leaves this batch would reach in the tree (one per entry at most), each copied whole.
        var leavesReached = Math.Min(batch.Length, Math.Max(1, _treeCount / (BTreeNode<IndexEntry<TKey>>.Capacity * 3 / 4)));
        if (total > DeltaLimit)
        {
            // The delta is full: merge it with the batch into the tree, one pass over the leaves.
            if (_deltaCount == 0)
            {
                BTree<IndexEntry<TKey>, EntryOrder<TKey>>.InsertSorted(ref _root, batch, _deferredEdit);
            }
            else
            {
                var merged = new IndexEntry<TKey>[total];
                BTree<IndexEntry<TKey>, EntryOrder<TKey>>.Merge(Delta, batch, merged);
                BTree<IndexEntry<TKey>, EntryOrder<TKey>>.InsertSorted(ref _root, merged, _deferredEdit);
            }
            _treeCount += total;
            _delta = null;
            _deltaCount = 0;
        }
        else if (total * 2 < leavesReached * BTreeNode<IndexEntry<TKey>>.Capacity)
        {
            // Copying the delta with the batch merged in costs less than copying the leaves it reaches.
            var merged = new IndexEntry<TKey>[total];
            BTree<IndexEntry<TKey>, EntryOrder<TKey>>.Merge(Delta, batch, merged);
            _delta = merged;
            _deltaCount = total;
            _deltaEdit = _deferredEdit;
        }
        else
        {
            BTree<IndexEntry<TKey>, EntryOrder<TKey>>.InsertSorted(ref _root, batch, _deferredEdit);
            _treeCount += batch.Length;
        }
        // Keep the buffer for the next transaction's batch on this thread (the writer's), without the keys it held.
        if (System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<IndexEntry<TKey>>())
            batch.Clear();
        if (_deferred!.Length <= 4096 && (_spare is null || _spare.Length < _deferred.Length))
            _spare = _deferred; // bounded: a bulk load's buffer is not kept
        _deferred = null;
        _deferredCount = 0;
    }

    /// <summary>Position of <paramref name="entry"/> in the delta, or -1.</summary>
    private int DeltaIndexOf(in IndexEntry<TKey> entry)
    {
        var delta = Delta;
        var at = BTree<IndexEntry<TKey>, EntryOrder<TKey>>.LowerBoundIn(delta, entry);
        return at < delta.Length && EntryOrder<TKey>.Compare(delta[at], entry) == 0 ? at : -1;
    }

    private bool RemoveEntry(in IndexEntry<TKey> entry, long edit)
    {
        if (_deltaCount > 0)
        {
            var at = DeltaIndexOf(entry);
            if (at >= 0)
            {
                if (_deltaEdit != edit)
                {
                    // Shared with published versions or open cursors: copy before changing.
                    _delta = Delta.ToArray();
                    _deltaEdit = edit;
                }
                Array.Copy(_delta!, at + 1, _delta!, at, _deltaCount - at - 1);
                _deltaCount--;
                _delta![_deltaCount] = default;
                return true;
            }
        }
        if (!BTree<IndexEntry<TKey>, EntryOrder<TKey>>.Remove(ref _root, entry, edit))
            return false;
        _treeCount--;
        return true;
    }

    public override bool Remove(ReadOnlySpan<byte> row, uint rowId, long edit)
    {
        Flush();
        return RemoveEntry(new(_codec.FromRow(row), rowId), edit);
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
        if (!RemoveEntry(new(oldKey, rowId), edit))
            throw new InvalidOperationException($"Index '{Schema.Name}' has no entry for row {rowId}.");
        BTree<IndexEntry<TKey>, EntryOrder<TKey>>.Insert(ref _root, new(newKey, rowId), edit);
        _treeCount++;
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
        if (_deltaCount > 0)
        {
            var delta = Delta;
            var at = BTree<IndexEntry<TKey>, EntryOrder<TKey>>.LowerBoundIn(delta, new(key, 0));
            if (at < delta.Length && delta[at].Key.CompareTo(key) == 0)
            {
                rowId = delta[at].Row;
                return true;
            }
        }
        rowId = 0;
        return false;
    }

    public override bool? TryFindIdentical(ReadOnlySpan<byte> row, Tables.TableData table, int limit, out uint rowId)
    {
        Flush();
        var key = _codec.FromRow(row);
        rowId = 0;
        var examined = 0;
        if (_deltaCount > 0)
        {
            var delta = Delta;
            var at = BTree<IndexEntry<TKey>, EntryOrder<TKey>>.LowerBoundIn(delta, new(key, 0));
            for (; at < delta.Length && delta[at].Key.CompareTo(key) == 0; at++)
            {
                if (++examined > limit)
                    return null;
                if (table.ReadRow(delta[at].Row).SequenceEqual(row))
                {
                    rowId = delta[at].Row;
                    return true;
                }
            }
        }
        // Common case without a cursor: no row has this key, or the first one is the row.
        if (!BTree<IndexEntry<TKey>, EntryOrder<TKey>>.TryFindCeiling(_root, new(key, 0), out var first) || first.Key.CompareTo(key) != 0)
            return false;
        if (++examined > limit)
            return null;
        if (table.ReadRow(first.Row).SequenceEqual(row))
        {
            rowId = first.Row;
            return true;
        }
        var cursor = new BTreeCursor<IndexEntry<TKey>, EntryOrder<TKey>>();
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
        return new RangeCursor(_root, _delta, _deltaCount, _codec.Range(range));
    }

    public override RowIdCursor ScanAll()
    {
        Flush();
        return new RangeCursor(_root, _delta, _deltaCount, default);
    }

    /// <summary>Entries within a range, in order: the tree's and the delta's merged (both sorted, disjoint).</summary>
    private sealed class RangeCursor(BTreeNode<IndexEntry<TKey>>? root, IndexEntry<TKey>[]? delta, int deltaCount, RangeSpec<TKey> spec) : RowIdCursor
    {
        private readonly BTreeCursor<IndexEntry<TKey>, EntryOrder<TKey>> _cursor = new();
        private readonly RangeSpec<TKey> _spec = spec;
        private readonly IndexEntry<TKey>[]? _delta = delta;
        private readonly int _deltaCount = deltaCount;
        private BTreeNode<IndexEntry<TKey>>? _root = root;
        private int _deltaAt;
        private bool _fromDelta;
        private bool _started;
        private bool _done;

        public override uint Current => _fromDelta ? _delta![_deltaAt].Row : _cursor.Current.Row;

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
                    var probe = new IndexEntry<TKey>(_spec.Lower, _spec.LowerInclusive ? 0 : uint.MaxValue);
                    _cursor.Seek(_root, probe);
                    if (!_spec.LowerInclusive && _cursor.Valid && _cursor.Current.Key.CompareTo(_spec.Lower) == 0)
                        _cursor.MoveNext();
                    if (_deltaCount > 0)
                    {
                        var delta = _delta.AsSpan(0, _deltaCount);
                        _deltaAt = BTree<IndexEntry<TKey>, EntryOrder<TKey>>.LowerBoundIn(delta, probe);
                        if (!_spec.LowerInclusive && _deltaAt < delta.Length && delta[_deltaAt].Key.CompareTo(_spec.Lower) == 0)
                            _deltaAt++;
                    }
                }
                else
                {
                    _cursor.SeekFirst(_root);
                }
                _root = null;
            }
            else if (_fromDelta)
            {
                _deltaAt++;
            }
            else
            {
                _cursor.MoveNext();
            }
            var inDelta = _deltaAt < _deltaCount;
            if (_cursor.Valid)
                _fromDelta = inDelta && EntryOrder<TKey>.Compare(_delta![_deltaAt], _cursor.Current) < 0;
            else if (inDelta)
                _fromDelta = true;
            else
            {
                _done = true;
                return false;
            }
            if (_spec.HasUpper)
            {
                var c = (_fromDelta ? _delta![_deltaAt].Key : _cursor.Current.Key).CompareTo(_spec.Upper);
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
