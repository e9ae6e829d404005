using System.Diagnostics.Metrics;
using Meridian.Runtime.Hosting;
using Microsoft.Extensions.Logging;

namespace Meridian.Server;

/// <summary>How to run a <see cref="MeridianServer"/> (a record: derive variations with <c>with</c>).</summary>
public sealed record MeridianServerOptions
{
    /// <summary>
    /// Where to listen, <c>host:port</c>; port 0 picks a free port. Default <c>127.0.0.1:3000</c>. Null opens no
    /// network listener at all: clients in the same process connect through <see cref="MeridianServer.ConnectInProcessAsync"/>
    /// (Meridian.Embedded's <c>WithInProcessServer</c>), and nothing outside the process can reach the server.
    /// </summary>
    public string? ListenAddress { get; init; } = "127.0.0.1:3000";

    /// <summary>
    /// The port of the PostgreSQL wire protocol listener, on the host of <see cref="ListenAddress"/> (as upstream's
    /// <c>--pg-port</c>); null (the default) serves no PostgreSQL protocol, 0 picks a free port.
    /// </summary>
    public int? PgPort { get; init; }

    /// <summary>The data directory (databases, logs, keys); null keeps everything in memory.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Group commit (default) or periodic fsync.</summary>
    public Durability Durability { get; init; } = Durability.Sync;

    /// <summary>
    /// With <see cref="Durability.Async"/>: how long a commit may wait for its fsync when no confirmed-reads
    /// client waits for it (one that waits makes the fsync happen at once). Default 10 ms.
    /// </summary>
    public TimeSpan AsyncFsyncInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How long one reducer call (or procedure transaction) may run before its next call into the database stops it
    /// and rolls it back (null: no limit). Default 10 s.
    /// </summary>
    public TimeSpan? ReducerTimeLimit { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Messages that may wait for one client that does not read before it is disconnected (default 16,384).</summary>
    public int MaxQueuedMessagesPerClient { get; init; } = Sessions.ClientSession.DefaultMaxQueuedMessages;

    /// <summary>Which connections get the frame compression they ask for, and above what size.</summary>
    public Sessions.CompressionOptions Compression { get; init; } = new();

    /// <summary>Per-identity request rate and in-flight call limits (off by default).</summary>
    public Limits.RateLimitOptions RateLimits { get; init; } = new();

    /// <summary>External OpenID Connect issuers whose tokens are accepted (none by default: only locally signed tokens).</summary>
    public Auth.IdentityProviderOptions IdentityProviders { get; init; } = new();

    /// <summary>Prometheus and OTLP export of the instruments.</summary>
    public Diagnostics.MetricsOptions Metrics { get; init; } = new();

    /// <summary>Thresholds of the slow-reducer and slow-query log (<c>st_slow_log</c>).</summary>
    public Runtime.Diagnostics.SlowLogOptions SlowLog { get; init; } = new();

    /// <summary>Clock for timestamps and tokens.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>
    /// Where the server's own log lines go (unhandled request errors, databases that failed to open,
    /// module faults). Null discards them; <c>meridian start</c> logs to the console.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>
    /// Creates the meters of the server's instruments (<c>meridian.*</c>); null gives each server meters
    /// of its own, which any <see cref="MeterListener"/> can still observe.
    /// </summary>
    public IMeterFactory? MeterFactory { get; init; }
}
