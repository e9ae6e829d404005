using Meridian.Golden.Procedures;

namespace Meridian.Client.Tests;

/// <summary>
/// Dispose without a later tick: everything that waits for the connection is settled at once, with a "disposed" error.
/// No tick runs between the calls and Dispose, so their answers (if the server sent them already) are never applied.
/// </summary>
public abstract class DisposeTests(ClientFixture fixture, TransportKind transport) : TransportTests(fixture, transport)
{
    public sealed class OverWebSocket(ClientFixture fixture) : DisposeTests(fixture, TransportKind.WebSocket);

    public sealed class InProcess(ClientFixture fixture) : DisposeTests(fixture, TransportKind.InProcess);

    [Fact]
    public async Task Dispose_completes_pending_calls_and_ends_subscriptions_with_a_disposed_error()
    {
        var db = await Fixture.PublishAsync(TestModules.Procedures(), "procedures");
        var disconnects = new List<Exception?>();
        var statuses = new List<ConnectionState>();
        var conn = Via(DbConnection.Builder(), db).OnDisconnect((_, e) => disconnects.Add(e)).OnStateChanged((_, s) => statuses.Add(s.State)).Build();
        var active = conn.SubscriptionBuilder().Subscribe("SELECT * FROM item");
        var leaving = conn.SubscriptionBuilder().Subscribe("SELECT * FROM item WHERE id = 1");
        Ticks.Until(conn, () => active.IsActive && leaving.IsActive, "the subscriptions");

        ReducerEvent? reducerCallback = null;
        conn.Reducers.OnScheduleProc += (ctx, _, _) => reducerCallback = ctx.Event;
        var reducer = conn.Reducers.ScheduleProc("never applied", 600_000);
        ProcedureCallbackResult<ulong>? procedureCallback = null;
        var procedure = conn.Procedures.Add(2, 3, (_, r) => procedureCallback = r);
        var query = conn.Db.Item.RemoteQuery();
        Exception? subscriptionError = null;
        var waiting = conn.SubscriptionBuilder().OnError((_, e) => subscriptionError = e).Subscribe("SELECT * FROM item WHERE id = 2");
        var leftAt = false;
        leaving.UnsubscribeThen(_ => leftAt = true);
        Assert.False(reducer.IsCompleted || procedure.IsCompleted || query.IsCompleted);

        conn.Dispose();

        Assert.True(reducer.IsCompleted && procedure.IsCompleted && query.IsCompleted);
        Assert.Contains("disposed", Assert.IsType<Status.InternalError>((await reducer).Status).Reason, StringComparison.Ordinal);
        Assert.Same(await reducer, reducerCallback);
        var result = await procedure;
        Assert.False(result.IsSuccess);
        Assert.Contains("disposed", result.Error!.Message, StringComparison.Ordinal);
        Assert.Same(result, procedureCallback);
        var queryError = await Assert.ThrowsAsync<MeridianClientException>(() => query);
        Assert.Contains("disposed", queryError.Message, StringComparison.Ordinal);

        Assert.True(waiting.IsEnded);
        Assert.False(waiting.IsActive);
        Assert.IsType<ObjectDisposedException>(waiting.Error);
        Assert.Same(waiting.Error, subscriptionError);
        Assert.True(leaving.IsEnded && leftAt);
        Assert.Null(leaving.Error);
        Assert.True(active.IsEnded);
        Assert.False(active.IsActive);
        Assert.Null(active.Error);
        Assert.Equal(ConnectionState.Disconnected, conn.State);
        Assert.Null(Assert.Single(disconnects));
        Assert.Equal([ConnectionState.Connected, ConnectionState.Disconnected], statuses);

        // Afterwards: calls complete at once with the same error, a subscription is refused, ticks and a second Dispose do nothing.
        var late = conn.Reducers.ScheduleProc("late", 1);
        Assert.True(late.IsCompleted);
        Assert.Equal("The connection was disposed.", Assert.IsType<Status.InternalError>((await late).Status).Reason);
        Assert.Throws<ObjectDisposedException>(() => conn.SubscriptionBuilder().Subscribe("SELECT * FROM item"));
        Thread.Sleep(50);
        conn.FrameTick();
        conn.Dispose();
        Assert.Single(disconnects);
    }

    [Fact]
    public async Task Dispose_while_away_settles_queued_calls()
    {
        var db = await Fixture.PublishAsync(TestModules.Leaderboard(), "leaderboard");
        await using var proxy = StartOutage();
        var results = new List<QueuedCallResult>();
        var conn = proxy.Connect(Meridian.Golden.Leaderboard.DbConnection.Builder(), db)
            .WithAutomaticReconnect(ReconnectTests.Fast)
            .WithQueuedCalls()
            .OnQueuedCallResult((_, r) => results.Add(r))
            .Build();
        var handle = conn.SubscriptionBuilder().Subscribe("SELECT * FROM player");
        Ticks.Until(conn, () => handle.IsActive, "the subscription");
        proxy.Down = true;
        proxy.DropAll();
        Ticks.Until(conn, () => conn.State == ConnectionState.Reconnecting, "Reconnecting");
        var queued = conn.Reducers.SetScore(1, "queued", 1);
        Assert.False(queued.IsCompleted);

        conn.Dispose();

        Assert.True(queued.IsCompleted);
        Assert.Contains("not sent", Assert.IsType<Status.InternalError>((await queued).Status).Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(QueuedCallOutcome.Discarded, Assert.Single(results).Outcome);
        Assert.True(handle.IsEnded);
        Assert.Equal(ConnectionState.Disconnected, conn.State);
        Assert.Equal(0, conn.ConnectionStatus.QueuedCalls);
    }
}
