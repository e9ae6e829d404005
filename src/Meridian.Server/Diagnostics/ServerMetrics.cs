using System.Diagnostics.Metrics;

namespace Meridian.Server.Diagnostics;

/// <summary>The server's instruments: open client connections and the messages waiting to be sent to them.</summary>
public sealed class ServerMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Meridian.Server";

    private readonly UpDownCounter<long> _connections;
    private readonly UpDownCounter<long> _queued;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/> (or a meter of its own when null).</summary>
    public ServerMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _connections = meter.CreateUpDownCounter<long>("meridian.server.connections", "{connection}", "Open client connections, by database.");
        _queued = meter.CreateUpDownCounter<long>("meridian.server.send_queue.messages", "{message}", "Messages queued for clients and not yet sent, by database.");
    }

    internal void Connected(string database, int change) => _connections.Add(change, new KeyValuePair<string, object?>("database", database));

    internal void Queued(string database, int change) => _queued.Add(change, new KeyValuePair<string, object?>("database", database));
}
