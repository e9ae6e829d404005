using System.Diagnostics.Metrics;
using System.Globalization;

namespace Meridian.Server.Diagnostics;

/// <summary>
/// Creates every meter of one server (its own, its runtime's and its storage's) with the meter tag
/// <see cref="InstanceTag"/> set to this server's number in the process. Meter names are the same for every
/// server, and an exporter subscribes by name, so without the tag two servers in one process (embedded, tests)
/// would each export both servers' measurements, mixed under the same database names.
/// </summary>
internal sealed class ServerMeterFactory : IMeterFactory
{
    /// <summary>The meter tag that says which server in the process a meter belongs to.</summary>
    public const string InstanceTag = "meridian.server.instance";

    private static int s_lastInstance;
    private readonly IMeterFactory? _inner;
    private readonly List<Meter> _owned = [];

    /// <summary>Wraps the caller's factory (its meters are its to dispose), or creates and owns meters itself when null.</summary>
    public ServerMeterFactory(IMeterFactory? inner)
    {
        _inner = inner;
        Instance = Interlocked.Increment(ref s_lastInstance).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>This server's value of <see cref="InstanceTag"/>.</summary>
    public string Instance { get; }

    public Meter Create(MeterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var tags = (options.Tags ?? []).Where(t => t.Key != InstanceTag).Append(new(InstanceTag, Instance)).ToList();
        var tagged = new MeterOptions(options.Name) { Version = options.Version, Tags = tags };
        if (_inner is not null)
            return _inner.Create(tagged);
        tagged.Scope = this;
        var meter = new Meter(tagged);
        lock (_owned)
            _owned.Add(meter);
        return meter;
    }

    /// <summary>Whether <paramref name="meter"/> is one of this server's.</summary>
    public bool Owns(Meter meter) =>
        meter.Tags?.Any(t => t.Key == InstanceTag && Instance.Equals(t.Value as string, StringComparison.Ordinal)) == true;

    public void Dispose()
    {
        lock (_owned)
        {
            foreach (var meter in _owned)
                meter.Dispose();
            _owned.Clear();
        }
    }
}
