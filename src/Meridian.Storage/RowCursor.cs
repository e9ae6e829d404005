using Meridian.Sats.Values;
using Meridian.Storage.Indexes;
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
    private readonly BTreeCursor<ulong, PointerOrder>? _rows;
    private readonly PointerCursor? _index;
    private BTreeNode<ulong>? _root;
    private bool _started;
    private bool _valid;

    internal RowCursor(TableData table, BTreeNode<ulong>? root)
    {
        _table = table;
        _rows = new BTreeCursor<ulong, PointerOrder>();
        _root = root;
    }

    internal RowCursor(TableData table, PointerCursor index)
    {
        _table = table;
        _index = index;
    }

    /// <summary>Advances to the next row; false at the end.</summary>
    public bool MoveNext()
    {
        if (_index is not null)
            return _valid = _index.MoveNext();
        if (!_started)
        {
            _started = true;
            _rows!.SeekFirst(_root);
            _root = null;
            return _valid = _rows.Valid;
        }
        return _valid = _rows!.MoveNext();
    }

    internal ulong CurrentPointer => _index is not null ? _index.Current : _rows!.Current;

    /// <summary>The current row's BSATN.</summary>
    public ReadOnlySpan<byte> Current
    {
        get
        {
            if (!_valid)
                throw new InvalidOperationException("The cursor is not on a row.");
            return _table.Read(CurrentPointer);
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
            return _table.ReadMemory(CurrentPointer);
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
