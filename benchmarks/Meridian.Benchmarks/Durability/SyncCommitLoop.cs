using System.Diagnostics;
using System.Diagnostics.Metrics;
using Meridian.Benchmarks.Harness;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using Meridian.Storage;
using Meridian.Storage.Devices;
using Meridian.Storage.Log;
using Meridian.Storage.Schema;

namespace Meridian.Benchmarks.Durability;

/// <summary>
/// The sync commit path without the disk's noise: a loop of update_bulk-shaped transactions (256 rows of a 2,048-row
/// (u32 pk, u64, string) table updated by primary key, <c>Commit</c>, <c>WaitForDurable</c>) on a sync-mode file log for
/// <c>--seconds</c> (default 5), printing per transaction the wall time, the time the log spent in <c>fdatasync</c>
/// (its own meter), their difference (what the commit path adds above the fsync), process CPU time and context switches.
/// Run with <c>MERIDIAN_STORAGE_ONLY=sync-loop</c> on the storage suite. Returns no table rows.
/// </summary>
public static class SyncCommitLoop
{
    /// <summary>Runs the loop and prints one line.</summary>
    public static IReadOnlyList<BenchmarkResult> Run(BenchmarkOptions options)
    {
        var seconds = TimeSpan.FromSeconds(options.Seconds ?? 5);
        var dir = Directory.CreateTempSubdirectory("meridian-sync-loop");
        long fsyncNanos = 0;
        long fsyncs = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == CommitLog.MeterName && instrument.Name == "meridian.storage.fsync.duration")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            Interlocked.Add(ref fsyncNanos, (long)(value * 1e9));
            Interlocked.Increment(ref fsyncs);
        });
        listener.Start();
        try
        {
            using var store = Datastore.Open(
                new DatastoreOptions { Device = new FileStorageDevice(dir.FullName), Durability = DurabilityMode.Sync, SnapshotInterval = 0 });
            var schema = new TableSchema(
                "t", AlgebraicType.Product(("id", AlgebraicType.U32), ("v", AlgebraicType.U64), ("s", AlgebraicType.String)), primaryKey: 0);
            TableId table;
            var w = new BsatnWriter();
            using (var tx = store.BeginTransaction())
            {
                table = tx.CreateTable(schema);
                for (uint i = 0; i < 2048; i++)
                {
                    w.Reset();
                    w.WriteU32(i);
                    w.WriteU64(i);
                    w.WriteString($"name {i:D6}");
                    tx.Insert(table, w.WrittenSpan);
                }
                store.WaitForDurable(tx.Commit().Offset!.Value);
            }
            var pk = schema.PrimaryKeyIndex;
            ulong round = 0;
            void Transaction()
            {
                round++;
                using var tx = store.BeginTransaction();
                for (uint i = 0; i < 256; i++)
                {
                    w.Reset();
                    w.WriteU32(i);
                    w.WriteU64(round);
                    w.WriteString($"name {i:D6}");
                    tx.Update(table, pk, w.WrittenSpan);
                }
                store.WaitForDurable(tx.Commit().Offset!.Value);
            }
            var warm = Stopwatch.StartNew();
            while (warm.Elapsed < TimeSpan.FromSeconds(1))
                Transaction();
            var process = Process.GetCurrentProcess();
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var switches = ContextSwitches();
            Interlocked.Exchange(ref fsyncNanos, 0);
            Interlocked.Exchange(ref fsyncs, 0);
            var n = 0;
            var wall = Stopwatch.StartNew();
            while (wall.Elapsed < seconds)
            {
                Transaction();
                n++;
            }
            var elapsed = wall.Elapsed;
            process.Refresh();
            var cpuUsed = process.TotalProcessorTime - cpu;
            var switched = ContextSwitches() - switches;
            var wallNs = elapsed.TotalNanoseconds / n;
            var fsyncNs = (double)Interlocked.Read(ref fsyncNanos) / n;
            Console.Error.WriteLine(
                $"sync-loop tx {n} wall_us {wallNs / 1000:F1} fsync_us {fsyncNs / 1000:F1} above_fsync_us {(wallNs - fsyncNs) / 1000:F1} "
                + $"fsyncs/tx {(double)Interlocked.Read(ref fsyncs) / n:F2} cpu_us {cpuUsed.TotalMicroseconds / n:F1} ctxsw/tx {(double)switched / n:F2}");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
        return [];
    }

    // Voluntary and involuntary context switches of every thread of this process (Linux), or 0.
    private static long ContextSwitches()
    {
        long total = 0;
        try
        {
            foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                {
                    if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal)
                        || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                        total += long.Parse(line[(line.IndexOf(':') + 1)..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        return total;
    }
}
