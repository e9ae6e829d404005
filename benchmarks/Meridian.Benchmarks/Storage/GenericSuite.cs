using System.Buffers.Binary;
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
/// The upstream generic suite (benchmarks.md §1) for Meridian's raw engine against SQLite in the same
/// process: empty transaction, insert_bulk, iterate, update_bulk and filter, for person and location
/// rows, with the unique_0 and btree_each_column strategies, in memory and on disk. On disk it runs
/// twice: Meridian async fsync against SQLite WAL + synchronous=off (upstream's comparison), and
/// Meridian sync (every commit waits for its fsync) against SQLite WAL + synchronous=FULL.
/// </summary>
internal sealed class GenericSuite(BenchmarkOptions options, List<BenchmarkResult> results)
{
    private const string Suite = "storage";
    private const string Target = ">= 5x";

    internal enum Mode
    {
        Memory,
        DiskAsync,
        DiskSync,
    }

    private static string Label(Mode mode) => mode switch
    {
        Mode.Memory => "mem",
        Mode.DiskAsync => "disk async",
        _ => "disk sync",
    };

    private static string SqliteName(Mode mode) => mode switch
    {
        Mode.Memory => "SQLite :memory: (synchronous=off)",
        Mode.DiskAsync => "SQLite WAL, synchronous=off",
        _ => "SQLite WAL, synchronous=FULL",
    };

    /// <summary>Runs the cases (those MERIDIAN_STORAGE_MODES / MERIDIAN_STORAGE_CASES pick, or all).</summary>
    public void Run()
    {
        // One untimed pass first: tiered JIT keeps deferring promotion while new code is still being
        // compiled, so the first cases of a cold process would otherwise measure tier-0 code.
        using (var warm = new Env(Mode.Memory))
        {
            var quick = options with { Quick = true };
            var discard = new GenericSuite(quick, []);
            discard.Empty(warm); // else the first timed case (mem/empty) measures code still waiting for tier-1
            foreach (var schema in new[] { BenchSchema.Person, BenchSchema.Location })
            {
                foreach (var strategy in new[] { Strategy.Unique0, Strategy.BtreeEachColumn })
                    discard.InsertBulk(warm, schema, strategy);
                discard.UpdateBulk(warm, schema);
            }
        }

        // MERIDIAN_STORAGE_MODES=mem,async,sync and MERIDIAN_STORAGE_CASES=empty,insert_bulk,iterate,update_bulk,filter
        // pick modes and cases (before/after runs of a few cases); unset: all.
        var modes = Environment.GetEnvironmentVariable("MERIDIAN_STORAGE_MODES")?.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var cases = Environment.GetEnvironmentVariable("MERIDIAN_STORAGE_CASES")?.Split(',', StringSplitOptions.RemoveEmptyEntries);
        bool Runs(string name) => cases is null || cases.Contains(name, StringComparer.OrdinalIgnoreCase);
        foreach (var mode in new[] { Mode.Memory, Mode.DiskAsync, Mode.DiskSync })
        {
            if (modes is not null && !modes.Contains(Label(mode).Split(' ')[^1], StringComparer.OrdinalIgnoreCase))
                continue;
            using var env = new Env(mode);
            // The floor under the sync cases: one 4 KB write + fdatasync in the same directory, probed
            // before and after them so load drifting during the cases shows in the spread.
            var floor = mode == Mode.DiskSync ? FsyncFloor.Probe(env.Dir!, options.Quick ? 40 : 200) : ([], []);
            if (Runs("empty"))
                Empty(env);
            foreach (var schema in new[] { BenchSchema.Person, BenchSchema.Location })
            {
                foreach (var strategy in new[] { Strategy.Unique0, Strategy.BtreeEachColumn })
                {
                    if (Runs("insert_bulk"))
                        InsertBulk(env, schema, strategy);
                }
                if (Runs("iterate"))
                    Iterate(env, schema);
                if (Runs("update_bulk"))
                    UpdateBulk(env, schema);
            }
            if (Runs("filter"))
            {
                Filter(env, BenchSchema.Person);
                Filter(env, BenchSchema.Location);
            }
            if (mode == Mode.DiskSync)
                AddFloors(floor, FsyncFloor.Probe(env.Dir!, options.Quick ? 40 : 200));
        }
    }

    /// <summary>The floor probed in the sync cases' directory before and after them, two ways (see <see cref="FsyncFloor.Probe"/>).</summary>
    private void AddFloors((List<double> Append, List<double> Overwrite) before, (List<double> Append, List<double> Overwrite) after)
    {
        if (before.Overwrite.Count == 0)
            return;
        const string probe = "disk sync/fsync floor, same directory, before / after the cases: 4 KB ";
        results.Add(BenchmarkResult.LowerIsBetter(Suite, probe + "append + fdatasync", "µs",
            Median(before.Append) / 1000, Median(after.Append) / 1000, "after the cases", null));
        results.Add(BenchmarkResult.LowerIsBetter(Suite, probe + "overwrite of written blocks + fdatasync", "µs",
            Median(before.Overwrite) / 1000, Median(after.Overwrite) / 1000, "after the cases", null));
    }

    private void Add(Mode mode, string name, double meridianNs, double sqliteNs, List<double>? floorNs = null, List<double>? sqliteFloorNs = null)
    {
        results.Add(BenchmarkResult.LowerIsBetter(Suite, $"{Label(mode)}/{name}", "µs/tx", meridianNs / 1000, sqliteNs / 1000, SqliteName(mode), Target));
        if (floorNs is { Count: > 0 } && sqliteFloorNs is { Count: > 0 })
        {
            // Each engine's commit as multiples of a data-only fsync (4 KB overwrite + fdatasync) timed just
            // before each of its own samples, where the disk is in the state its commit meets.
            var floor = Median(floorNs);
            var sqliteFloor = Median(sqliteFloorNs);
            results.Add(BenchmarkResult.LowerIsBetter(Suite,
                $"{Label(mode)}/{name} in fsync floors (floor {floor / 1000:F0} µs before Meridian's samples, {sqliteFloor / 1000:F0} µs before SQLite's)",
                "floors", meridianNs / floor, sqliteNs / sqliteFloor, SqliteName(mode), null));
        }
    }

    private int Iterations(int full) => options.Quick ? Math.Max(5, full / 5) : full;

    // ---- cases ----

    private void Empty(Env env)
    {
        var (m, s) = Measure.Compare(options,
            () =>
            {
                using var tx = env.Store.BeginTransaction();
                tx.Commit();
            },
            () =>
            {
                env.Begin.ExecuteNonQuery();
                env.Commit.ExecuteNonQuery();
            });
        Add(env.Mode, "empty", m.NanosPerOp, s.NanosPerOp);
        if (env.Mode == Mode.Memory)
            results.Add(BenchmarkResult.LowerIsBetter(Suite, "mem/empty transaction", "ns", m.NanosPerOp, null, null, "< 200 ns"));
    }

    private void InsertBulk(Env env, BenchSchema schema, Strategy strategy)
    {
        var table = env.Table(schema, strategy);
        var rows = schema.Rows(2304, 1000);
        var meridian = new List<double>();
        var sqlite = new List<double>();
        env.FloorSamples.Clear();
        env.SqliteFloorSamples.Clear();
        var warmup = Stopwatch.StartNew();
        for (var i = 0; i < Iterations(50); i++)
        {
            // Samples taken while tiered JIT is still warming up are discarded.
            if (warmup.Elapsed < options.WarmupTime)
            {
                meridian.Clear();
                sqlite.Clear();
                env.FloorSamples.Clear();
                env.SqliteFloorSamples.Clear();
                i = 0;
            }
            env.MeridianReset(table, rows, 2048);
            env.ProbeFloor(env.FloorSamples);
            meridian.Add(Time(() => env.MeridianInsert(table, rows, 2048, 256)));
            env.SqliteReset(table, rows, 2048);
            env.ProbeFloor(env.SqliteFloorSamples);
            sqlite.Add(Time(() => env.SqliteInsert(table, rows, 2048, 256)));
        }
        Add(env.Mode, $"insert_bulk/{schema.Name}/{StrategyName(strategy)}/load=2048/count=256", Median(meridian), Median(sqlite),
            env.FloorSamples, env.SqliteFloorSamples);
    }

    private void Iterate(Env env, BenchSchema schema)
    {
        var table = env.Table(schema, Strategy.Unique0);
        var rows = schema.Rows(256, 1000);
        env.MeridianReset(table, rows, 256);
        env.SqliteReset(table, rows, 256);
        var select = env.Prepare($"SELECT * FROM {table.Name}");
        var (m, s) = Measure.Compare(options,
            () =>
            {
                var cursor = env.Store.Committed.Scan(table.Id);
                var n = 0;
                while (cursor.MoveNext())
                    n += schema.Visit(cursor.Current);
                Check(n, 256);
            },
            () =>
            {
                env.Begin.ExecuteNonQuery();
                var n = 0;
                using (var reader = select.ExecuteReader())
                {
                    while (reader.Read())
                        n += schema.Visit(reader);
                }
                env.Commit.ExecuteNonQuery();
                Check(n, 256);
            });
        Add(env.Mode, $"iterate/{schema.Name}/unique_0/count=256", m.NanosPerOp, s.NanosPerOp);
    }

    private void UpdateBulk(Env env, BenchSchema schema)
    {
        var table = env.Table(schema, Strategy.Unique0);
        var rows = schema.Rows(2048, 1000);
        var column = schema.UpdatedColumn;
        var update = env.Prepare($"UPDATE {table.Name} SET {column} = {column} + 1 WHERE id < 256");
        var meridian = new List<double>();
        var sqlite = new List<double>();
        env.FloorSamples.Clear();
        env.SqliteFloorSamples.Clear();
        var pk = table.Schema.PrimaryKeyIndex;
        var scratch = new byte[256];
        var warmup = Stopwatch.StartNew();
        for (var i = 0; i < Iterations(50); i++)
        {
            if (warmup.Elapsed < options.WarmupTime)
            {
                meridian.Clear();
                sqlite.Clear();
                env.FloorSamples.Clear();
                env.SqliteFloorSamples.Clear();
                i = 0;
            }
            env.MeridianReset(table, rows, 2048);
            env.ProbeFloor(env.FloorSamples);
            meridian.Add(Time(() =>
            {
                using var tx = env.Store.BeginTransaction();
                var cursor = tx.Scan(table.Id);
                var n = 0;
                while (n < 256 && cursor.MoveNext())
                {
                    // Upstream raw: look the row up by id, delete it, insert it with column 1 + 1.
                    var row = cursor.Current;
                    row.CopyTo(scratch);
                    var updated = scratch.AsSpan(0, row.Length);
                    BinaryPrimitives.WriteUInt64LittleEndian(updated[4..], BinaryPrimitives.ReadUInt64LittleEndian(updated[4..]) + 1);
                    tx.Update(table.Id, pk, updated);
                    n++;
                }
                Check(n, 256);
                env.MeridianCommit(tx);
            }));
            env.SqliteReset(table, rows, 2048);
            env.ProbeFloor(env.SqliteFloorSamples);
            sqlite.Add(Time(() =>
            {
                env.Begin.ExecuteNonQuery();
                Check(update.ExecuteNonQuery(), 256);
                env.Commit.ExecuteNonQuery();
            }));
        }
        Add(env.Mode, $"update_bulk/{schema.Name}/unique_0/load=2048/count=256", Median(meridian), Median(sqlite), env.FloorSamples, env.SqliteFloorSamples);
    }

    private void Filter(Env env, BenchSchema schema)
    {
        var table = env.Table(schema, Strategy.BtreeEachColumn);
        var rows = schema.Rows(2048, 8);
        env.MeridianReset(table, rows, 2048);
        env.SqliteReset(table, rows, 2048);
        var keys = rows.Select(r => schema.FilterKey(r)).ToArray();
        var column = schema.FilterColumn;
        var select = env.Prepare($"SELECT * FROM {table.Name} WHERE {column} = $v");
        var parameter = select.Parameters.Add("$v", schema.FilterIsString ? SqliteType.Text : SqliteType.Integer);
        var values = rows.Select(BenchSchema.FilterValue).ToArray();
        var index = table.Schema.IndexOn(2);
        int mi = 0, si = 0;
        long mCount = 0, sCount = 0;
        var (m, s) = Measure.Compare(options,
            () =>
            {
                var cursor = env.Store.Committed.Filter(table.Id, index, keys[mi++ & 2047]);
                while (cursor.MoveNext())
                    mCount += schema.Visit(cursor.Current);
            },
            () =>
            {
                parameter.Value = values[si++ & 2047];
                env.Begin.ExecuteNonQuery();
                using (var reader = select.ExecuteReader())
                {
                    while (reader.Read())
                        sCount += schema.Visit(reader);
                }
                env.Commit.ExecuteNonQuery();
            });
        if (mCount == 0 || sCount == 0)
            throw new InvalidOperationException("filter found nothing");
        Add(env.Mode, $"filter/{(schema.FilterIsString ? "string" : "u64")}/index/load=2048/count=256", m.NanosPerOp, s.NanosPerOp);
    }

    // ---- helpers ----

    internal static double Time(Action action)
    {
        var start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalNanoseconds;
    }

    internal static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    internal static void Check(long actual, long expected)
    {
        if (actual != expected)
            throw new InvalidOperationException($"benchmark self-check: expected {expected}, got {actual}");
    }

    internal enum Strategy
    {
        Unique0,
        BtreeEachColumn,
    }

    private static string StrategyName(Strategy s) => s == Strategy.Unique0 ? "unique_0" : "btree_each_column";

    /// <summary>One schema of the suite: row generation, BSATN encoding and a row visitor for both sides.</summary>
    internal sealed class BenchSchema
    {
        public static readonly BenchSchema Person = new("u32_u64_str", isPerson: true);
        public static readonly BenchSchema Location = new("u32_u64_u64", isPerson: false);

        private BenchSchema(string name, bool isPerson)
        {
            Name = name;
            IsPerson = isPerson;
            RowType = isPerson
                ? AlgebraicType.Product(("id", AlgebraicType.U32), ("age", AlgebraicType.U64), ("name", AlgebraicType.String))
                : AlgebraicType.Product(("id", AlgebraicType.U32), ("x", AlgebraicType.U64), ("y", AlgebraicType.U64));
        }

        public string Name { get; }

        public bool IsPerson { get; }

        public ProductType RowType { get; }

        public string UpdatedColumn => IsPerson ? "age" : "x";

        public string FilterColumn => IsPerson ? "name" : "y";

        public bool FilterIsString => IsPerson;

        public string Columns => IsPerson ? "id, age, name" : "id, x, y";

        public string SqlColumns => IsPerson ? "age INTEGER, name TEXT" : "x INTEGER, y INTEGER";

        /// <summary>Rows as (BSATN, SQL values).</summary>
        public (byte[] Bsatn, object[] Values)[] Rows(int count, ulong buckets)
        {
            var w = new BsatnWriter();
            if (IsPerson)
            {
                return BenchData.People(count, buckets).Select(p =>
                {
                    w.Reset();
                    w.WriteU32(p.Id);
                    w.WriteU64(p.Age);
                    w.WriteString(p.Name);
                    return (w.ToArray(), new object[] { (long)p.Id, (long)p.Age, p.Name });
                }).ToArray();
            }
            return BenchData.Locations(count, buckets).Select(l =>
            {
                w.Reset();
                w.WriteU32(l.Id);
                w.WriteU64(l.X);
                w.WriteU64(l.Y);
                return (w.ToArray(), new object[] { (long)l.Id, (long)l.X, (long)l.Y });
            }).ToArray();
        }

        public byte[] FilterKey((byte[] Bsatn, object[] Values) row)
        {
            var w = new BsatnWriter();
            if (IsPerson)
                w.WriteString((string)row.Values[2]);
            else
                w.WriteU64((ulong)(long)row.Values[2]);
            return w.ToArray();
        }

        // The filter column is the third in both schemas.
        public static object FilterValue((byte[] Bsatn, object[] Values) row) => row.Values[2];

        /// <summary>Decodes every column of a BSATN row, as a module would; returns 1.</summary>
        public int Visit(ReadOnlySpan<byte> row)
        {
            var r = new BsatnReader(row);
            var id = r.ReadU32();
            var a = r.ReadU64();
            if (IsPerson)
            {
                var name = r.ReadString();
                return name.Length >= 0 && id + a >= 0 ? 1 : 0;
            }
            var b = r.ReadU64();
            return id + a + b >= 0 ? 1 : 0;
        }

        /// <summary>Reads every column of a SQLite row; returns 1.</summary>
        public int Visit(SqliteDataReader reader)
        {
            var id = reader.GetInt64(0);
            var a = reader.GetInt64(1);
            if (IsPerson)
            {
                var name = reader.GetString(2);
                return name.Length >= 0 && id + a >= 0 ? 1 : 0;
            }
            var b = reader.GetInt64(2);
            return id + a + b >= 0 ? 1 : 0;
        }
    }

    internal sealed record BenchTable(string Name, TableId Id, TableSchema Schema, BenchSchema Kind, Strategy Strategy);

    /// <summary>A Meridian datastore and a SQLite connection configured for one mode, with the four tables.</summary>
    internal sealed class Env : IDisposable
    {
        private readonly string? _dir;
        private readonly SqliteConnection _sqlite;
        private readonly Dictionary<string, BenchTable> _tables = [];
        private readonly Dictionary<string, SqliteCommand> _inserts = [];

        public Env(Mode mode)
        {
            Mode = mode;
            if (mode == Mode.Memory)
            {
                Store = Datastore.CreateInMemory();
                _sqlite = new SqliteConnection("Data Source=:memory:");
                _sqlite.Open();
                Exec("PRAGMA synchronous = off");
            }
            else
            {
                _dir = Path.Combine(Path.GetTempPath(), "meridian-bench-" + Guid.NewGuid().ToString("N"));
                Directory.CreateDirectory(_dir);
                Store = Datastore.Open(new DatastoreOptions
                {
                    Device = new FileStorageDevice(Path.Combine(_dir, "meridian")),
                    Durability = mode == Mode.DiskSync ? DurabilityMode.Sync : DurabilityMode.Async,
                    SnapshotInterval = 0,
                });
                _sqlite = new SqliteConnection($"Data Source={Path.Combine(_dir, "test.db")};Pooling=False");
                _sqlite.Open();
                Exec("PRAGMA journal_mode = WAL");
                Exec(mode == Mode.DiskSync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = off");
            }
            Begin = Prepare("BEGIN DEFERRED");
            Commit = Prepare("COMMIT");
            foreach (var kind in new[] { BenchSchema.Person, BenchSchema.Location })
            {
                foreach (var strategy in new[] { Strategy.Unique0, Strategy.BtreeEachColumn })
                {
                    var name = $"{StrategyName(strategy)}_{kind.Name}";
                    var schema = strategy == Strategy.Unique0
                        ? new TableSchema(name, kind.RowType, primaryKey: 0)
                        : new TableSchema(name, kind.RowType, indexes: [
                            new IndexSchema(name + "_0", [0]),
                            new IndexSchema(name + "_1", [1]),
                            new IndexSchema(name + "_2", [2])]);
                    using (var tx = Store.BeginTransaction())
                    {
                        var id = tx.CreateTable(schema);
                        MeridianCommit(tx);
                        _tables[name] = new BenchTable(name, id, Store.Committed.GetTable(id), kind, strategy);
                    }
                    Exec($"CREATE TABLE {name} (id INTEGER{(strategy == Strategy.Unique0 ? " PRIMARY KEY" : "")}, {kind.SqlColumns})");
                    if (strategy == Strategy.BtreeEachColumn)
                    {
                        foreach (var column in kind.Columns.Split(", "))
                            Exec($"CREATE INDEX index_{name}_{column} ON {name}({column})");
                    }
                    var insert = Prepare($"INSERT INTO {name}({kind.Columns}) VALUES ($a, $b, $c)");
                    insert.Parameters.Add("$a", SqliteType.Integer);
                    insert.Parameters.Add("$b", SqliteType.Integer);
                    insert.Parameters.Add("$c", kind.IsPerson ? SqliteType.Text : SqliteType.Integer);
                    _inserts[name] = insert;
                }
            }
        }

        public Mode Mode { get; }

        /// <summary>The temporary directory of a disk mode (null in memory).</summary>
        public string? Dir => _dir;

        /// <summary>Times (ns) of the data-only fsyncs probed before Meridian's samples of the current case.</summary>
        public List<double> FloorSamples { get; } = [];

        /// <summary>The same, probed before SQLite's samples.</summary>
        public List<double> SqliteFloorSamples { get; } = [];

        private Microsoft.Win32.SafeHandles.SafeFileHandle? _probe;
        private int _probeAt;
        private readonly byte[] _probeBlock = new byte[4096];
        private const int ProbeBlocks = 256;

        /// <summary>
        /// In sync mode: one 4 KB overwrite of blocks written and synced at start + fdatasync, timed, in the
        /// sync cases' own directory, so each case gets a floor measured between its own samples.
        /// </summary>
        public void ProbeFloor(List<double> samples)
        {
            if (Mode != Mode.DiskSync || !OperatingSystem.IsLinux())
                return;
            if (_probe is null)
            {
                _probe = File.OpenHandle(Path.Combine(_dir!, "fsync-probe"), FileMode.CreateNew, FileAccess.ReadWrite);
                RandomAccess.Write(_probe, new byte[ProbeBlocks * _probeBlock.Length], 0);
                RandomAccess.FlushToDisk(_probe);
                new Random(13).NextBytes(_probeBlock);
            }
            var start = Stopwatch.GetTimestamp();
            RandomAccess.Write(_probe, _probeBlock, (long)(_probeAt++ % ProbeBlocks) * _probeBlock.Length);
            FsyncFloor.DataSync(_probe);
            samples.Add(Stopwatch.GetElapsedTime(start).TotalNanoseconds);
        }

        public Datastore Store { get; }

        public SqliteCommand Begin { get; }

        public SqliteCommand Commit { get; }

        public BenchTable Table(BenchSchema kind, Strategy strategy) => _tables[$"{StrategyName(strategy)}_{kind.Name}"];

        public SqliteCommand Prepare(string sql)
        {
            var command = _sqlite.CreateCommand();
            command.CommandText = sql;
            command.Prepare();
            return command;
        }

        private void Exec(string sql)
        {
            using var command = _sqlite.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }

        /// <summary>
        /// Commits; in sync mode blocks until the commit is durable, as SQLite's COMMIT does (WaitForDurable: the
        /// committing thread writes and fdatasyncs itself when the log thread is idle).
        /// </summary>
        public void MeridianCommit(Transaction tx)
        {
            var cs = tx.Commit();
            if (Mode == Mode.DiskSync && cs.Offset is ulong offset)
                Store.WaitForDurable(offset);
        }

        public void MeridianReset(BenchTable table, (byte[] Bsatn, object[] Values)[] rows, int count)
        {
            using var tx = Store.BeginTransaction();
            tx.Clear(table.Id);
            for (var i = 0; i < count; i++)
                tx.Insert(table.Id, rows[i].Bsatn);
            MeridianCommit(tx);
        }

        public void MeridianInsert(BenchTable table, (byte[] Bsatn, object[] Values)[] rows, int from, int count)
        {
            using var tx = Store.BeginTransaction();
            for (var i = from; i < from + count; i++)
                tx.Insert(table.Id, rows[i].Bsatn);
            MeridianCommit(tx);
        }

        public void SqliteReset(BenchTable table, (byte[] Bsatn, object[] Values)[] rows, int count)
        {
            Exec($"DELETE FROM {table.Name}");
            SqliteInsert(table, rows, 0, count);
        }

        public void SqliteInsert(BenchTable table, (byte[] Bsatn, object[] Values)[] rows, int from, int count)
        {
            var insert = _inserts[table.Name];
            Begin.ExecuteNonQuery();
            for (var i = from; i < from + count; i++)
            {
                var values = rows[i].Values;
                insert.Parameters[0].Value = values[0];
                insert.Parameters[1].Value = values[1];
                insert.Parameters[2].Value = values[2];
                insert.ExecuteNonQuery();
            }
            Commit.ExecuteNonQuery();
        }

        public void Dispose()
        {
            _probe?.Dispose();
            foreach (var command in _inserts.Values)
                command.Dispose();
            Begin.Dispose();
            Commit.Dispose();
            _sqlite.Dispose();
            SqliteConnection.ClearAllPools();
            Store.Dispose();
            if (_dir is not null)
                Directory.Delete(_dir, recursive: true);
        }
    }
}
