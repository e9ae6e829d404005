using Meridian.Query.Plans;
using Meridian.Sats.Values;

namespace Meridian.Query.Execution;

/// <summary>Orders result rows (of an aggregate) by ORDER BY keys on result columns, then by the whole row, so the order is total.</summary>
internal sealed class OutputOrder(IReadOnlyList<SortKey> keys) : IComparer<ProductValue>
{
    public int Compare(ProductValue? x, ProductValue? y)
    {
        if (ReferenceEquals(x, y))
            return 0;
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        foreach (var key in keys)
        {
            var c = x[key.Output].CompareTo(y[key.Output]);
            if (c != 0)
                return key.Descending ? -c : c;
        }
        return x.CompareTo(y);
    }
}
