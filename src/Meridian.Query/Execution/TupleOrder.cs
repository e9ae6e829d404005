using Meridian.Query.Plans;

namespace Meridian.Query.Execution;

/// <summary>
/// Orders tuples by ORDER BY keys read from row bytes, then by the bytes of the returned row and the
/// other sources' rows, so the order is total and the same on every evaluation (ties between
/// different rows are broken deterministically; only identical tuples compare equal).
/// </summary>
internal sealed class TupleOrder : IComparer<ReadOnlyMemory<byte>[]>
{
    private readonly QueryBlock _block;
    private readonly (ColumnRef Column, bool Descending, ValueComparer Comparer)[] _keys;
    private readonly int _first;

    /// <param name="block">The query (its sources' layouts and its ORDER BY keys on source columns).</param>
    /// <param name="first">The source whose row bytes break ties first (the returned rows').</param>
    public TupleOrder(QueryBlock block, int first)
    {
        _block = block;
        _first = first;
        _keys = block.Order.Select(k => (k.Column ?? throw new ArgumentException("Tuple order needs keys on source columns.", nameof(block)),
            k.Descending, ValueComparer.For(k.Type, k.Typespace))).ToArray();
    }

    public int Compare(ReadOnlyMemory<byte>[]? x, ReadOnlyMemory<byte>[]? y)
    {
        if (ReferenceEquals(x, y))
            return 0;
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        foreach (var (column, descending, comparer) in _keys)
        {
            var layout = _block.Sources[column.Source].Table.Layout;
            var c = comparer.Compare(layout.Column(x[column.Source].Span, column.Column), layout.Column(y[column.Source].Span, column.Column));
            if (c != 0)
                return descending ? -c : c;
        }
        var tie = x[_first].Span.SequenceCompareTo(y[_first].Span);
        for (var s = 0; tie == 0 && s < x.Length; s++)
        {
            if (s != _first)
                tie = x[s].Span.SequenceCompareTo(y[s].Span);
        }
        return tie;
    }
}
