using System.Diagnostics.Metrics;
using Meridian.Runtime.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Meridian.Runtime.Hosting;

/// <summary>What every database of a host shares: the clock, the operator log and the meters.</summary>
/// <param name="Clock">Time for timestamps and schedules.</param>
/// <param name="LoggerFactory">Where operator log lines go.</param>
/// <param name="MeterFactory">Creates the meters of the runtime's and storage's instruments (null: meters of their own).</param>
public sealed record DatabaseServices(TimeProvider Clock, ILoggerFactory LoggerFactory, IMeterFactory? MeterFactory)
{
    /// <summary>The system clock, no operator log, meters of their own.</summary>
    public static DatabaseServices Default { get; } = new(TimeProvider.System, NullLoggerFactory.Instance, null);

    /// <summary>When reducer calls and queries are slow enough for <c>st_slow_log</c>.</summary>
    public SlowLogOptions SlowLog { get; init; } = new();

    /// <summary>
    /// With <see cref="Durability.Async"/>: the longest a commit waits for its fsync when no confirmed read
    /// waits for it (one that does makes the fsync happen at once). Default 10 ms.
    /// </summary>
    public TimeSpan AsyncFsyncInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How long one reducer call (or one procedure transaction) may hold the database's writer; null: no limit.
    /// A reducer past it is stopped at its next call into the database (table operation or log line), its
    /// transaction rolled back and the caller told why; a loop that never calls the database is not stopped
    /// (see docs/modules.md, "Trust"). Default 10 s.
    /// </summary>
    public TimeSpan? ReducerTimeLimit { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The runtime's instruments.</summary>
    public RuntimeMetrics Metrics { get; } = new(MeterFactory);
}
