using Meridian.Golden.Leaderboard;

namespace Meridian.Client.Tests;

/// <summary>Reducer calls made while disconnected: queued in order, sent on reconnect, outcomes and conflicts reported.</summary>
public abstract class QueueTests(ClientFixture fixture, TransportKind transport) : TransportTests(fixture, transport)
{
    public sealed class OverWebSocket(ClientFixture fixture) : QueueTests(fixture, TransportKind.WebSocket);

    public sealed class InProcess(ClientFixture fixture) : QueueTests(fixture, TransportKind.InProcess);

    [Fact]
    public async Task Calls_made_while_away_are_sent_in_order_on_reconnect_and_a_refused_one_is_a_conflict()
    {
        var db = await Fixture.PublishAsync(TestModules.Leaderboard(), "leaderboard");
        await using var proxy = StartOutage();
        using var writer = Via(DbConnection.Builder(), db).Build();
        Ticks.Until(writer, () => writer.IsActive, "the writer");
        Ticks.Await(writer, writer.Reducers.Seed(1, 3), "seed");
        var results = new List<QueuedCallResult>();
        var conflicts = new List<QueuedCallResult>();
        using var conn = proxy.Connect(DbConnection.Builder(), db)
            .WithAutomaticReconnect(ReconnectTests.Fast)
            .WithQueuedCalls()
            .OnQueuedCallResult((_, r) => results.Add(r))
            .OnConflict((_, r) => conflicts.Add(r))
            .Build();
        var handle = conn.SubscriptionBuilder().Subscribe("SELECT * FROM player");
        Ticks.Until(conn, () => handle.IsActive, "the subscription");
        var log = ReconnectTests.Log(conn);

        proxy.Down = true;
        proxy.DropAll();
        Ticks.Until(conn, () => conn.State == ConnectionState.Reconnecting, "Reconnecting");
        // While the client is away, player 2 changes: seed(2, 1) inserts the row it expects, which now clashes.
        Ticks.Await(writer, writer.Reducers.SetScore(2, "moved on", 50), "the change while away");
        var first = conn.Reducers.SetScore(7, "first", 1);
        var refused = conn.Reducers.Seed(2, 1);
        var last = conn.Reducers.SetScore(7, "second", 2);
        Assert.Equal(["set_score", "seed", "set_score"], conn.QueuedCalls.Select(c => c.ReducerName).ToList());
        Assert.Equal(3, conn.ConnectionStatus.QueuedCalls);
        Assert.False(first.IsCompleted);
        proxy.Down = false;

        var firstResult = Ticks.Await(conn, first, "the first call");
        var refusedResult = Ticks.Await(conn, refused, "the refused call");
        var lastResult = Ticks.Await(conn, last, "the last call");
        Assert.True(firstResult.IsCommitted);
        var reason = Assert.IsType<Status.Failed>(refusedResult.Status).Reason;
        Assert.True(lastResult.IsCommitted);
        Assert.Equal(
            [QueuedCallOutcome.Committed, QueuedCallOutcome.Conflict, QueuedCallOutcome.Committed],
            results.Select(r => r.Outcome).ToList());
        Assert.Equal(results.Select(r => r.Call.Sequence).Order().ToList(), results.Select(r => r.Call.Sequence).ToList());
        var conflict = Assert.Single(conflicts);
        Assert.Same(results[1], conflict);
        Assert.Equal("seed", conflict.Call.ReducerName);
        Assert.Equal(reason, conflict.Error);
        Assert.Equal(new Reducer.Seed(2, 1), conflict.Call.ArgsObject);
        Assert.Contains("seed", conflict.ToString(), StringComparison.Ordinal);
        Assert.Contains(reason, conflict.ToString(), StringComparison.Ordinal);

        // In order: the second set_score came last.
        Assert.Equal("second", conn.Db.Player.Id.Find(7)!.Name);
        Assert.Equal(0, conn.ConnectionStatus.QueuedCalls);
        Assert.Empty(conn.QueuedCalls);
        Assert.Equal(["reconciled update 2 2->50", "reducer insert 7", "reducer update 7 1->2"], log);
    }

    [Fact]
    public async Task Under_the_stop_policy_a_failure_discards_the_calls_after_it()
    {
        var db = await Fixture.PublishAsync(TestModules.Leaderboard(), "leaderboard");
        await using var proxy = StartOutage();
        var results = new List<QueuedCallResult>();
        using var conn = proxy.Connect(DbConnection.Builder(), db)
            .WithAutomaticReconnect(ReconnectTests.Fast)
            .WithQueuedCalls(new CallQueuePolicy { OnFailure = QueuedCallFailureMode.Stop })
            .OnQueuedCallResult((_, r) => results.Add(r))
            .Build();
        var handle = conn.SubscriptionBuilder().Subscribe("SELECT * FROM player");
        Ticks.Until(conn, () => handle.IsActive, "the subscription");
        Ticks.Await(conn, conn.Reducers.Seed(1, 3), "seed");
        Ticks.Await(conn, conn.Reducers.SetScore(3, "moved on", 30), "a change that seed(3, 1) will clash with");

        proxy.Down = true;
        proxy.DropAll();
        Ticks.Until(conn, () => conn.State == ConnectionState.Reconnecting, "Reconnecting");
        var first = conn.Reducers.SetScore(7, "first", 1);
        var refused = conn.Reducers.Seed(3, 1);
        var skipped = conn.Reducers.SetScore(7, "second", 2);
        proxy.Down = false;

        var skippedResult = Ticks.Await(conn, skipped, "the skipped call");
        Assert.True((await first).IsCommitted);
        Assert.IsType<Status.Failed>((await refused).Status);
        Assert.Contains("#2 seed", Assert.IsType<Status.InternalError>(skippedResult.Status).Reason, StringComparison.Ordinal);
        Assert.Equal(
            [QueuedCallOutcome.Committed, QueuedCallOutcome.Conflict, QueuedCallOutcome.Discarded],
            results.Select(r => r.Outcome).ToList());
        Assert.Equal("first", conn.Db.Player.Id.Find(7)!.Name);

        // A call made later, connected, goes straight out.
        Assert.True(Ticks.Await(conn, conn.Reducers.SetScore(8, "later", 8), "a later call").IsCommitted);
        Assert.Equal(3, results.Count);
    }

    [Fact]
    public async Task The_queue_refuses_calls_beyond_its_length_and_expires_old_ones()
    {
        var db = await Fixture.PublishAsync(TestModules.Leaderboard(), "leaderboard");
        await using var proxy = StartOutage();
        var results = new List<QueuedCallResult>();
        using var conn = proxy.Connect(DbConnection.Builder(), db)
            .WithAutomaticReconnect(ReconnectTests.Fast)
            .WithQueuedCalls(new CallQueuePolicy { MaxLength = 2, MaxAge = TimeSpan.FromMilliseconds(150) })
            .OnQueuedCallResult((_, r) => results.Add(r))
            .Build();
        var handle = conn.SubscriptionBuilder().Subscribe("SELECT * FROM player");
        Ticks.Until(conn, () => handle.IsActive, "the subscription");

        proxy.Down = true;
        proxy.DropAll();
        Ticks.Until(conn, () => conn.State == ConnectionState.Reconnecting, "Reconnecting");
        var a = conn.Reducers.SetScore(1, "a", 1);
        var b = conn.Reducers.SetScore(2, "b", 2);
        var full = conn.Reducers.SetScore(3, "c", 3);
        Assert.True(full.IsCompleted);
        Assert.Contains("queue is full", Assert.IsType<Status.InternalError>((await full).Status).Reason, StringComparison.Ordinal);
        Thread.Sleep(300);
        proxy.Down = false;

        Ticks.Await(conn, b, "the expired call");
        Assert.Contains("was not sent", Assert.IsType<Status.InternalError>((await a).Status).Reason, StringComparison.Ordinal);
        Assert.Equal([QueuedCallOutcome.Expired, QueuedCallOutcome.Expired], results.Select(r => r.Outcome).ToList());
        Ticks.Until(conn, () => conn.IsActive, "the connection");
        var fresh = Ticks.Await(conn, conn.Reducers.SetScore(4, "d", 4), "a fresh call");
        Assert.True(fresh.IsCommitted);
        Assert.Equal([4ul], conn.Db.Player.Iter().Select(p => p.Id).ToList());
    }

    [Fact]
    public async Task The_server_killed_and_restarted_mid_session_gets_the_queued_calls_in_order()
    {
        await using var server = await Meridian.IntegrationTests.TestServer.StartAsync();
        var (_, owner) = await server.NewIdentityAsync();
        var publish = await server.SendAsync(HttpMethod.Put, "/v1/database/restarted", owner, new ByteArrayContent(TestModules.Leaderboard()));
        Assert.True(publish.IsSuccessStatusCode, await publish.Content.ReadAsStringAsync());
        await using var proxy = StartOutage(() => server.Server);
        var results = new List<QueuedCallResult>();
        using var conn = proxy.Connect(DbConnection.Builder(), "restarted")
            .WithAutomaticReconnect(ReconnectTests.Fast)
            .WithQueuedCalls()
            .OnQueuedCallResult((_, r) => results.Add(r))
            .Build();
        var handle = conn.SubscriptionBuilder().Subscribe("SELECT * FROM player");
        Ticks.Until(conn, () => handle.IsActive, "the subscription");
        Ticks.Await(conn, conn.Reducers.Seed(1, 3), "seed");
        Ticks.Await(conn, conn.Reducers.SetScore(1, "moved on", 10), "a change that seed(1, 1) will clash with");
        var log = ReconnectTests.Log(conn);

        proxy.Down = true;
        await server.RestartAsync();
        Ticks.Until(conn, () => conn.State == ConnectionState.Reconnecting, "Reconnecting after the server stopped");
        var insert = conn.Reducers.SetScore(4, "after restart", 4);
        var conflict = conn.Reducers.Seed(1, 1);
        var remove = conn.Reducers.RemovePlayer(2);
        proxy.Down = false;

        Ticks.Await(conn, remove, "the last queued call");
        Assert.True((await insert).IsCommitted);
        Assert.IsType<Status.Failed>((await conflict).Status);
        Assert.True((await remove).IsCommitted);
        Assert.Equal([QueuedCallOutcome.Committed, QueuedCallOutcome.Conflict, QueuedCallOutcome.Committed], results.Select(r => r.Outcome).ToList());
        Assert.Equal([1ul, 3, 4], conn.Db.Player.Iter().Select(p => p.Id).Order().ToList());
        // The rows survived the restart: the reconciliation changed nothing; only the calls did. (The queued
        // calls go out right after the subscription: the server may run them before or after taking its rows.)
        Assert.Equal(2, log.Count);
        Assert.Single(log, l => l is "reducer insert 4" or "reconciled insert 4");
        Assert.Single(log, l => l is "reducer delete 2" or "reconciled delete 2");
    }
}
