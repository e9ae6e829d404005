using System.Diagnostics;
using Meridian.Benchmarks.Harness;
using Meridian.Client;
using Meridian.Golden.Leaderboard;
using Meridian.Protocol.Messages;
using Meridian.Runtime.Execution;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Server;
using Microsoft.Data.Sqlite;

namespace Meridian.Benchmarks.Client;

/// <summary>
/// The <c>client</c> suite (issue 13): Meridian.Client's cache, fed by a scripted transport (no server, no
/// socket), and once by a real server on a loopback port for comparison, with the leaderboard bindings (a row:
/// u64 id primary key, string name, u64 score with a btree index). Each figure has a baseline measured in the
/// same run, doing the least the same job needs: decoding the same BSATN rows into a plain <c>Dictionary</c>
/// keyed by id, and for the offline cache, plain SQLite reads and inserts of the same rows; the server case is
/// compared with the scripted one.
/// </summary>
public static class ClientSuite
{
    private const string Suite = "client";
    private const int InitialRows = 10_000;

    /// <summary>Runs the suite.</summary>
    public static IReadOnlyList<BenchmarkResult> Run(BenchmarkOptions options)
    {
        var results = new List<BenchmarkResult>();
        var rows = Enumerable.Range(1, InitialRows).Select(i => Encode(new Player((ulong)i, $"player {i}", (ulong)(i % 1000)))).ToList();
        ApplyRate(options, results, rows);
        var clientOnly = InitialLoad(options, results, rows);
        InitialLoadFromServer(options, results, clientOnly);
        var dir = Directory.CreateTempSubdirectory("meridian-client-bench-").FullName;
        try
        {
            OfflineCache(options, results, rows, dir);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
        Memory(results, rows);
        return results;
    }

    private static byte[] Encode(Player p) => BsatnCodec.Encode(p, Player.WriteBsatn);

    private static byte[] SubscribeApplied(uint querySetId, IReadOnlyList<byte[]> rows) => ScriptedTransport.Frame(
        new ServerMessage.SubscribeApplied(1, querySetId, [new TableRows("player", ScriptedTransport.Rows(rows))]));

    /// <summary>A connection over a scripted transport whose subscription returns <paramref name="rows"/>, subscribed and applied.</summary>
    private static (DbConnection Conn, ScriptedTransport Transport) Connected(IReadOnlyList<byte[]> rows, string? cachePath = null)
    {
        var transport = new ScriptedTransport(id => SubscribeApplied(id, rows));
        var builder = DbConnection.Builder().WithDatabaseName("bench").WithTransport(() => transport);
        if (cachePath is not null)
            builder.WithOfflineCache(cachePath);
        var conn = builder.Build();
        var handle = conn.SubscriptionBuilder().Subscribe("SELECT * FROM player");
        Until(conn, () => handle.IsActive);
        return (conn, transport);
    }

    private static void Until(DbConnection conn, Func<bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            conn.FrameTick();
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
                throw new TimeoutException("The client did not get there within a minute.");
        }
    }

    /// <summary>Rows applied per second: transactions of 100 updates each (a delete and an insert per row, by primary key).</summary>
    private static void ApplyRate(BenchmarkOptions options, List<BenchmarkResult> results, List<byte[]> rows)
    {
        const int perTransaction = 100;
        var transactions = options.Quick ? 200 : 1000;
        var (conn, transport) = Connected(rows);
        using var _ = conn;
        var updates = 0L;
        conn.Db.Player.OnUpdate += (_, _, _) => updates++;
        var current = rows.ToArray();
        var round = 0UL;

        // Prepared outside the timing: each transaction moves 100 rows to a new score.
        List<byte[]> Frames()
        {
            var frames = new List<byte[]>(transactions);
            for (var t = 0; t < transactions; t++)
            {
                round++;
                var deletes = new List<byte[]>(perTransaction);
                var inserts = new List<byte[]>(perTransaction);
                for (var k = 0; k < perTransaction; k++)
                {
                    var i = (int)((round * perTransaction + (ulong)k) % InitialRows);
                    deletes.Add(current[i]);
                    // A score never seen before, so every row really changes.
                    current[i] = Encode(new Player((ulong)i + 1, $"player {i + 1}", 1_000_000 + round * perTransaction + (ulong)k));
                    inserts.Add(current[i]);
                }
                var update = new TableUpdate("player", [new TableUpdateRows.Persistent(ScriptedTransport.Rows(inserts), ScriptedTransport.Rows(deletes))]);
                frames.Add(ScriptedTransport.Frame(new ServerMessage.TransactionUpdate([new QuerySetUpdate(1, [update])])));
            }
            return frames;
        }

        // Baseline: decode the same frames and apply them to a Dictionary keyed by id.
        var plain = rows.Select(r => BsatnCodec.Decode(r, Player.ReadBsatn)).ToDictionary(p => p.Id);
        var samples = options.Quick ? 3 : 7;
        var meridianRates = new List<double>();
        var baselineRates = new List<double>();
        for (var s = 0; s < samples; s++)
        {
            var frames = Frames();
            var expected = updates + (long)transactions * perTransaction;
            var clock = Stopwatch.StartNew();
            foreach (var frame in frames)
                transport.Push(frame);
            Until(conn, () => updates >= expected);
            meridianRates.Add(transactions * perTransaction / clock.Elapsed.TotalSeconds);

            clock.Restart();
            foreach (var frame in frames)
            {
                foreach (var message in Meridian.Protocol.Framing.ServerFrame.Decode(frame))
                {
                    var tu = (ServerMessage.TransactionUpdate)message;
                    foreach (var rowsOf in tu.QuerySets[0].Tables[0].Rows)
                    {
                        var p = (TableUpdateRows.Persistent)rowsOf;
                        foreach (var row in p.Deletes)
                            plain.Remove(BsatnCodec.Decode(row.Span, Player.ReadBsatn).Id);
                        foreach (var row in p.Inserts)
                        {
                            var player = BsatnCodec.Decode(row.Span, Player.ReadBsatn);
                            plain[player.Id] = player;
                        }
                    }
                }
            }
            baselineRates.Add(transactions * perTransaction / clock.Elapsed.TotalSeconds);
        }
        if (conn.Db.Player.Count != InitialRows || plain.Count != InitialRows)
            throw new InvalidOperationException($"Rows went missing: {conn.Db.Player.Count} cached, {plain.Count} in the baseline.");
        results.Add(BenchmarkResult.HigherIsBetter(Suite, "rows applied from transaction updates (100 updates per transaction, 10,000-row cache)",
            "rows/s", Median(meridianRates), Median(baselineRates), "decode + Dictionary by id", null));
    }

    /// <summary>Time from subscribing to OnApplied for a 10,000-row initial subscription; returns the median (ms).</summary>
    private static double InitialLoad(BenchmarkOptions options, List<BenchmarkResult> results, List<byte[]> rows)
    {
        var frame = SubscribeApplied(1, rows);
        var samples = options.Quick ? 5 : 15;
        var meridian = new List<double>();
        var baseline = new List<double>();
        for (var s = 0; s < samples + 1; s++)
        {
            // The answer is encoded before the clock starts (the first query set id a connection uses is 1), so the
            // figure is the client's work alone: decoding the frame, caching the rows, the callbacks.
            var transport = new ScriptedTransport(id => id == 1 ? frame : SubscribeApplied(id, rows));
            using var conn = DbConnection.Builder().WithDatabaseName("bench").WithTransport(() => transport).Build();
            Until(conn, () => conn.IsActive);
            var clock = Stopwatch.StartNew();
            var handle = conn.SubscriptionBuilder().Subscribe("SELECT * FROM player");
            Until(conn, () => handle.IsActive);
            var elapsed = clock.Elapsed.TotalMilliseconds;

            clock.Restart();
            var plain = new Dictionary<ulong, Player>();
            foreach (var message in Meridian.Protocol.Framing.ServerFrame.Decode(frame))
            {
                foreach (var row in ((ServerMessage.SubscribeApplied)message).Rows[0].Rows)
                {
                    var player = BsatnCodec.Decode(row.Span, Player.ReadBsatn);
                    plain[player.Id] = player;
                }
            }
            var baselineElapsed = clock.Elapsed.TotalMilliseconds;
            if (s == 0)
                continue; // warm-up
            if (conn.Db.Player.Count != InitialRows || plain.Count != InitialRows)
                throw new InvalidOperationException("The initial subscription did not load every row.");
            meridian.Add(elapsed);
            baseline.Add(baselineElapsed);
        }
        results.Add(BenchmarkResult.LowerIsBetter(Suite, "load a 10,000-row initial subscription (subscribe to OnApplied)", "ms",
            Median(meridian), Median(baseline), "decode + Dictionary by id", null));
        return Median(meridian);
    }

    /// <summary>
    /// The same 10,000-row initial subscription from a real server: a <see cref="MeridianServer"/> in this process on a
    /// loopback port (port 0, a temp data directory) with the leaderboard module, over a WebSocket. The baseline is the
    /// scripted transport's figure from this run (the client's own work), so the ratio is the share of the whole load
    /// the client accounts for; the rest is the server (query, encoding) and the socket.
    /// </summary>
    private static void InitialLoadFromServer(BenchmarkOptions options, List<BenchmarkResult> results, double clientOnly)
    {
        var samples = options.Quick ? 5 : 15;
        var dataDir = Directory.CreateTempSubdirectory("meridian-client-bench-server-").FullName;
        var server = MeridianServer.StartAsync(new MeridianServerOptions { ListenAddress = "127.0.0.1:0", DataDirectory = dataDir })
            .GetAwaiter().GetResult();
        try
        {
            var owner = Identity.FromClaims("localhost", "client-bench");
            var published = server.Registry.PublishAsync("leaderboard", LeaderboardModule(), owner, clear: true).GetAwaiter().GetResult();
            var seed = new BsatnWriter(16);
            seed.WriteU64(1);
            seed.WriteU32(InitialRows);
            var seeded = published.Database.CallReducerAsync("seed", seed.ToArray(), owner, ConnectionId.Random()).GetAwaiter().GetResult();
            if (seeded.Status != ReducerStatus.Committed)
                throw new InvalidOperationException($"seed failed: {seeded.Error}");

            var loads = new List<double>();
            for (var s = 0; s < samples + 1; s++)
            {
                using var conn = DbConnection.Builder().WithUri(server.BaseAddress).WithDatabaseName("leaderboard").Build();
                Until(conn, () => conn.IsActive);
                var clock = Stopwatch.StartNew();
                var handle = conn.SubscriptionBuilder().Subscribe("SELECT * FROM player");
                Until(conn, () => handle.IsActive);
                var elapsed = clock.Elapsed.TotalMilliseconds;
                if (conn.Db.Player.Count != InitialRows)
                    throw new InvalidOperationException($"The subscription from the server loaded {conn.Db.Player.Count} rows, not {InitialRows}.");
                if (s > 0)
                    loads.Add(elapsed); // the first is a warm-up
            }
            results.Add(BenchmarkResult.LowerIsBetter(Suite,
                "load a 10,000-row initial subscription from a loopback server (in-process MeridianServer, WebSocket, subscribe to OnApplied)",
                "ms", Median(loads), clientOnly, "the same load from the scripted transport (the client's work only)", null));
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            try
            {
                Directory.Delete(dataDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>The leaderboard module's assembly (built by the benchmark project, not referenced as code).</summary>
    private static byte[] LeaderboardModule()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var bin = Path.Combine(dir.FullName, "tests", "Modules", "Leaderboard", "bin");
            if (!Directory.Exists(bin))
                continue;
            var dll = Directory.EnumerateFiles(bin, "Leaderboard.dll", SearchOption.AllDirectories)
                .OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
            if (dll is not null)
                return File.ReadAllBytes(dll);
        }
        throw new FileNotFoundException("tests/Modules/Leaderboard has not been built (the benchmark project builds it).");
    }

    /// <summary>Writing the 10,000 rows to the offline cache as they arrive, and loading them from it at the next start.</summary>
    private static void OfflineCache(BenchmarkOptions options, List<BenchmarkResult> results, List<byte[]> rows, string dir)
    {
        var samples = options.Quick ? 3 : 9;
        var store = new List<double>();
        var storeBaseline = new List<double>();
        var load = new List<double>();
        var loadBaseline = new List<double>();
        for (var s = 0; s < samples + 1; s++)
        {
            var path = Path.Combine(dir, $"cache-{s}.db");
            var clock = Stopwatch.StartNew();
            var (conn, _) = Connected(rows, path);
            var stored = clock.Elapsed.TotalMilliseconds;
            conn.Dispose();

            clock.Restart();
            using (var reopened = DbConnection.Builder().WithDatabaseName("bench").WithTransport(() => new ScriptedTransport(id => SubscribeApplied(id, rows)))
                .WithOfflineCache(path).Build())
            {
                var loaded = clock.Elapsed.TotalMilliseconds;
                if (reopened.Db.Player.Count != InitialRows)
                    throw new InvalidOperationException($"The offline cache held {reopened.Db.Player.Count} rows, not {InitialRows}.");
                if (s > 0)
                    load.Add(loaded);
            }

            var plainPath = Path.Combine(dir, $"plain-{s}.db");
            clock.Restart();
            PlainInsert(plainPath, rows);
            var inserted = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            var count = PlainLoad(plainPath).Count;
            var read = clock.Elapsed.TotalMilliseconds;
            if (count != InitialRows)
                throw new InvalidOperationException("The plain SQLite file lost rows.");
            if (s == 0)
                continue; // warm-up
            store.Add(stored);
            storeBaseline.Add(inserted);
            loadBaseline.Add(read);
        }
        results.Add(BenchmarkResult.LowerIsBetter(Suite, "10,000-row initial subscription with the offline cache on (subscribe to OnApplied, rows written)",
            "ms", Median(store), Median(storeBaseline), "SQLite: 10,000 blob inserts in one transaction", null));
        results.Add(BenchmarkResult.LowerIsBetter(Suite, "load 10,000 rows from the offline cache (Build with WithOfflineCache)", "ms",
            Median(load), Median(loadBaseline), "SQLite: read 10,000 blobs + decode + Dictionary by id", null));
    }

    private static void PlainInsert(string path, List<byte[]> rows)
    {
        using var db = new SqliteConnection($"Data Source={path}");
        db.Open();
        using (var pragma = db.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE rows (row BLOB NOT NULL PRIMARY KEY, count INTEGER NOT NULL)";
            pragma.ExecuteNonQuery();
        }
        using var tx = db.BeginTransaction();
        using var insert = db.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = "INSERT INTO rows (row, count) VALUES ($row, 1)";
        var parameter = insert.Parameters.Add("$row", SqliteType.Blob);
        foreach (var row in rows)
        {
            parameter.Value = row;
            insert.ExecuteNonQuery();
        }
        tx.Commit();
    }

    private static Dictionary<ulong, Player> PlainLoad(string path)
    {
        using var db = new SqliteConnection($"Data Source={path}");
        db.Open();
        using var select = db.CreateCommand();
        select.CommandText = "SELECT row FROM rows";
        using var reader = select.ExecuteReader();
        var plain = new Dictionary<ulong, Player>();
        while (reader.Read())
        {
            var player = BsatnCodec.Decode((byte[])reader[0], Player.ReadBsatn);
            plain[player.Id] = player;
        }
        return plain;
    }

    /// <summary>Bytes of managed heap per cached row, with the table's two indexes, against a Dictionary of the same decoded rows.</summary>
    private static void Memory(List<BenchmarkResult> results, List<byte[]> rows)
    {
        var frame = SubscribeApplied(1, rows);
        var before = Heap();
        var (conn, _) = Connected(rows);
        var after = Heap();
        var perRow = (after - before) / (double)InitialRows;
        GC.KeepAlive(frame);

        before = Heap();
        var plain = rows.Select(r => BsatnCodec.Decode(r, Player.ReadBsatn)).ToDictionary(p => p.Id);
        after = Heap();
        var plainPerRow = (after - before) / (double)InitialRows;
        GC.KeepAlive(plain);
        if (conn.Db.Player.Count != InitialRows)
            throw new InvalidOperationException("The cache lost rows.");
        conn.Dispose();
        results.Add(BenchmarkResult.LowerIsBetter(Suite, "managed memory per cached row (10,000 rows; BSATN kept, id and score indexes)", "bytes",
            perRow, plainPerRow, "decoded rows in a Dictionary by id", null));
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
