namespace Meridian.Runtime.Diagnostics;

/// <summary>When reducer calls and SQL queries count as slow and are kept in <c>st_slow_log</c>.</summary>
public sealed record SlowLogOptions
{
    /// <summary>Reducer calls that run at least this long are logged; null logs none (default 100 ms).</summary>
    public TimeSpan? ReducerThreshold { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>SQL queries (HTTP SQL, one-off queries) that take at least this long are logged; null logs none (default 100 ms).</summary>
    public TimeSpan? QueryThreshold { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How many entries each database keeps; the oldest go first (default 1,000).</summary>
    public int Capacity { get; init; } = 1_000;
}
