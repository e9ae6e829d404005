using Meridian.Golden.Leaderboard;

namespace Meridian.Client.Tests;

public abstract class CacheTests(ClientFixture fixture, TransportKind transport) : TransportTests(fixture, transport)
{
    public sealed class OverWebSocket(ClientFixture fixture) : CacheTests(fixture, TransportKind.WebSocket);

    public sealed class InProcess(ClientFixture fixture) : CacheTests(fixture, TransportKind.InProcess);

    private async Task<DbConnection> ConnectAsync()
    {
        var db = await Fixture.PublishAsync(TestModules.Leaderboard(), "leaderboard");
        var conn = Via(DbConnection.Builder(), db).Build();
        Ticks.Until(conn, () => conn.IsActive, "the connection");
        return conn;
    }

    private static SubscriptionHandle<SubscriptionEventContext, ErrorContext> Subscribe(DbConnection conn, params string[] queries)
    {
        var handle = conn.SubscriptionBuilder().Subscribe(queries);
        Ticks.Until(conn, () => handle.IsActive, "the subscription");
        return handle;
    }

    [Fact]
    public async Task Insert_update_and_delete_reach_their_callbacks_and_the_indexes()
    {
        using var conn = await ConnectAsync();
        Subscribe(conn, "SELECT * FROM player");
        var log = new List<string>();
        conn.Db.Player.OnInsert += (_, p) => log.Add($"insert {p.Id} {p.Score}");
        conn.Db.Player.OnUpdate += (_, old, p) => log.Add($"update {old.Id} {old.Score}->{p.Score}");
        conn.Db.Player.OnDelete += (_, p) => log.Add($"delete {p.Id} {p.Score}");

        Ticks.Await(conn, conn.Reducers.SetScore(1, "one", 10), "insert");
        Ticks.Await(conn, conn.Reducers.SetScore(2, "two", 10), "insert");
        Ticks.Await(conn, conn.Reducers.SetScore(1, "one", 30), "update");
        Ticks.Await(conn, conn.Reducers.RemovePlayer(2), "delete");

        Assert.Equal(["insert 1 10", "insert 2 10", "update 1 10->30", "delete 2 10"], log);
        Assert.Equal(1, conn.Db.Player.Count);
        Assert.Equal(30ul, conn.Db.Player.Id.Find(1)!.Score);
        Assert.Null(conn.Db.Player.Id.Find(2));
        Assert.Equal([1ul], conn.Db.Player.Score.Filter(30).Select(p => p.Id));
        Assert.Empty(conn.Db.Player.Score.Filter(10));
    }

    [Fact]
    public async Task Callbacks_see_the_cache_after_the_whole_transaction()
    {
        using var conn = await ConnectAsync();
        Subscribe(conn, "SELECT * FROM player");
        var countsSeen = new List<int>();
        var events = new List<Event>();
        conn.Db.Player.OnInsert += (ctx, _) =>
        {
            countsSeen.Add(ctx.Db.Player.Count);
            events.Add(ctx.Event);
        };
        var result = Ticks.Await(conn, conn.Reducers.Seed(100, 5), "seed");
        Assert.True(result.IsCommitted);
        Assert.Equal([5, 5, 5, 5, 5], countsSeen);
        Assert.All(events, e => Assert.Same(result, Assert.IsType<Event.Reducer>(e).ReducerEvent));
    }

    [Fact]
    public async Task Initial_rows_arrive_as_inserts_before_OnApplied_and_unsubscribe_removes_them()
    {
        using var conn = await ConnectAsync();
        Ticks.Await(conn, conn.Reducers.Seed(1, 4), "seed");
        var inserted = 0;
        var countAtApplied = -1;
        conn.Db.Player.OnInsert += (_, _) => inserted++;
        var handle = conn.SubscriptionBuilder().OnApplied(ctx => countAtApplied = ctx.Db.Player.Count).Subscribe("SELECT * FROM player");
        Ticks.Until(conn, () => handle.IsActive, "the subscription");
        Assert.Equal(4, inserted);
        Assert.Equal(4, countAtApplied);

        var deleted = 0;
        conn.Db.Player.OnDelete += (_, _) => deleted++;
        var ended = false;
        handle.UnsubscribeThen(_ => ended = true);
        Ticks.Until(conn, () => ended, "the unsubscribe");
        Assert.Equal(4, deleted);
        Assert.Equal(0, conn.Db.Player.Count);
        Assert.True(handle.IsEnded);
        Assert.Throws<InvalidOperationException>(handle.Unsubscribe);
    }

    [Fact]
    public async Task A_row_held_by_two_subscriptions_stays_until_both_drop_it_and_is_inserted_once()
    {
        using var conn = await ConnectAsync();
        Ticks.Await(conn, conn.Reducers.Seed(1, 10), "seed");
        var inserts = 0;
        var deletes = 0;
        conn.Db.Player.OnInsert += (_, _) => inserts++;
        conn.Db.Player.OnDelete += (_, _) => deletes++;
        var all = Subscribe(conn, "SELECT * FROM player");
        var high = Subscribe(conn, "SELECT * FROM player WHERE score > 5");
        Assert.Equal(10, inserts);
        Assert.Equal(10, conn.Db.Player.Count);

        // A change to a row both sets hold reaches the client twice in one transaction: one update.
        var updates = 0;
        conn.Db.Player.OnUpdate += (_, _, _) => updates++;
        Ticks.Await(conn, conn.Reducers.SetScore(7, "p7", 70), "update");
        Assert.Equal(1, updates);
        Assert.Equal(10, inserts);

        all.Unsubscribe();
        Ticks.Until(conn, () => all.IsEnded, "the first unsubscribe");
        Assert.Equal(5, deletes);
        Assert.Equal([6ul, 7, 8, 9, 10], conn.Db.Player.Iter().Select(p => p.Id).Order().ToList());

        high.Unsubscribe();
        Ticks.Until(conn, () => high.IsEnded, "the second unsubscribe");
        Assert.Equal(10, deletes);
        Assert.Equal(0, conn.Db.Player.Count);
    }

    [Fact]
    public async Task A_one_off_query_returns_the_servers_rows_without_touching_the_cache()
    {
        using var conn = await ConnectAsync();
        Ticks.Await(conn, conn.Reducers.Seed(1, 5), "seed");
        var inserted = 0;
        conn.Db.Player.OnInsert += (_, _) => inserted++;
        var high = Ticks.Await(conn, conn.Db.Player.RemoteQuery("WHERE score > 3"), "the query");
        Assert.Equal([4ul, 5], high.Select(p => p.Id).Order().ToList());
        Assert.Equal("p4", high.Single(p => p.Id == 4).Name);
        var all = Ticks.Await(conn, conn.OneOffQuery("SELECT * FROM player", Player.ReadBsatn), "the second query");
        Assert.Equal(5, all.Count);
        Assert.Equal(0, conn.Db.Player.Count);
        Assert.Equal(0, inserted);

        var bad = conn.OneOffQuery("SELECT * FROM no_such_table", Player.ReadBsatn);
        Ticks.Until(conn, () => bad.IsCompleted, "the refused query");
        var error = await Assert.ThrowsAsync<MeridianClientException>(() => bad);
        Assert.Contains("no_such_table", error.Message, StringComparison.Ordinal);
    }
}
