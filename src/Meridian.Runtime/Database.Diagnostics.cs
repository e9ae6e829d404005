using Meridian.Runtime.Diagnostics;

namespace Meridian.Runtime;

/// <summary>The size of one table.</summary>
/// <param name="Table">The table's canonical name.</param>
/// <param name="Rows">Rows in the latest committed version.</param>
/// <param name="Bytes">Their BSATN size in bytes (what clients and the log see; storage overhead excluded).</param>
public readonly record struct TableSize(string Table, long Rows, long Bytes);

public sealed partial class Database
{
    private SlowLog? _slowLog;
    private (ulong? Offset, IReadOnlyList<TableSize> Sizes)? _sizes;

    /// <summary>Slow reducer calls and queries of this database (readable as <c>st_slow_log</c>).</summary>
    public SlowLog SlowLog => LazyInitializer.EnsureInitialized(ref _slowLog, () => new SlowLog(_services.SlowLog));

    /// <summary>Distinct live queries clients are subscribed to.</summary>
    public int LiveQueryCount => _subscriptions.QueryCount;

    /// <summary>
    /// Rows and bytes per table in the latest committed version. Bytes are counted by a scan, so the answer is
    /// cached until the next commit.
    /// </summary>
    public IReadOnlyList<TableSize> TableSizes()
    {
        var state = _store.Committed;
        if (_sizes is { } cached && cached.Offset == state.LastOffset)
            return cached.Sizes;
        var sizes = new List<TableSize>();
        foreach (var table in state.Tables)
        {
            long bytes = 0;
            var cursor = state.Scan(table.Id);
            while (cursor.MoveNext())
                bytes += cursor.Current.Length;
            sizes.Add(new TableSize(table.Name, state.Count(table.Id), bytes));
        }
        _sizes = (state.LastOffset, sizes);
        return sizes;
    }
}
