using System.Diagnostics;
using Meridian.Benchmarks.Harness;
using Meridian.Query.Catalog;
using Meridian.Query.Subscriptions;
using Meridian.Runtime.Diagnostics;
using Meridian.Runtime.Execution;
using Meridian.Runtime.Pipeline;
using Meridian.Runtime.Subscriptions;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using Meridian.Storage;
using Meridian.Storage.Changesets;
using Meridian.Storage.Schema;
using Microsoft.Data.Sqlite;

namespace Meridian.Benchmarks.Query;

/// <summary>
/// The <c>query</c> suite (issue 10): initial evaluation plus encoding of upstream's subscription
/// workloads (benchmarks.md §2) against SQLite in the same run, per-value pruning with 10,000
/// subscriptions, a live top-10 window over 1M rows, and a three-way join's incremental cost
/// against re-evaluating it.
/// </summary>
public static class QuerySuite
{
    private const string Suite = "query";

    /// <summary>Runs the suite.</summary>
    public static IReadOnlyList<BenchmarkResult> Run(BenchmarkOptions options)
    {
        SQLitePCL.Batteries_V2.Init();
        var results = new List<BenchmarkResult>();
        Step("initial evaluation (footprint and location)", () => InitialEvaluation(options, results));
        Step("per-value pruning with 10,000 subscriptions", () => Pruning(options, results));
        Step("live top-10 window", () => Window(options, results));
        Step("three-way join", () => ThreeWayJoin(options, results));
        return results;
    }

    private static void Step(string name, Action action)
    {
        var watch = Stopwatch.StartNew();
        Console.Error.WriteLine($"  query: {name} ...");
        action();
        Console.Error.WriteLine($"  query: {name} took {watch.Elapsed.TotalSeconds:F1} s");
    }

    private static void Settle()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static SqlCatalog Catalog(StateReader state, params TableId[] tables) =>
        new(tables.Select(t => SqlTable.FromSchema(state.GetTable(t))));

    private static void Exec(SqliteConnection c, string sql)
    {
        using var command = c.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    // ---- workload B: footprint and location (benchmarks.md §2) ----

    private static void InitialEvaluation(BenchmarkOptions options, List<BenchmarkResult> results)
    {
        var footprints = options.Quick ? 100_000 : 1_000_000;
        var chunks = options.Quick ? 100 : 1000;
        var kind = AlgebraicType.Sum(("A", AlgebraicType.Unit), ("B", AlgebraicType.Unit), ("C", AlgebraicType.Unit), ("D", AlgebraicType.Unit));
        using var store = Datastore.CreateInMemory();
        TableId footprint, location;
        var w = new BsatnWriter();
        using (var tx = store.BeginTransaction())
        {
            footprint = tx.CreateTable(new TableSchema("footprint",
                AlgebraicType.Product(("entity_id", AlgebraicType.U64), ("owner_entity_id", AlgebraicType.U64), ("type", kind)),
                indexes: [new IndexSchema("footprint_entity", [0]), new IndexSchema("footprint_owner", [1])]));
            location = tx.CreateTable(new TableSchema("location",
                AlgebraicType.Product(
                    ("entity_id", AlgebraicType.U64), ("chunk_index", AlgebraicType.U64),
                    ("x", AlgebraicType.I32), ("z", AlgebraicType.I32), ("dimension", AlgebraicType.U32)),
                indexes: [new IndexSchema("location_entity", [0]), new IndexSchema("location_chunk", [1]), new IndexSchema("location_xzd", [2, 3, 4])]));
            for (var id = 0UL; id < (ulong)footprints; id++)
            {
                w.Reset();
                w.WriteU64(id);
                w.WriteU64(id % 1000);
                w.WriteSumTag((byte)(id % 4));
                tx.Insert(footprint, w.WrittenSpan);
            }
            for (var chunk = 0UL; chunk < (ulong)chunks; chunk++)
            {
                for (var i = 0UL; i < 1200; i++)
                {
                    var id = chunk * 1200 + i;
                    w.Reset();
                    w.WriteU64(id);
                    w.WriteU64(chunk);
                    w.WriteI32(0);
                    w.WriteI32((int)id);
                    w.WriteU32(0);
                    tx.Insert(location, w.WrittenSpan);
                }
            }
            tx.Commit();
        }

        using var sqlite = new SqliteConnection("Data Source=:memory:");
        sqlite.Open();
        Exec(sqlite, "CREATE TABLE footprint (entity_id INTEGER, owner_entity_id INTEGER, type INTEGER)");
        Exec(sqlite, "CREATE INDEX footprint_entity ON footprint(entity_id)");
        Exec(sqlite, "CREATE INDEX footprint_owner ON footprint(owner_entity_id)");
        Exec(sqlite, "CREATE TABLE location (entity_id INTEGER, chunk_index INTEGER, x INTEGER, z INTEGER, dimension INTEGER)");
        Exec(sqlite, "CREATE INDEX location_entity ON location(entity_id)");
        Exec(sqlite, "CREATE INDEX location_chunk ON location(chunk_index)");
        Exec(sqlite, "CREATE INDEX location_xzd ON location(x, z, dimension)");
        Exec(sqlite, "BEGIN");
        using (var insert = sqlite.CreateCommand())
        {
            insert.CommandText = "INSERT INTO footprint VALUES ($a, $b, $c)";
            var a = insert.Parameters.Add("$a", SqliteType.Integer);
            var b = insert.Parameters.Add("$b", SqliteType.Integer);
            var c = insert.Parameters.Add("$c", SqliteType.Integer);
            insert.Prepare();
            for (var id = 0L; id < footprints; id++)
            {
                a.Value = id;
                b.Value = id % 1000;
                c.Value = id % 4;
                insert.ExecuteNonQuery();
            }
        }
        using (var insert = sqlite.CreateCommand())
        {
            insert.CommandText = "INSERT INTO location VALUES ($a, $b, 0, $a, 0)";
            var a = insert.Parameters.Add("$a", SqliteType.Integer);
            var b = insert.Parameters.Add("$b", SqliteType.Integer);
            insert.Prepare();
            for (var chunk = 0L; chunk < chunks; chunk++)
            {
                for (var i = 0L; i < 1200; i++)
                {
                    a.Value = chunk * 1200 + i;
                    b.Value = chunk;
                    insert.ExecuteNonQuery();
                }
            }
        }
        Exec(sqlite, "COMMIT");
        Settle();

        var state = store.Committed;
        var catalog = Catalog(state, footprint, location);
        var cases = new (string Name, string Sql, int Rows, string Target)[]
        {
            ("footprint-scan", "SELECT * FROM footprint", footprints, options.Quick ? "" : "< 200 ms"),
            ("footprint-semijoin", "SELECT f.* FROM footprint f JOIN location l ON f.entity_id = l.entity_id WHERE l.chunk_index = 5", 1200, "< 1 ms"),
            ("index-scan-multi", "SELECT * FROM location WHERE x = 0 AND z = 10000 AND dimension = 0", 1, "< 20 µs"),
        };
        foreach (var (name, sql, expected, target) in cases)
        {
            var query = SubscriptionQuery.Compile(sql, catalog, Identity.Zero, isOwner: true);
            var got = query.Evaluate(state).Count;
            if (got != expected)
                throw new InvalidOperationException($"{name}: {got} rows, expected {expected}");
            using var command = sqlite.CreateCommand();
            command.CommandText = sql;
            command.Prepare();
            var sqliteBytes = new BsatnWriter(1 << 20);
            var isFootprint = sql.Contains("footprint", StringComparison.Ordinal);
            var (m, s) = Measure.Compare(options,
                () => query.Evaluate(state),
                () =>
                {
                    // The same work on SQLite: step every row and encode it as the same BSATN bytes.
                    sqliteBytes.Reset();
                    using var reader = command.ExecuteReader();
                    while (reader.Read())
                    {
                        if (isFootprint)
                        {
                            sqliteBytes.WriteU64((ulong)reader.GetInt64(0));
                            sqliteBytes.WriteU64((ulong)reader.GetInt64(1));
                            sqliteBytes.WriteSumTag((byte)reader.GetInt64(2));
                        }
                        else
                        {
                            sqliteBytes.WriteU64((ulong)reader.GetInt64(0));
                            sqliteBytes.WriteU64((ulong)reader.GetInt64(1));
                            sqliteBytes.WriteI32(reader.GetInt32(2));
                            sqliteBytes.WriteI32(reader.GetInt32(3));
                            sqliteBytes.WriteU32((uint)reader.GetInt64(4));
                        }
                    }
                });
            var unit = m.NanosPerOp > 1e6 ? "ms" : "µs";
            var scale = unit == "ms" ? 1e6 : 1e3;
            results.Add(BenchmarkResult.LowerIsBetter(Suite, $"{name} ({expected:N0} rows, evaluate + encode)", unit,
                Math.Round(m.NanosPerOp / scale, 3), Math.Round(s.NanosPerOp / scale, 3), "SQLite :memory: (same query, rows encoded as BSATN)", target));
        }
    }

    // ---- per-value pruning: 10,000 subscriptions on different values, one commit touching one ----

    private sealed class CountingSession(Identity identity) : IClientSession
    {
        public int Updates;

        public Identity Identity { get; } = identity;

        public ConnectionId ConnectionId { get; } = ConnectionId.Random();

        public void OnSubscribeApplied(uint requestId, uint querySetId, IReadOnlyList<TableRowsResult> rows, ulong? offset)
        {
        }

        public void OnUnsubscribeApplied(uint requestId, uint querySetId, IReadOnlyList<TableRowsResult>? rows, ulong? offset)
        {
        }

        public void OnSubscriptionError(uint? requestId, uint querySetId, string message) =>
            throw new InvalidOperationException(message);

        public void OnTransactionUpdate(ulong? offset, IReadOnlyList<QuerySetDelta> querySets) => Updates++;

        public void OnReducerResult(uint requestId, ReducerCallResult result)
        {
        }

        public void OnOneOffQueryResult(uint requestId, IReadOnlyList<TableRowsResult>? rows, string? error, ulong? offset)
        {
        }
    }

    private static void Pruning(BenchmarkOptions options, List<BenchmarkResult> results)
    {
        const int Subscriptions = 10_000;
        using var store = Datastore.CreateInMemory();
        TableId player;
        var w = new BsatnWriter();
        using (var tx = store.BeginTransaction())
        {
            player = tx.CreateTable(new TableSchema("player",
                AlgebraicType.Product(("id", AlgebraicType.U32), ("room", AlgebraicType.U32), ("score", AlgebraicType.U64)),
                indexes: [new IndexSchema("player_id", [0], isUnique: true), new IndexSchema("player_room", [1])], primaryKey: 0));
            for (var id = 0u; id < 100_000; id++)
            {
                w.Reset();
                w.WriteU32(id);
                w.WriteU32(id % Subscriptions);
                w.WriteU64(0);
                tx.Insert(player, w.WrittenSpan);
            }
            tx.Commit();
        }
        var catalog = Catalog(store.Committed, player);
        var manager = new SubscriptionManager("bench", new RuntimeMetrics(null));
        var pipeline = new CommitPipeline(store.Committed, [manager], e => throw e);
        manager.Attach(pipeline);
        var sessions = new CountingSession[Subscriptions];
        var queries = new SubscriptionQuery[Subscriptions];
        for (var room = 0; room < Subscriptions; room++)
        {
            sessions[room] = new CountingSession(Identity.Zero);
            queries[room] = SubscriptionQuery.Compile($"SELECT * FROM player WHERE room = {room}", catalog, Identity.Zero, isOwner: true);
            var applied = Task.CompletedTask;
            var s = sessions[room];
            var q = queries[room];
            pipeline.Post(position => applied = manager.Subscribe(s, 1, 1, [new SqlLiveQuery(q)], position)).GetAwaiter().GetResult();
            applied.GetAwaiter().GetResult();
        }

        // One transaction updating one player: it wakes the one query on that player's room.
        var before = store.Committed;
        Changeset changeset;
        using (var tx = store.BeginTransaction())
        {
            w.Reset();
            w.WriteU32(4242);
            w.WriteU32(4242 % Subscriptions);
            w.WriteU64(7);
            tx.Update(player, 0, w.WrittenSpan);
            changeset = tx.Commit();
        }
        var after = store.Committed;
        var record = new CommitRecord(changeset, after, null);
        var m = Measure.Run(options, () => manager.OnCommit(record, before));
        var woken = sessions.Count(s => s.Updates > 0);
        if (woken != 1)
            throw new InvalidOperationException($"{woken} sessions got the update; expected exactly one");
        // Without pruning every query would run its delta on the commit.
        var all = Measure.Run(options, () =>
        {
            foreach (var q in queries)
                q.Delta(changeset, before, after);
        });
        results.Add(BenchmarkResult.LowerIsBetter(Suite, $"{Subscriptions:N0} equality subscriptions, one commit touching one value", "µs",
            Math.Round(m.NanosPerOp / 1e3, 3), Math.Round(all.NanosPerOp / 1e3, 3), "evaluating all 10,000 queries (no pruning)", "< 50 µs"));
        pipeline.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    // ---- live top-10 over 1M rows ----

    private static void Window(BenchmarkOptions options, List<BenchmarkResult> results)
    {
        var rows = options.Quick ? 100_000 : 1_000_000;
        using var store = Datastore.CreateInMemory();
        TableId player;
        var w = new BsatnWriter();
        byte[] Row(uint id, ulong xp)
        {
            w.Reset();
            w.WriteU32(id);
            w.WriteU64(xp);
            return w.ToArray();
        }
        var rng = new Random(7);
        using (var tx = store.BeginTransaction())
        {
            player = tx.CreateTable(new TableSchema("player", AlgebraicType.Product(("id", AlgebraicType.U32), ("xp", AlgebraicType.U64)),
                indexes: [new IndexSchema("player_id", [0], isUnique: true)], primaryKey: 0));
            for (var id = 0u; id < rows; id++)
                tx.Insert(player, Row(id, (ulong)rng.Next(1_000_000)));
            tx.Commit();
        }
        Settle();
        var catalog = Catalog(store.Committed, player);
        var window = SubscriptionQuery.Compile("SELECT * FROM player ORDER BY xp DESC LIMIT 10", catalog, Identity.Zero, isOwner: true);
        var full = SubscriptionQuery.Compile("SELECT * FROM player ORDER BY xp DESC LIMIT 10", catalog, Identity.Zero, isOwner: true);

        // A commit below the window: a low score changes.
        var (quietBefore, quiet, quietAfter) = Commit(store, player, 5, Row(5, 4));
        window.Delta(quiet, quietBefore, quietAfter); // the first delta builds the window's buffer
        var m = Measure.Run(options, () => window.Delta(quiet, quietBefore, quietAfter));
        var reevaluate = Measure.Run(options, () => full.Evaluate(quietAfter));
        results.Add(BenchmarkResult.LowerIsBetter(Suite, $"live top-10 over {rows:N0} rows, commit outside the window", "µs",
            Math.Round(m.NanosPerOp / 1e3, 3), Math.Round(reevaluate.NanosPerOp / 1e3, 3), "re-evaluating the window", "no measurable work"));

        // A commit that enters the window and pushes the tenth row out, then one that takes it back out
        // (the tenth row returns from the buffer's slack): alternated, so the window stays consistent.
        var (enterBefore, enter, enterAfter) = Commit(store, player, 6, Row(6, 2_000_000));
        var (leaveBefore, leave, leaveAfter) = Commit(store, player, 6, Row(6, 1));
        var first = window.Delta(enter, enterBefore, enterAfter);
        if (first.Inserts.Count != 1 || first.Deletes.Count != 1)
            throw new InvalidOperationException("the commit should move one row in and one out");
        window.Delta(leave, leaveBefore, leaveAfter);
        var moving = Measure.Run(options, () =>
        {
            window.Delta(enter, enterBefore, enterAfter);
            window.Delta(leave, leaveBefore, leaveAfter);
        }, opsPerCall: 2);
        results.Add(BenchmarkResult.LowerIsBetter(Suite, $"live top-10 over {rows:N0} rows, commit moving a row into or out of the window", "µs",
            Math.Round(moving.NanosPerOp / 1e3, 3), Math.Round(reevaluate.NanosPerOp / 1e3, 3), "re-evaluating the window", null));
    }

    // Replaces the row with primary key `id` (a u32 in column 0) by `replacement`.
    private static (CommittedState Before, Changeset Change, CommittedState After) Commit(Datastore store, TableId table, uint id, byte[] replacement)
    {
        var before = store.Committed;
        using var tx = store.BeginTransaction();
        if (!tx.TryFind(table, 0, BitConverter.GetBytes(id), out var old))
            throw new InvalidOperationException("the row to replace is missing");
        tx.Delete(table, old.ToArray());
        tx.Insert(table, replacement);
        var change = tx.Commit();
        return (before, change, store.Committed);
    }

    // ---- a three-way join: incremental cost per commit against full re-evaluation ----

    private static void ThreeWayJoin(BenchmarkOptions options, List<BenchmarkResult> results)
    {
        using var store = Datastore.CreateInMemory();
        TableId user, member, message;
        var w = new BsatnWriter();
        using (var tx = store.BeginTransaction())
        {
            user = tx.CreateTable(new TableSchema("user", AlgebraicType.Product(("id", AlgebraicType.U32), ("team", AlgebraicType.U32)),
                indexes: [new IndexSchema("user_id", [0], isUnique: true)], primaryKey: 0));
            member = tx.CreateTable(new TableSchema(
                "member",
                AlgebraicType.Product(("id", AlgebraicType.U32), ("user_id", AlgebraicType.U32), ("channel", AlgebraicType.U32)),
                indexes: [new IndexSchema("member_id", [0], isUnique: true), new IndexSchema("member_user", [1]), new IndexSchema("member_channel", [2])],
                primaryKey: 0));
            message = tx.CreateTable(new TableSchema(
                "message",
                AlgebraicType.Product(("id", AlgebraicType.U32), ("channel", AlgebraicType.U32), ("text", AlgebraicType.String)),
                indexes: [new IndexSchema("message_id", [0], isUnique: true), new IndexSchema("message_channel", [1])],
                primaryKey: 0));
            for (var i = 0u; i < 10_000; i++)
            {
                w.Reset();
                w.WriteU32(i);
                w.WriteU32(i % 50);
                tx.Insert(user, w.WrittenSpan);
            }
            for (var i = 0u; i < 20_000; i++)
            {
                w.Reset();
                w.WriteU32(i);
                w.WriteU32(i % 10_000);
                w.WriteU32(i % 500);
                tx.Insert(member, w.WrittenSpan);
            }
            for (var i = 0u; i < 100_000; i++)
            {
                w.Reset();
                w.WriteU32(i);
                w.WriteU32(i % 500);
                w.WriteString("hello " + i);
                tx.Insert(message, w.WrittenSpan);
            }
            tx.Commit();
        }
        var catalog = Catalog(store.Committed, user, member, message);
        // The messages of the channels team 7's users belong to.
        var query = SubscriptionQuery.Compile(
            "SELECT m.* FROM message m JOIN member b ON b.channel = m.channel JOIN user u ON u.id = b.user_id WHERE u.team = 7",
            catalog, Identity.Zero, isOwner: true);
        var before = store.Committed;
        Changeset change;
        using (var tx = store.BeginTransaction())
        {
            w.Reset();
            w.WriteU32(200_000);
            w.WriteU32(7);
            w.WriteString("a new message");
            tx.Insert(message, w.WrittenSpan);
            change = tx.Commit();
        }
        var after = store.Committed;
        var m = Measure.Run(options, () => query.Delta(change, before, after));
        var full = Measure.Run(options, () => query.Evaluate(after));
        results.Add(BenchmarkResult.LowerIsBetter(Suite, "three-way join subscription, one inserted message: delta against full re-evaluation", "µs",
            Math.Round(m.NanosPerOp / 1e3, 3), Math.Round(full.NanosPerOp / 1e3, 3), "re-evaluating the join", null));

        // A join on a column no index covers (user.team): its delta term keeps a hash table of users
        // by team across commits instead of scanning the 10,000 users on every commit.
        var unindexed = SubscriptionQuery.Compile(
            "SELECT m.* FROM message m JOIN user u ON u.team = m.channel WHERE u.id < 5000", catalog, Identity.Zero, isOwner: true);
        unindexed.Delta(change, before, after); // builds the kept hash table
        var kept = Measure.Run(options, () => unindexed.Delta(change, before, after));
        var again = Measure.Run(options, () => unindexed.Evaluate(after));
        results.Add(BenchmarkResult.LowerIsBetter(Suite, "join on a column without an index, one inserted message: delta against full re-evaluation", "µs",
            Math.Round(kept.NanosPerOp / 1e3, 3), Math.Round(again.NanosPerOp / 1e3, 3), "re-evaluating the join", null));
    }
}
