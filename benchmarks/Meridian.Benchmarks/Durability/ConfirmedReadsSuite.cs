using System.Diagnostics;
using Meridian.Benchmarks.Harness;
using Meridian.Sats.Types;
using Meridian.Storage;
using Meridian.Storage.Devices;
using Meridian.Storage.Log;
using Meridian.Storage.Schema;

namespace Meridian.Benchmarks.Durability;

/// <summary>
/// Suite <c>durability</c>: clients with confirmed reads, each committing a one-row transaction and waiting
/// until it is durable before the next (what a confirmed-reads client sees: its answer leaves only then),
/// on a real disk. Compares sync group commit, async fsync with an immediate fsync when someone waits
/// (Meridian's async mode), and purely periodic async fsync (the behaviour before; upstream's too), all in
/// the same run. Target: async mode no slower than sync mode.
/// </summary>
public static class ConfirmedReadsSuite
{
    private const string Suite = "durability";

    public static IReadOnlyList<BenchmarkResult> Run(BenchmarkOptions options)
    {
        var results = new List<BenchmarkResult>();
        var duration = options.Quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(4);
        // The floor every durable commit pays: one 4 KB write + fdatasync in the same temp directory,
        // probed before and after the modes; the p50s are printed again as multiples of it.
        var probes = options.Quick ? 40 : 200;
        var floor = ProbeFloor(probes);
        var p50s = new List<(string Name, double Ms)>();
        foreach (var clients in new[] { 1, 16 })
        {
            var sync = Measure(DurabilityMode.Sync, fsyncWhenWaitedOn: true, clients, duration);
            var periodic = Measure(DurabilityMode.Async, fsyncWhenWaitedOn: false, clients, duration);
            var async = Measure(DurabilityMode.Async, fsyncWhenWaitedOn: true, clients, duration);
            Console.Error.WriteLine(
                $"  {clients} clients: sync {sync.PerSecond:N0} tx/s p50 {sync.P50Ms:F2} ms; " +
                $"async+fsync-on-wait {async.PerSecond:N0} tx/s p50 {async.P50Ms:F2} ms; " +
                $"async periodic {periodic.PerSecond:N0} tx/s p50 {periodic.P50Ms:F2} ms");
            results.Add(BenchmarkResult.HigherIsBetter(
                Suite, $"confirmed reads, {clients} clients, async fsync (fsync on wait) vs sync", "tx/s", async.PerSecond, sync.PerSecond,
                "sync group commit, same run", ">= 1x sync"));
            results.Add(BenchmarkResult.HigherIsBetter(
                Suite, $"confirmed reads, {clients} clients, async fsync (fsync on wait) vs periodic only", "tx/s", async.PerSecond, periodic.PerSecond,
                "periodic 10 ms fsync (before), same run", null));
            results.Add(BenchmarkResult.LowerIsBetter(
                Suite, $"confirmed reads, {clients} clients, p50 commit-to-durable, async (fsync on wait) vs sync", "ms", async.P50Ms, sync.P50Ms,
                "sync group commit, same run", null));
            results.Add(BenchmarkResult.LowerIsBetter(
                Suite, $"confirmed reads, {clients} clients, p50 commit-to-durable, async (fsync on wait) vs periodic only", "ms", async.P50Ms, periodic.P50Ms,
                "periodic 10 ms fsync (before), same run", null));
            p50s.Add(($"{clients} clients, sync", sync.P50Ms));
            p50s.Add(($"{clients} clients, async (fsync on wait)", async.P50Ms));
        }
        var after = ProbeFloor(probes);
        if (floor.Overwrite.Count > 0)
        {
            static double Median(List<double> samples)
            {
                samples.Sort();
                return samples[samples.Count / 2] / 1e6;
            }
            results.Add(BenchmarkResult.LowerIsBetter(Suite, "fsync floor, same temp directory, before / after the modes: 4 KB append + fdatasync", "ms",
                Median(floor.Append), Median(after.Append), "after the modes", null));
            results.Add(BenchmarkResult.LowerIsBetter(Suite,
                "fsync floor, same temp directory, before / after the modes: 4 KB overwrite of written blocks + fdatasync (the floor below)", "ms",
                Median(floor.Overwrite), Median(after.Overwrite), "after the modes", null));
            var floorMs = Median([.. floor.Overwrite, .. after.Overwrite]);
            foreach (var (name, ms) in p50s)
            {
                results.Add(BenchmarkResult.LowerIsBetter(Suite, $"confirmed reads, {name}, p50 commit-to-durable in fsync floors", "floors",
                    ms / floorMs, null, null, null));
            }
        }
        return results;
    }

    private static (List<double> Append, List<double> Overwrite) ProbeFloor(int writes)
    {
        var dir = Path.Combine(Path.GetTempPath(), "meridian-bench-durability-floor-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            return Storage.FsyncFloor.Probe(dir, writes);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private readonly record struct Outcome(double PerSecond, double P50Ms);

    private static Outcome Measure(DurabilityMode mode, bool fsyncWhenWaitedOn, int clients, TimeSpan duration)
    {
        var dir = Path.Combine(Path.GetTempPath(), "meridian-bench-durability-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new DatastoreOptions
            {
                Device = new FileStorageDevice(dir),
                Durability = mode,
                AsyncFsyncWhenWaitedOn = fsyncWhenWaitedOn,
                SnapshotInterval = 0,
            };
            using var store = Datastore.Open(options);
            var schema = new TableSchema("t", AlgebraicType.Product(("id", AlgebraicType.U32), ("v", AlgebraicType.I32)),
                sequences: [SequenceSchema.Ascending("t_id_seq", 0, uint.MaxValue)], primaryKey: 0);
            TableId table;
            using (var tx = store.BeginTransaction())
            {
                table = tx.CreateTable(schema);
                tx.Commit();
            }
            store.Flush();

            // Warm up, then measure.
            RunClients(store, table, clients, TimeSpan.FromMilliseconds(300), new List<double>());
            var latencies = new List<double>();
            var stopwatch = Stopwatch.StartNew();
            var commits = RunClients(store, table, clients, duration, latencies);
            var elapsed = stopwatch.Elapsed.TotalSeconds;
            latencies.Sort();
            return new Outcome(commits / elapsed, latencies.Count == 0 ? 0 : latencies[latencies.Count / 2]);
        }
        finally
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    // Each client: commit (one writer at a time, as the runtime's writer), then wait for durability.
    private static long RunClients(Datastore store, TableId table, int clients, TimeSpan duration, List<double> latencies)
    {
        long commits = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var tasks = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var row = new byte[8];
            var mine = new List<double>();
            var i = 0;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                BitConverter.TryWriteBytes(row, 0u);
                BitConverter.TryWriteBytes(row.AsSpan(4), (c << 20) + i++);
                ulong offset;
                using (var tx = store.BeginTransaction())
                {
                    tx.Insert(table, row);
                    offset = tx.Commit().Offset!.Value;
                }
                var started = Stopwatch.GetTimestamp();
                await store.WaitForDurableAsync(offset).ConfigureAwait(false);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                Interlocked.Increment(ref commits);
            }
            lock (latencies)
                latencies.AddRange(mine);
        })).ToArray();
        Task.WaitAll(tasks);
        return commits;
    }
}
