using System.Diagnostics;
using Meridian.Benchmarks.Harness;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using Meridian.Storage;
using Meridian.Storage.Devices;
using Meridian.Storage.Log;
using Meridian.Storage.Schema;
using Microsoft.Data.Sqlite;

namespace Meridian.Benchmarks.Storage;

/// <summary>
/// The <c>storage</c> suite (issue 4): the upstream generic suite against SQLite, point lookup and a
/// 1,200-row range scan on a 1.2M-row table, memory per row, log replay throughput and snapshot
/// load time, and a table only ever updated for a long run (<see cref="LongUpdates"/>). Wire in with <c>["storage"] = StorageSuite.Run</c>.
/// </summary>
public static class StorageSuite
{
    private const string Suite = "storage";

    /// <summary>Runs the suite.</summary>
    public static IReadOnlyList<BenchmarkResult> Run(BenchmarkOptions options)
    {
        SQLitePCL.Batteries_V2.Init();
        var results = new List<BenchmarkResult>();
        // For before/after runs of a few cases on a loaded machine: MERIDIAN_STORAGE_STEPS=generic,memory (step names
        // below, first word), and GenericSuite's MERIDIAN_STORAGE_CASES / MERIDIAN_STORAGE_MODES. Unset: everything.
        // MERIDIAN_STORAGE_ONLY=sync-loop: the commit log's sync path without the disk's noise (no table rows).
        if (Environment.GetEnvironmentVariable("MERIDIAN_STORAGE_ONLY") == "sync-loop")
            return Durability.SyncCommitLoop.Run(options);
        var steps = Environment.GetEnvironmentVariable("MERIDIAN_STORAGE_STEPS")?.Split(',', StringSplitOptions.RemoveEmptyEntries);
        Step(steps, "generic suite", () => new GenericSuite(options, results).Run());
        Step(steps, "lookups on a 1.2M-row table", () => Lookups(options, results));
        Step(steps, "memory per row", () => MemoryPerRow(options, results));
        Step(steps, "recovery", () => Recovery(options, results));
        Step(steps, "long updates without resets", () => LongUpdates.Run(options, results));
        Step(steps, "fsync floor", () => FsyncFloor.Run(options, results));
        return results;
    }

    private static void Step(string[]? only, string name, Action action)
    {
        if (only is not null && !only.Contains(name.Split(' ')[0], StringComparer.OrdinalIgnoreCase))
            return;
        var watch = Stopwatch.StartNew();
        Console.Error.WriteLine($"  storage: {name} ...");
        action();
        Console.Error.WriteLine($"  storage: {name} took {watch.Elapsed.TotalSeconds:F1} s");
    }

    // ---- point lookup and range scan (index-scan gate data, benchmarks.md §4) ----

    private static void Lookups(BenchmarkOptions options, List<BenchmarkResult> results)
    {
        var chunks = options.Quick ? 100 : 1000;
        var rows = chunks * 1200;
        var schema = new TableSchema("location",
            AlgebraicType.Product(
                ("id", AlgebraicType.U64), ("chunk", AlgebraicType.U64), ("x", AlgebraicType.I32), ("z", AlgebraicType.I32), ("dimension", AlgebraicType.U32)),
            indexes: [new IndexSchema("chunk", [1]), new IndexSchema("x", [2]), new IndexSchema("coordinates", [2, 3, 4])],
            primaryKey: 0);
        using var store = Datastore.CreateInMemory();
        TableId table;
        var w = new BsatnWriter();
        using (var tx = store.BeginTransaction())
        {
            table = tx.CreateTable(schema);
            for (var chunk = 0; chunk < chunks; chunk++)
            {
                for (var i = 0; i < 1200; i++)
                {
                    var id = (ulong)(chunk * 1200 + i);
                    w.Reset();
                    w.WriteU64(id);
                    w.WriteU64((ulong)chunk);
                    w.WriteI32(0);
                    w.WriteI32(chunk);
                    w.WriteU32((uint)id);
                    tx.Insert(table, w.WrittenSpan);
                }
            }
            tx.Commit();
        }
        using var sqlite = new SqliteConnection("Data Source=:memory:");
        sqlite.Open();
        Exec(sqlite, "CREATE TABLE location (id INTEGER PRIMARY KEY, chunk INTEGER, x INTEGER, z INTEGER, dimension INTEGER)");
        Exec(sqlite, "CREATE INDEX location_chunk ON location(chunk)");
        Exec(sqlite, "CREATE INDEX location_x ON location(x)");
        Exec(sqlite, "CREATE INDEX location_coordinates ON location(x, z, dimension)");
        Exec(sqlite, "BEGIN");
        using (var insert = sqlite.CreateCommand())
        {
            insert.CommandText = "INSERT INTO location VALUES ($a, $b, 0, $c, $a)";
            var a = insert.Parameters.Add("$a", SqliteType.Integer);
            var b = insert.Parameters.Add("$b", SqliteType.Integer);
            var c = insert.Parameters.Add("$c", SqliteType.Integer);
            insert.Prepare();
            for (var chunk = 0; chunk < chunks; chunk++)
            {
                for (var i = 0; i < 1200; i++)
                {
                    a.Value = (long)(chunk * 1200 + i);
                    b.Value = (long)chunk;
                    c.Value = (long)chunk;
                    insert.ExecuteNonQuery();
                }
            }
        }
        Exec(sqlite, "COMMIT");

        // Building 1.2M rows on both sides leaves a large heap behind; settle it so a background
        // collection of the build's garbage is not timed as lookup cost.
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect();

        var committed = store.Committed;
        var pk = schema.PrimaryKeyIndex;
        var keys = new byte[4096][];
        var rng = new Random(42);
        for (var i = 0; i < keys.Length; i++)
            keys[i] = BitConverter.GetBytes((ulong)rng.Next(rows));
        var k = 0;
        var point = sqlite.CreateCommand();
        point.CommandText = "SELECT * FROM location WHERE id = $id";
        var idParam = point.Parameters.Add("$id", SqliteType.Integer);
        point.Prepare();
        var sk = 0;
        long sink = 0;
        var (m, s) = Measure.Compare(options,
            () =>
            {
                if (!committed.TryFind(table, pk, keys[k++ & 4095], out var row))
                    throw new InvalidOperationException("missing row");
                var r = new BsatnReader(row);
                sink += (long)r.ReadU64() + (long)r.ReadU64() + r.ReadI32() + r.ReadI32() + r.ReadU32();
            },
            () =>
            {
                idParam.Value = (long)BitConverter.ToUInt64(keys[sk++ & 4095]);
                using var reader = point.ExecuteReader();
                if (!reader.Read())
                    throw new InvalidOperationException("missing row");
                sink += reader.GetInt64(0) + reader.GetInt64(1) + reader.GetInt64(2) + reader.GetInt64(3) + reader.GetInt64(4);
            });
        results.Add(BenchmarkResult.LowerIsBetter(
            Suite, $"primary-key point lookup ({rows:N0} rows)", "ns", m.NanosPerOp, s.NanosPerOp, "SQLite :memory: (INTEGER PRIMARY KEY)", "< 1 µs median"));

        var chunkIndex = schema.IndexId("chunk");
        var chunkKey = BitConverter.GetBytes((ulong)(chunks * 824 / 1000));
        var range = sqlite.CreateCommand();
        range.CommandText = "SELECT * FROM location WHERE chunk = $c";
        range.Parameters.Add("$c", SqliteType.Integer).Value = (long)(chunks * 824 / 1000);
        range.Prepare();
        (m, s) = Measure.Compare(options,
            () =>
            {
                var cursor = committed.Filter(table, chunkIndex, chunkKey);
                var n = 0;
                while (cursor.MoveNext())
                {
                    var r = new BsatnReader(cursor.Current);
                    sink += (long)r.ReadU64() + (long)r.ReadU64() + r.ReadI32() + r.ReadI32() + r.ReadU32();
                    n++;
                }
                GenericSuite.Check(n, 1200);
            },
            () =>
            {
                using var reader = range.ExecuteReader();
                var n = 0;
                while (reader.Read())
                {
                    sink += reader.GetInt64(0) + reader.GetInt64(1) + reader.GetInt64(2) + reader.GetInt64(3) + reader.GetInt64(4);
                    n++;
                }
                GenericSuite.Check(n, 1200);
            });
        results.Add(BenchmarkResult.LowerIsBetter(
            Suite, $"btree range scan, 1,200 of {rows:N0} rows", "µs", m.NanosPerOp / 1000, s.NanosPerOp / 1000, "SQLite :memory: (index on chunk)", null));
        GC.KeepAlive(sink);
    }

    private static void Exec(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    // ---- memory per row ----

    private static void MemoryPerRow(BenchmarkOptions options, List<BenchmarkResult> results)
    {
        var count = options.Quick ? 1_000_000 : 10_000_000;
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var store = Datastore.CreateInMemory();
        var schema = new TableSchema("t", AlgebraicType.Product(("id", AlgebraicType.U32), ("v", AlgebraicType.I32)),
            sequences: [SequenceSchema.Ascending("t_id_seq", 0, uint.MaxValue)], primaryKey: 0);
        TableId table;
        using (var tx = store.BeginTransaction())
        {
            table = tx.CreateTable(schema);
            tx.Commit();
        }
        Span<byte> row = stackalloc byte[8];
        const int batch = 100_000;
        for (var done = 0; done < count; done += batch)
        {
            using var tx = store.BeginTransaction();
            for (var i = 0; i < batch; i++)
            {
                BitConverter.TryWriteBytes(row, 0u);
                BitConverter.TryWriteBytes(row[4..], done + i);
                tx.Insert(table, row);
            }
            tx.Commit();
        }
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GenericSuite.Check(store.Committed.Count(table), count);
        var perRow = (double)(after - before) / count;
        results.Add(BenchmarkResult.LowerIsBetter(
            Suite,
            $"memory per row, {count:N0} rows of (u32 auto-inc pk, i32)",
            "B/row",
            perRow,
            100,
            "upstream SpacetimeDB (~100 B/row, issue #3499)",
            "<= 40 B/row"));
        GC.KeepAlive(store);
    }

    // ---- recovery ----

    private static void Recovery(BenchmarkOptions options, List<BenchmarkResult> results)
    {
        var transactions = options.Quick ? 100_000 : 1_000_000;
        var dir = Path.Combine(Path.GetTempPath(), "meridian-bench-recovery-" + Guid.NewGuid().ToString("N"));
        try
        {
            var schema = new TableSchema("t", AlgebraicType.Product(("id", AlgebraicType.U32), ("v", AlgebraicType.I32)),
                sequences: [SequenceSchema.Ascending("t_id_seq", 0, uint.MaxValue)], primaryKey: 0);
            var device = new FileStorageDevice(dir);
            var opts = new DatastoreOptions { Device = device, Durability = DurabilityMode.Async, SnapshotInterval = 0 };
            Span<byte> row = stackalloc byte[8];
            using (var store = Datastore.Open(opts))
            {
                using (var tx = store.BeginTransaction())
                {
                    tx.CreateTable(schema);
                    tx.Commit();
                }
                for (var i = 1; i < transactions; i++)
                {
                    using var tx = store.BeginTransaction();
                    BitConverter.TryWriteBytes(row, 0u);
                    BitConverter.TryWriteBytes(row[4..], i);
                    tx.Insert(new TableId(0), row);
                    tx.Commit();
                }
                store.Flush();
            }
            RecoveryReport report;
            using (var store = Datastore.Open(opts))
                report = store.Recovery!;
            GenericSuite.Check((long)report.ReplayedTransactions, transactions);
            var rate = transactions / report.ReplayTime.TotalSeconds;
            results.Add(BenchmarkResult.HigherIsBetter(
                Suite, $"log replay, {transactions:N0} one-row transactions", "tx/s", rate, null, null, ">= 500,000 tx/s"));

            using (var store = Datastore.Open(opts))
                store.TakeSnapshot();
            using (var store = Datastore.Open(opts))
            {
                report = store.Recovery!;
                GenericSuite.Check(report.SnapshotRows, transactions - 1);
            }
            results.Add(BenchmarkResult.LowerIsBetter(
                Suite, $"snapshot load, {transactions - 1:N0} rows", "ms", report.SnapshotLoadTime.TotalMilliseconds, null, null, null));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
