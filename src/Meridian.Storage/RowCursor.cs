using Meridian.Sats.Values;
using Meridian.Storage.Indexes;
using Meridian.Storage.Rows;
using Meridian.Storage.Tables;

namespace Meridian.Storage;

/// <summary>
/// Iterates rows of one table version as BSATN. The version is fixed when the cursor is created:
/// rows inserted or deleted afterwards (even by the same transaction) do not change what it yields.
/// <see cref="Current"/> stays valid after the cursor moves on.
/// </summary>
public sealed class RowCursor
{
    private readonly TableData _table;
    private readonly RowIdCursor? _index;
    // The version's slot map and page directory as they were when the cursor opened: shared nodes
    // are never changed, and the directory array still holds every page those slots point into.
    private readonly SlotMap _slots;
    private readonly byte[][] _pages;
    private readonly int _firstPage;
    private readonly int _fixedRowSize;
    private readonly RowHint? _hint;
    private readonly uint _tableId;
    private ulong[]? _leaf;
    private uint _next;
    private uint _rowId;
    private ulong _ptr;
    private bool _valid;

    internal RowCursor(TableData table, RowHint? hint = null)
    {
        _table = table;
        _hint = hint;
        _tableId = table.Schema.Id.Value;
        _slots = table.Slots;
        _pages = table.Heap.Pages;
        _firstPage = table.Heap.FirstPage;
        _fixedRowSize = table.Heap.FixedRowSize;
    }

    internal RowCursor(TableData table, RowIdCursor index, RowHint? hint = null)
        : this(table, hint) => _index = index;

    /// <summary>Advances to the next row; false at the end.</summary>
    public bool MoveNext()
    {
        if (_index is not null)
        {
            if (!_index.MoveNext())
                return _valid = false;
            _rowId = _index.Current;
            _ptr = _slots.Get(_rowId);
            _hint?.Set(_tableId, _rowId);
            return _valid = true;
        }
        // A table scan walks the slot map leaf by leaf, skipping free slots.
        var next = _next;
        var leaf = _leaf;
        var count = _slots.Count;
        while (next < count)
        {
            var at = next & (SlotMap.Fanout - 1);
            if (at == 0 || leaf is null)
            {
                var node = _slots.Leaf(next - at);
                if (node.Live == 0)
                {
                    next += SlotMap.Fanout - at; // a leaf of deleted rows
                    continue;
                }
                leaf = node.Values!;
            }
            var value = leaf[at];
            next++;
            if (!SlotMap.IsFree(value))
            {
                _next = next;
                _leaf = leaf;
                _rowId = next - 1;
                _ptr = value;
                _hint?.Set(_tableId, _rowId);
                return _valid = true;
            }
        }
        _next = next;
        return _valid = false;
    }

    internal uint CurrentRowId => _rowId;

    /// <summary>The current row's BSATN.</summary>
    public ReadOnlySpan<byte> Current
    {
        get
        {
            if (!_valid)
                throw new InvalidOperationException("The cursor is not on a row.");
            return RowHeap.Read(_pages, _firstPage, _fixedRowSize, _ptr);
        }
    }

    /// <summary>
    /// The current row's BSATN as memory, without a copy. A row of a committed version stays valid and
    /// unchanged for as long as it is referenced (pages are never rewritten under a published row);
    /// a transaction's own uncommitted rows only until the transaction ends.
    /// </summary>
    public ReadOnlyMemory<byte> CurrentMemory
    {
        get
        {
            if (!_valid)
                throw new InvalidOperationException("The cursor is not on a row.");
            return RowHeap.ReadMemory(_pages, _firstPage, _fixedRowSize, _ptr);
        }
    }

    /// <summary>The current row decoded.</summary>
    public ProductValue CurrentValue =>
        (ProductValue)AlgebraicValue.FromBsatn(Current, _table.Schema.RowType, _table.Schema.Typespace);

    /// <summary>Reads the remaining rows into arrays.</summary>
    public List<byte[]> ToList()
    {
        var list = new List<byte[]>();
        while (MoveNext())
            list.Add(Current.ToArray());
        return list;
    }

    /// <summary>Counts the remaining rows.</summary>
    public int CountRemaining()
    {
        var n = 0;
        while (MoveNext())
            n++;
        return n;
    }
}
