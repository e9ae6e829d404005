using Meridian.Golden.Leaderboard;

namespace Meridian.Client.Tests;

/// <summary>Automatic reconnect, reconciliation and the connection status, with outages made by a proxy.</summary>
public abstract class ReconnectTests(ClientFixture fixture, TransportKind transport) : TransportTests(fixture, transport)
{
    public sealed class OverWebSocket(ClientFixture fixture) : ReconnectTests(fixture, TransportKind.WebSocket);

    public sealed class InProcess(ClientFixture fixture) : ReconnectTests(fixture, TransportKind.InProcess);

    internal static readonly ReconnectPolicy Fast = new()
    {
        InitialDelay = TimeSpan.FromMilliseconds(30),
        MaxDelay = TimeSpan.FromMilliseconds(200),
        Seed = 1,
    };

    internal static string Kind(EventContext ctx) => ctx.Event switch
    {
        Event.Reconciled => "reconciled",
        Event.Transaction => "transaction",
        Event.Reducer => "reducer",
        Event.SubscribeApplied => "applied",
        _ => ctx.Event.GetType().Name,
    };

    internal static List<string> Log(DbConnection conn)
    {
        var log = new List<string>();
        conn.Db.Player.OnInsert += (ctx, p) => log.Add($"{Kind(ctx)} insert {p.Id}");
        conn.Db.Player.OnUpdate += (ctx, old, p) => log.Add($"{Kind(ctx)} update {p.Id} {old.Score}->{p.Score}");
        conn.Db.Player.OnDelete += (ctx, p) => log.Add($"{Kind(ctx)} delete {p.Id}");
        return log;
    }

    private DbConnection Direct(string db)
    {
        var conn = Via(DbConnection.Builder(), db).Build();
        Ticks.Until(conn, () => conn.IsActive, "the writer's connection");
        return conn;
    }

    [Fact]
    public async Task After_a_drop_the_cache_is_reconciled_and_only_rows_changed_meanwhile_reach_the_callbacks()
    {
        var db = await Fixture.PublishAsync(TestModules.Leaderboard(), "leaderboard");
        await using var proxy = StartOutage();
        using var writer = Direct(db);
        Ticks.Await(writer, writer.Reducers.Seed(1, 5), "seed");

        var statuses = new List<ConnectionStatus>();
        var connects = 0;
        var disconnects = new List<Exception?>();
        using var conn = proxy.Connect(DbConnection.Builder(), db)
            .WithAutomaticReconnect(Fast)
            .OnConnect((_, _, _) => connects++)
            .OnDisconnect((_, e) => disconnects.Add(e))
            .OnStateChanged((_, s) => statuses.Add(s))
            .Build();
        var applied = 0;
        var handle = conn.SubscriptionBuilder().OnApplied(_ => applied++).Subscribe("SELECT * FROM player");
        Ticks.Until(conn, () => handle.IsActive, "the subscription");
        var identity = conn.Identity;
        var log = Log(conn);

        proxy.Down = true;
        proxy.DropAll();
        Ticks.Until(conn, () => conn.State == ConnectionState.Reconnecting, "Reconnecting");
        Assert.Equal(5, conn.Db.Player.Count);
        Ticks.Await(writer, writer.Reducers.SetScore(2, "p2", 20), "update");
        Ticks.Await(writer, writer.Reducers.RemovePlayer(3), "delete");
        Ticks.Await(writer, writer.Reducers.SetScore(6, "p6", 6), "insert");
        Ticks.Until(conn, () => conn.ConnectionStatus.Attempt >= 3, "a third attempt");
        Assert.Equal(5, conn.Db.Player.Count);
        Assert.Empty(log);

        proxy.Down = false;
        Ticks.Until(conn, () => conn.IsActive && conn.Db.Player.Id.Find(6) is not null, "the reconnect");
        Assert.Equal(["reconciled delete 3", "reconciled update 2 2->20", "reconciled insert 6"], log);
        Assert.Equal(1, applied);
        Assert.Equal(1, connects);
        Assert.NotNull(Assert.Single(disconnects));
        Assert.Equal(identity, conn.Identity);
        Assert.True(handle.IsActive);
        Assert.Equal([1ul, 2, 4, 5, 6], conn.Db.Player.Iter().Select(p => p.Id).Order().ToList());
        Assert.Equal(20ul, conn.Db.Player.Id.Find(2)!.Score);
        Assert.All(conn.CachedRows("player"), r => Assert.Equal(1, r.Count));

        // The status went Connecting, Connected, Reconnecting with growing attempts, Connected.
        Assert.Equal(ConnectionState.Connected, statuses[0].State);
        var reconnecting = statuses.Where(s => s.State == ConnectionState.Reconnecting).ToList();
        Assert.Equal(1, reconnecting[0].Attempt);
        Assert.NotNull(reconnecting[0].NextDelay);
        Assert.Contains(reconnecting, s => s.Attempt >= 3);
        Assert.All(reconnecting, s => Assert.True(s.NextDelay <= TimeSpan.FromMilliseconds(240), $"{s}"));
        Assert.Equal(ConnectionState.Connected, statuses[^1].State);
        Assert.Null(statuses[^1].Reason);

        // The subscription is live again.
        Ticks.Await(writer, writer.Reducers.SetScore(1, "p1", 100), "a later update");
        Ticks.Until(conn, () => conn.Db.Player.Id.Find(1)!.Score == 100, "the live update");
        Assert.Equal("transaction update 1 1->100", log[^1]);
    }

    [Fact]
    public async Task Unchanged_rows_make_no_callbacks_and_an_unsubscribe_while_away_ends_at_the_reconnect()
    {
        var db = await Fixture.PublishAsync(TestModules.Leaderboard(), "leaderboard");
        await using var proxy = StartOutage();
        using var writer = Direct(db);
        Ticks.Await(writer, writer.Reducers.Seed(1, 10), "seed");
        using var conn = proxy.Connect(DbConnection.Builder(), db).WithAutomaticReconnect(Fast).Build();
        var all = conn.SubscriptionBuilder().Subscribe("SELECT * FROM player WHERE score < 8");
        var high = conn.SubscriptionBuilder().Subscribe("SELECT * FROM player WHERE score > 5");
        Ticks.Until(conn, () => all.IsActive && high.IsActive, "the subscriptions");
        var log = Log(conn);

        proxy.DropAll();
        Ticks.Until(conn, () => conn.State == ConnectionState.Reconnecting, "Reconnecting");
        Ticks.Until(conn, () => conn.IsActive, "the reconnect with nothing changed");
        Ticks.Await(writer, writer.Reducers.SetScore(100, "marker", 1), "marker");
        Ticks.Until(conn, () => conn.Db.Player.Id.Find(100) is not null, "the marker");
        // The marker may commit before or after the server took the resubscription's rows (the client is
        // active before then): it arrives with the reconciliation or as a transaction, but nothing else does.
        Assert.Single(log, l => l is "transaction insert 100" or "reconciled insert 100");
        Assert.Single(log);

        // Unsubscribed while away: its rows go at the reconciliation; rows held by the other stay.
        proxy.Down = true;
        proxy.DropAll();
        Ticks.Until(conn, () => conn.State == ConnectionState.Reconnecting, "Reconnecting again");
        var ended = false;
        all.UnsubscribeThen(_ => ended = true);
        Assert.False(ended);
        proxy.Down = false;
        Ticks.Until(conn, () => ended, "the end of the subscription");
        Assert.True(all.IsEnded);
        Assert.Equal([6ul, 7, 8, 9, 10], conn.Db.Player.Iter().Select(p => p.Id).Order().ToList());
        Assert.Equal(["reconciled delete 1", "reconciled delete 100", "reconciled delete 2", "reconciled delete 3", "reconciled delete 4",
            "reconciled delete 5"], log.Skip(1).Order(StringComparer.Ordinal).ToList());
        Assert.All(conn.CachedRows("player"), r => Assert.Equal(1, r.Count));
    }

    [Fact]
    public async Task Offline_after_the_last_attempt_counts_queued_calls_and_RetryNow_sends_them()
    {
        var db = await Fixture.PublishAsync(TestModules.Leaderboard(), "leaderboard");
        await using var proxy = StartOutage();
        proxy.Down = true;
        Exception? connectError = null;
        var statuses = new List<ConnectionStatus>();
        using var conn = proxy.Connect(DbConnection.Builder(), db)
            .WithAutomaticReconnect(new ReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(50), MaxAttempts = 2, Jitter = 0 })
            .WithQueuedCalls()
            .OnConnectError(e => connectError = e)
            .OnStateChanged((_, s) => statuses.Add(s))
            .Build();
        Ticks.Until(conn, () => conn.State == ConnectionState.Offline, "Offline");
        Assert.NotNull(connectError);
        Assert.Equal([1, 2], statuses.Where(s => s.State == ConnectionState.Reconnecting).Select(s => s.Attempt).Distinct().ToList());
        Assert.Equal(TimeSpan.FromMilliseconds(100), statuses.Last(s => s.State == ConnectionState.Reconnecting).NextDelay);

        var first = conn.Reducers.SetScore(1, "queued", 1);
        var second = conn.Reducers.SetScore(2, "queued", 2);
        conn.FrameTick();
        var offline = conn.ConnectionStatus;
        Assert.Equal(ConnectionState.Offline, offline.State);
        Assert.Equal(2, offline.QueuedCalls);
        Assert.NotNull(offline.Reason);
        Assert.EndsWith(", 2 calls queued", offline.ToString(), StringComparison.Ordinal);
        Assert.Equal(offline, statuses[^1]);
        Assert.False(first.IsCompleted);

        proxy.Down = false;
        conn.RetryNow();
        Assert.True(Ticks.Await(conn, first, "the first queued call").IsCommitted);
        Assert.True(Ticks.Await(conn, second, "the second queued call").IsCommitted);
        Assert.Equal(ConnectionState.Connected, conn.State);
        Assert.Equal(0, conn.ConnectionStatus.QueuedCalls);

        conn.Disconnect();
        Ticks.Until(conn, () => conn.State == ConnectionState.Disconnected, "Disconnected");
        Assert.Throws<InvalidOperationException>(conn.RetryNow);
    }

    [Fact]
    public async Task Without_reconnect_a_lost_connection_is_disconnected_and_calls_fail_at_once()
    {
        var db = await Fixture.PublishAsync(TestModules.Leaderboard(), "leaderboard");
        await using var proxy = StartOutage();
        Exception? reason = null;
        using var conn = proxy.Connect(DbConnection.Builder(), db).OnDisconnect((_, e) => reason = e).Build();
        Ticks.Until(conn, () => conn.IsActive, "the connection");
        proxy.DropAll();
        Ticks.Until(conn, () => reason is not null, "OnDisconnect");
        Assert.Equal(ConnectionState.Disconnected, conn.State);
        Assert.Same(reason, conn.DisconnectReason);
        var call = conn.Reducers.SetScore(1, "late", 1);
        Assert.True(call.IsCompleted);
        Assert.IsType<Status.InternalError>((await call).Status);
    }

    [Fact]
    public void The_policy_grows_its_waits_up_to_the_maximum_within_the_jitter_and_refuses_bad_settings()
    {
        var policy = new ReconnectPolicy { InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(10), Jitter = 0 };
        var random = new Random(7);
        Assert.Equal([1.0, 2, 4, 8, 10, 10], Enumerable.Range(1, 6).Select(n => policy.DelayBefore(n, random).TotalSeconds).ToList());
        var jittered = new ReconnectPolicy { InitialDelay = TimeSpan.FromSeconds(1), Jitter = 0.5 };
        var delays = Enumerable.Range(0, 200).Select(_ => jittered.DelayBefore(1, random).TotalSeconds).ToList();
        Assert.All(delays, d => Assert.InRange(d, 0.5, 1.5));
        Assert.True(delays.Distinct().Count() > 100);
        Assert.Throws<ArgumentOutOfRangeException>(() => DbConnection.Builder().WithAutomaticReconnect(new ReconnectPolicy { Multiplier = 0.5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => DbConnection.Builder().WithAutomaticReconnect(new ReconnectPolicy { Jitter = 2 }));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            DbConnection.Builder().WithAutomaticReconnect(new ReconnectPolicy { InitialDelay = TimeSpan.FromSeconds(5), MaxDelay = TimeSpan.FromSeconds(1) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => DbConnection.Builder().WithQueuedCalls(new CallQueuePolicy { MaxLength = 0 }));
        Assert.Equal("Reconnecting (attempt 2, after 1.5 s), 1 call queued",
            new ConnectionStatus(ConnectionState.Reconnecting, null, 2, TimeSpan.FromSeconds(1.5), 1).ToString());
    }
}
