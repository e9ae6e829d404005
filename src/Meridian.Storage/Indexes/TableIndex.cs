using Meridian.Sats.Types;
using Meridian.Storage.Rows;
using Meridian.Storage.Schema;
using Meridian.Sats.Rows;

namespace Meridian.Storage.Indexes;

/// <summary>A cursor over row pointers.</summary>
internal abstract class PointerCursor
{
    public abstract bool MoveNext();

    public abstract ulong Current { get; }
}

/// <summary>
/// One index of one table version. The tree root is the only state; a transaction works on a
/// <see cref="Clone"/> that shares every node with the committed version until it writes.
/// </summary>
internal abstract class TableIndex
{
    protected TableIndex(IndexSchema schema) => Schema = schema;

    public IndexSchema Schema { get; }

    /// <summary>A copy sharing the same tree version.</summary>
    public abstract TableIndex Clone();

    /// <summary>Adds the entry for a row; false when that exact entry exists.</summary>
    public abstract bool Insert(ReadOnlySpan<byte> row, ulong ptr, long edit);

    /// <summary>Removes the entry for a row; false when absent.</summary>
    public abstract bool Remove(ReadOnlySpan<byte> row, ulong ptr, long edit);

    /// <summary>
    /// Moves a row's entry from <paramref name="oldRow"/> at <paramref name="oldPtr"/> to
    /// <paramref name="newRow"/> at <paramref name="newPtr"/>: in place when the key is unchanged and
    /// the entry keeps its position (always so in a unique index), otherwise a remove plus an insert.
    /// </summary>
    public abstract void Replace(ReadOnlySpan<byte> oldRow, ulong oldPtr, ReadOnlySpan<byte> newRow, ulong newPtr, long edit);

    /// <summary>Some row with the same key as <paramref name="row"/> (for unique checks).</summary>
    public abstract bool TryFindSameKey(ReadOnlySpan<byte> row, out ulong ptr);

    /// <summary>Some row with key <paramref name="keyBsatn"/> (all key columns).</summary>
    public abstract bool TryFind(ReadOnlySpan<byte> keyBsatn, out ulong ptr);

    /// <summary>Rows within a range, in key order.</summary>
    public abstract PointerCursor Scan(in IndexScanRange range);

    /// <summary>All rows in key order.</summary>
    public abstract PointerCursor ScanAll();

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

    public TableIndex(IndexSchema schema, KeyCodec<TKey> codec)
        : base(schema) => _codec = codec;

    private TableIndex(TableIndex<TKey> from)
        : base(from.Schema)
    {
        _codec = from._codec;
        _root = from._root;
    }

    public KeyCodec<TKey> Codec => _codec;

    public override TableIndex Clone() => new TableIndex<TKey>(this);

    public override bool Insert(ReadOnlySpan<byte> row, ulong ptr, long edit) =>
        BTree<IndexEntry<TKey>, EntryOrder<TKey>>.Insert(ref _root, new(_codec.FromRow(row), ptr), edit);

    public override bool Remove(ReadOnlySpan<byte> row, ulong ptr, long edit) =>
        BTree<IndexEntry<TKey>, EntryOrder<TKey>>.Remove(ref _root, new(_codec.FromRow(row), ptr), edit);

    public override void Replace(ReadOnlySpan<byte> oldRow, ulong oldPtr, ReadOnlySpan<byte> newRow, ulong newPtr, long edit)
    {
        var oldKey = _codec.FromRow(oldRow);
        var newKey = _codec.FromRow(newRow);
        if (oldKey.CompareTo(newKey) == 0)
        {
            // Same key: reuse the old key (no second allocation for byte keys) and swap the pointer.
            if (BTree<IndexEntry<TKey>, EntryOrder<TKey>>.TryReplace(ref _root, new(oldKey, oldPtr), new(oldKey, newPtr), edit))
                return;
            newKey = oldKey;
        }
        if (!BTree<IndexEntry<TKey>, EntryOrder<TKey>>.Remove(ref _root, new(oldKey, oldPtr), edit))
            throw new InvalidOperationException($"Index '{Schema.Name}' has no entry for row pointer {oldPtr:x}.");
        BTree<IndexEntry<TKey>, EntryOrder<TKey>>.Insert(ref _root, new(newKey, newPtr), edit);
    }

    public override bool TryFindSameKey(ReadOnlySpan<byte> row, out ulong ptr) => TryFindKey(_codec.FromRow(row), out ptr);

    public override bool TryFind(ReadOnlySpan<byte> keyBsatn, out ulong ptr) => TryFindKey(_codec.FromKey(keyBsatn), out ptr);

    public bool TryFindKey(TKey key, out ulong ptr)
    {
        if (BTree<IndexEntry<TKey>, EntryOrder<TKey>>.TryFindCeiling(_root, new(key, 0), out var found) && found.Key.CompareTo(key) == 0)
        {
            ptr = found.Ptr;
            return true;
        }
        ptr = 0;
        return false;
    }

    public override PointerCursor Scan(in IndexScanRange range) => new RangeCursor(_root, _codec.Range(range));

    public override PointerCursor ScanAll() => new RangeCursor(_root, default);

    /// <summary>Rows whose key equals <paramref name="key"/>.</summary>
    public PointerCursor ScanKey(TKey key) => new RangeCursor(_root, new RangeSpec<TKey>
    {
        HasLower = true, Lower = key, LowerInclusive = true,
        HasUpper = true, Upper = key, UpperInclusive = true,
    });

    private sealed class RangeCursor(BTreeNode<IndexEntry<TKey>>? root, RangeSpec<TKey> spec) : PointerCursor
    {
        private readonly BTreeCursor<IndexEntry<TKey>, EntryOrder<TKey>> _cursor = new();
        private readonly RangeSpec<TKey> _spec = spec;
        private BTreeNode<IndexEntry<TKey>>? _root = root;
        private bool _started;
        private bool _done;

        public override ulong Current => _cursor.Current.Ptr;

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
                    _cursor.Seek(_root, new(_spec.Lower, _spec.LowerInclusive ? 0 : ulong.MaxValue));
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
