using System.Collections.Concurrent;
using Meridian.Client.Dynamic;
using Meridian.Client.Mirror;
using Meridian.Sats.Values;
using Microsoft.Data.Sqlite;

namespace Meridian.Client.Tests.Mirror;

/// <summary>The mirror of a <see cref="DynamicDbConnection"/> against a real server with the leaderboard module.</summary>
public sealed class SqliteMirrorTests(ClientFixture fixture) : IClassFixture<ClientFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("meridian-mirror-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<DynamicDbConnection> ConnectAsync()
    {
        var db = await fixture.PublishAsync(TestModules.Leaderboard(), "mirror");
        using var http = new HttpClient();
        var schema = await DatabaseSchema.FetchAsync(http, fixture.Uri, db);
        var player = Assert.Single(schema.Tables);
        Assert.Equal("player", player.Name);
        Assert.Equal(["id", "name", "score"], player.ColumnNames);
        Assert.Equal(0, player.PrimaryKey);
        var conn = DynamicDbConnection.Builder(schema).WithUri(fixture.Uri).WithDatabaseName(db).WithBackgroundProcessing().Build();
        Ticks.Background(conn, () => conn.IsActive, "the connection");
        return conn;
    }

    private static void Subscribe(DynamicDbConnection conn, SqliteMirror mirror)
    {
        var handle = conn.SubscriptionBuilder().Subscribe([.. mirror.Queries]);
        Ticks.Background(conn, () => handle.IsActive, "the subscription");
    }

    private static Task<ReducerEvent> SetScore(DynamicDbConnection conn, ulong id, string name, ulong score) =>
        conn.CallReducerAsync("set_score", AlgebraicValue.Product(AlgebraicValue.U64(id), AlgebraicValue.String(name), AlgebraicValue.U64(score)));

    private static List<string> Players(string path)
    {
        using var db = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false,
        }.ToString());
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT id, name, score FROM player ORDER BY id";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
            rows.Add($"{reader.GetInt64(0)} {reader.GetString(1)} {reader.GetInt64(2)}");
        return rows;
    }

    private static List<string> Cached(DynamicDbConnection conn)
    {
        lock (conn.SyncRoot)
            return conn.Table("player").Iter().OrderBy(r => r["id"].AsU64())
                .Select(r => $"{r["id"].AsU64()} {r["name"].AsString()} {r["score"].AsU64()}").ToList();
    }

    private static void Until(Func<bool> done, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!done())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(20))
                Assert.Fail($"Timed out waiting for {what}.");
            Thread.Sleep(10);
        }
    }

    [Fact]
    public async Task A_burst_of_transactions_is_written_once_after_the_debounce()
    {
        using var conn = await ConnectAsync();
        var path = Path.Combine(_dir, "board.sqlite");
        var debounce = TimeSpan.FromMilliseconds(1500);
        await using var mirror = SqliteMirror.Attach(conn, new SqliteMirrorOptions { Path = path, Debounce = debounce, MaxDelay = TimeSpan.FromSeconds(30) });
        var writes = new ConcurrentQueue<(SqliteMirrorWrite Write, DateTime At)>();
        mirror.Written += w => writes.Enqueue((w, DateTime.UtcNow));
        Subscribe(conn, mirror);
        await mirror.FlushAsync();
        Assert.Equal([], Players(path)); // the file exists from the first write, with the table empty
        writes.Clear();

        var calls = Enumerable.Range(1, 5).Select(i => SetScore(conn, (ulong)i, "p" + i, (ulong)(i * 10))).ToArray();
        var results = await Task.WhenAll(calls);
        var lastChange = DateTime.UtcNow;
        Assert.All(results, r => Assert.True(r.IsCommitted));
        Assert.Empty(writes); // still inside the debounce

        Until(() => !writes.IsEmpty, "the debounced write");
        await Task.Delay(debounce + TimeSpan.FromMilliseconds(300)); // and no second write follows
        var (write, at) = Assert.Single(writes);
        Assert.True(write.Rebuilt);
        Assert.Equal(5, write.Changes);
        Assert.Equal(5, write.Rows);
        Assert.True(at - lastChange >= debounce - TimeSpan.FromMilliseconds(100), $"written {(at - lastChange).TotalMilliseconds} ms after the last change");
        Assert.Equal(["1 p1 10", "2 p2 20", "3 p3 30", "4 p4 40", "5 p5 50"], Players(path));
        Assert.Equal(["board.sqlite"], Directory.EnumerateFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task The_incremental_mode_applies_inserts_updates_and_deletes_in_place()
    {
        using var conn = await ConnectAsync();
        var path = Path.Combine(_dir, "board.sqlite");
        var writes = new ConcurrentQueue<SqliteMirrorWrite>();
        var failures = new ConcurrentQueue<Exception>();
        await using (var mirror = SqliteMirror.Attach(
            conn, new SqliteMirrorOptions { Path = path, Incremental = true, Debounce = TimeSpan.FromMilliseconds(50) }))
        {
            mirror.Written += writes.Enqueue;
            mirror.WriteFailed += failures.Enqueue;
            Subscribe(conn, mirror);
            await mirror.FlushAsync();

            var seeded = await conn.CallReducerAsync("seed", AlgebraicValue.Product(AlgebraicValue.U64(100), AlgebraicValue.U32(300)));
            Assert.True(seeded.IsCommitted);
            await mirror.FlushAsync();
            Assert.Equal(300, Players(path).Count);

            await SetScore(conn, 100, "renamed", 7);
            await SetScore(conn, 1, "new", 1);
            await conn.CallReducerAsync("remove_player", AlgebraicValue.Product(AlgebraicValue.U64(101)));
            await mirror.FlushAsync();
            Assert.Equal(Cached(conn), Players(path));
            Assert.Contains("100 renamed 7", Players(path));
            Assert.DoesNotContain(Players(path), p => p.StartsWith("101 ", StringComparison.Ordinal));

            // A reader that holds the file open keeps reading while batches are applied.
            using var reader = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false,
        }.ToString());
            reader.Open();
            for (var i = 0; i < 5; i++)
            {
                await SetScore(conn, 1000 + (ulong)i, "late", 1);
                await mirror.FlushAsync();
                using var count = reader.CreateCommand();
                count.CommandText = "SELECT count(*) FROM player";
                Assert.Equal(301L + i, (long)count.ExecuteScalar()!);
            }
        }
        Assert.Empty(failures);
        var all = writes.ToArray();
        Assert.True(all[0].Rebuilt); // the first write builds the file
        Assert.All(all.Skip(1), w => Assert.False(w.Rebuilt));
        Assert.Equal(305, all[^1].Rows);
        Assert.Equal(Cached(conn), Players(path));
        Assert.Equal(["board.sqlite"], Directory.EnumerateFiles(_dir).Select(Path.GetFileName));
    }

    // The whole file as SQL text: the table's DDL and every row, for comparing two mirrors.
    private static List<string> Contents(string path)
    {
        using var db = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false,
        }.ToString());
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL "
            + "UNION ALL SELECT quote(id) || ',' || quote(name) || ',' || quote(score) FROM player";
        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read())
            lines.Add(reader.GetString(0));
        return lines.Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task The_incremental_mode_rebuilds_for_a_batch_past_the_threshold_and_the_file_is_the_same_either_way()
    {
        using var conn = await ConnectAsync();
        var incrementalPath = Path.Combine(_dir, "incremental.sqlite");
        var rebuiltPath = Path.Combine(_dir, "rebuilt.sqlite");
        var writes = new ConcurrentQueue<SqliteMirrorWrite>();
        var failures = new ConcurrentQueue<Exception>();
        await using var incremental = SqliteMirror.Attach(
            conn, new SqliteMirrorOptions
            {
                Path = incrementalPath, Incremental = true, Debounce = TimeSpan.FromSeconds(30), MaxDelay = TimeSpan.FromSeconds(60),
            });
        await using var rebuilt = SqliteMirror.Attach(
            conn, new SqliteMirrorOptions { Path = rebuiltPath, Debounce = TimeSpan.FromSeconds(30), MaxDelay = TimeSpan.FromSeconds(60) });
        incremental.WriteFailed += failures.Enqueue;
        rebuilt.WriteFailed += failures.Enqueue;
        Subscribe(conn, incremental);
        await incremental.FlushAsync();
        incremental.Written += writes.Enqueue;

        async Task Step(Func<Task<ReducerEvent>> change, bool rebuild, long rows)
        {
            Assert.True((await change()).IsCommitted);
            await incremental.FlushAsync();
            await rebuilt.FlushAsync();
            Assert.True(writes.TryDequeue(out var write), "the incremental mirror wrote");
            Assert.Equal((rebuild, rows), (write.Rebuilt, write.Rows));
            Assert.Equal(Contents(rebuiltPath), Contents(incrementalPath));
            Assert.Equal(Cached(conn), Players(incrementalPath));
        }

        // Up to MinChanges changes go in place, on an empty mirror too.
        var floor = MirrorRewritePolicy.MinChanges;
        await Step(() => conn.CallReducerAsync("seed", AlgebraicValue.Product(AlgebraicValue.U64(1), AlgebraicValue.U32((uint)floor))), false, floor);
        // One change more than that is a rebuild.
        await Step(() => conn.CallReducerAsync("seed", AlgebraicValue.Product(AlgebraicValue.U64(10_001), AlgebraicValue.U32((uint)floor + 1))),
            true, 2L * floor + 1);
        // Small batches go in place again.
        await Step(() => SetScore(conn, 5, "renamed", 7), false, 2L * floor + 1);
        await Step(() => conn.CallReducerAsync("remove_player", AlgebraicValue.Product(AlgebraicValue.U64(6))), false, 2L * floor);
        Assert.Empty(failures);
        Assert.Equal(["incremental.sqlite", "rebuilt.sqlite"], Directory.EnumerateFiles(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(true, 1_000, 100_000, false)] // a thousand changes of a keyed 100,000-row table: in place
    [InlineData(true, 40_000, 100_000, false)] // 0.4 changes per row: still in place
    [InlineData(true, 40_001, 100_000, true)]
    [InlineData(true, 1_000, 0, false)] // few changes: in place, however small the table
    [InlineData(true, 1_001, 0, true)]
    [InlineData(false, 40, 10_000, false)] // deletes that scan an unkeyed 10,000-row table weigh 51 each
    [InlineData(false, 80, 10_000, true)]
    public void The_rebuild_threshold_weighs_changes_against_rows(bool keyed, int deletes, long rows, bool rebuild)
    {
        var pending = 0.0;
        for (var i = 0; i < deletes; i++)
            pending += MirrorRewritePolicy.Cost(isInsert: false, keyed, rows);
        Assert.Equal(rebuild, MirrorRewritePolicy.RebuildIsCheaper(pending, rows));
    }

    [Fact]
    public async Task Attach_refuses_unknown_tables_with_the_list_of_known_ones()
    {
        using var conn = await ConnectAsync();
        var error = Assert.Throws<ArgumentException>(() =>
            SqliteMirror.Attach(conn, new SqliteMirrorOptions { Path = Path.Combine(_dir, "x.sqlite"), Tables = ["players"] }));
        Assert.Contains("The database has no table 'players'. Its tables: player.", error.Message);
        Assert.Empty(Directory.EnumerateFiles(_dir));
    }
}
