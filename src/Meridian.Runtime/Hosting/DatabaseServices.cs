using Meridian.Runtime.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Meridian.Runtime.Hosting;

/// <summary>What every database of a host shares: the clock, the instruments and the operator log.</summary>
/// <param name="Clock">Time for timestamps and schedules.</param>
/// <param name="Metrics">The runtime's instruments.</param>
/// <param name="LoggerFactory">Where operator log lines go.</param>
public sealed record DatabaseServices(TimeProvider Clock, RuntimeMetrics Metrics, ILoggerFactory LoggerFactory)
{
    /// <summary>The system clock, instruments on a meter of their own, no operator log.</summary>
    public static DatabaseServices Default { get; } = new(TimeProvider.System, new RuntimeMetrics(null), NullLoggerFactory.Instance);
}
