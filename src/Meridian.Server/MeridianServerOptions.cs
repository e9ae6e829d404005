using Meridian.Storage.Log;

namespace Meridian.Server;

/// <summary>How to run a <see cref="MeridianServer"/>.</summary>
public sealed class MeridianServerOptions
{
    /// <summary>Where to listen, <c>host:port</c>; port 0 picks a free port. Default <c>127.0.0.1:3000</c>.</summary>
    public string ListenAddress { get; init; } = "127.0.0.1:3000";

    /// <summary>The data directory (databases, logs, keys); null keeps everything in memory.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Group commit (default) or periodic fsync.</summary>
    public DurabilityMode Durability { get; init; } = DurabilityMode.Sync;

    /// <summary>Messages that may wait for one client that does not read before it is disconnected (default 16,384).</summary>
    public int MaxQueuedMessagesPerClient { get; init; } = WebSockets.ClientConnection.DefaultMaxQueuedMessages;

    /// <summary>Clock for timestamps and tokens.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
