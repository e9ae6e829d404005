using System.Diagnostics.Metrics;
using Meridian.Runtime;
using Meridian.Runtime.Hosting;

namespace Meridian.Server.Diagnostics;

/// <summary>
/// Gauges read from the databases when a collector asks: rows and bytes per table, live queries per database.
/// Registered on the server's meter; disposing the returned meter (when the server created it) stops them.
/// </summary>
internal static class DatabaseGauges
{
    public static Meter Register(IMeterFactory? meterFactory, DatabaseRegistry registry)
    {
        var meter = meterFactory?.Create(ServerMetrics.MeterName + ".Databases") ?? new Meter(ServerMetrics.MeterName + ".Databases");
        meter.CreateObservableGauge(
            "meridian.table.rows", () => PerTable(registry, t => t.Rows), "{row}", "Rows in each table's latest committed version, by database and table.");
        meter.CreateObservableGauge(
            "meridian.table.size", () => PerTable(registry, t => t.Bytes), "By", "BSATN bytes of each table's rows, by database and table.");
        meter.CreateObservableGauge(
            "meridian.subscription.queries",
            () => registry.Databases.Select(db => new Measurement<long>(db.LiveQueryCount, new KeyValuePair<string, object?>("database", db.Name))),
            "{query}", "Distinct live queries clients are subscribed to, by database.");
        return meter;
    }

    private static IEnumerable<Measurement<long>> PerTable(DatabaseRegistry registry, Func<TableSize, long> value)
    {
        foreach (var db in registry.Databases)
        {
            IReadOnlyList<TableSize> sizes;
            try
            {
                sizes = db.TableSizes();
            }
            catch (ObjectDisposedException)
            {
                continue;
            }
            var database = new KeyValuePair<string, object?>("database", db.Name);
            foreach (var t in sizes)
                yield return new Measurement<long>(value(t), database, new KeyValuePair<string, object?>("table", t.Table));
        }
    }
}
