using Meridian.Golden.Leaderboard;

namespace Meridian.Client.Tests;

/// <summary>
/// Subscription handles when the connection ends: an explicit <c>Disconnect()</c>, or a loss with nothing to reconnect,
/// ends them (upstream's states: not active, ended); a loss that reconnects does not, and they are sent again.
/// </summary>
public abstract class DisconnectSubscriptionTests(ClientFixture fixture, TransportKind transport) : TransportTests(fixture, transport)
{
    public sealed class OverWebSocket(ClientFixture fixture) : DisconnectSubscriptionTests(fixture, TransportKind.WebSocket);

    public sealed class InProcess(ClientFixture fixture) : DisconnectSubscriptionTests(fixture, TransportKind.InProcess);

    private DbConnection Direct(string db)
    {
        var conn = Via(DbConnection.Builder(), db).Build();
        Ticks.Until(conn, () => conn.IsActive, "the writer's connection");
        return conn;
    }

    [Fact]
    public async Task Disconnect_ends_every_subscription_and_the_rows_stay_in_the_cache()
    {
        var db = await Fixture.PublishAsync(TestModules.Leaderboard(), "leaderboard");
        using var conn = Via(DbConnection.Builder(), db).Build();
        Ticks.Until(conn, () => conn.IsActive, "the connection");
        Ticks.Await(conn, conn.Reducers.Seed(1, 3), "seed");
        var all = conn.SubscriptionBuilder().Subscribe("SELECT * FROM player");
        var leaving = conn.SubscriptionBuilder().Subscribe("SELECT * FROM player WHERE id = 1");
        Ticks.Until(conn, () => all.IsActive && leaving.IsActive, "the subscriptions");
        var left = false;
        leaving.UnsubscribeThen(_ => left = true);

        conn.Disconnect();
        Ticks.Until(conn, () => conn.State == ConnectionState.Disconnected, "the disconnect");

        Assert.False(all.IsActive);
        Assert.True(all.IsEnded);
        Assert.Null(all.Error);
        Assert.True(leaving.IsEnded && left);
        Assert.Equal(3, conn.Db.Player.Count);
        // A subscription made now is never sent: it fails at once, through its OnError.
        Exception? refused = null;
        var late = conn.SubscriptionBuilder().OnError((_, e) => refused = e).Subscribe("SELECT * FROM player");
        Assert.IsType<MeridianClientException>(refused);
        Assert.Contains("closed for good", refused.Message, StringComparison.Ordinal);
        Assert.True(late.IsEnded);
        Assert.Same(refused, late.Error);
    }

    [Fact]
    public void A_subscription_made_after_the_connection_failed_for_good_fails_through_OnError_instead_of_throwing()
    {
        Exception? connectError = null;
        using var conn = Via(DbConnection.Builder(), "no-such-database").OnConnectError(e => connectError = e).Build();
        Ticks.Until(conn, () => conn.State == ConnectionState.Disconnected, "the failed connect");
        Assert.NotNull(connectError);

        Exception? error = null;
        ErrorContext? context = null;
        var handle = conn.SubscriptionBuilder().OnError((ctx, e) => (context, error) = (ctx, e)).Subscribe("SELECT * FROM player");
        Assert.IsType<MeridianClientException>(error);
        Assert.Contains("closed for good", error.Message, StringComparison.Ordinal);
        Assert.NotNull(context);
        Assert.True(handle.IsEnded);
        Assert.False(handle.IsActive);
        Assert.Same(error, handle.Error);
    }

    [Fact]
    public void In_the_background_mode_a_subscription_right_after_Build_of_a_connection_that_fails_gets_OnError()
    {
        using var failed = new ManualResetEventSlim();
        using var conn = Via(DbConnection.Builder(), "no-such-database").WithBackgroundProcessing().Build();
        Exception? error = null;
        // Before or after the connect fails (the background thread decides): either way the handle fails, nothing throws.
        var handle = conn.SubscriptionBuilder().OnError((_, e) =>
        {
            error = e;
            failed.Set();
        }).Subscribe("SELECT * FROM player");
        Assert.True(failed.Wait(TimeSpan.FromSeconds(20)), "OnError did not run");
        Assert.IsType<MeridianClientException>(error);
        Assert.True(handle.IsEnded);
        Assert.Equal(ConnectionState.Disconnected, conn.State);

        // Now certainly over for good: a later one fails at once, on the calling thread.
        Exception? later = null;
        conn.SubscriptionBuilder().OnError((_, e) => later = e).Subscribe("SELECT * FROM player");
        Assert.Contains("closed for good", Assert.IsType<MeridianClientException>(later).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reconnect_keeps_subscriptions_active_and_a_later_disconnect_ends_them_and_fails_one_never_sent()
    {
        var db = await Fixture.PublishAsync(TestModules.Leaderboard(), "leaderboard");
        await using var proxy = StartOutage();
        using var writer = Direct(db);
        Ticks.Await(writer, writer.Reducers.Seed(1, 2), "seed");
        using var conn = proxy.Connect(DbConnection.Builder(), db).WithAutomaticReconnect(ReconnectTests.Fast).Build();
        var applied = 0;
        var handle = conn.SubscriptionBuilder().OnApplied(_ => applied++).Subscribe("SELECT * FROM player");
        Ticks.Until(conn, () => handle.IsActive, "the subscription");

        proxy.Down = true;
        proxy.DropAll();
        Ticks.Until(conn, () => conn.State == ConnectionState.Reconnecting, "Reconnecting");
        Assert.True(handle.IsActive, "a loss that reconnects ended the subscription");
        Assert.False(handle.IsEnded);
        Ticks.Await(writer, writer.Reducers.SetScore(3, "p3", 30), "a row added while away");

        proxy.Down = false;
        Ticks.Until(conn, () => conn.IsActive && conn.Db.Player.Id.Find(3) is not null, "the reconnect");
        Assert.True(handle.IsActive);
        Assert.Equal(1, applied);
        // Sent again on the new session: live changes keep coming.
        Ticks.Await(writer, writer.Reducers.SetScore(4, "p4", 40), "a row added after the reconnect");
        Ticks.Until(conn, () => conn.Db.Player.Id.Find(4) is not null, "the row added after the reconnect");

        // Away again, a new subscription waits for the next session; Disconnect ends both.
        proxy.Down = true;
        proxy.DropAll();
        Ticks.Until(conn, () => conn.State == ConnectionState.Reconnecting, "Reconnecting again");
        Exception? error = null;
        var waiting = conn.SubscriptionBuilder().OnError((_, e) => error = e).Subscribe("SELECT * FROM player WHERE id = 1");
        conn.Disconnect();
        Ticks.Until(conn, () => conn.State == ConnectionState.Disconnected, "the disconnect");

        Assert.True(handle.IsEnded);
        Assert.False(handle.IsActive);
        Assert.Null(handle.Error);
        Assert.True(waiting.IsEnded);
        Assert.False(waiting.IsActive);
        Assert.IsType<MeridianClientException>(waiting.Error);
        Assert.Same(waiting.Error, error);
        Assert.Equal(4, conn.Db.Player.Count);
    }

    [Fact]
    public async Task A_loss_with_nothing_to_reconnect_ends_the_subscriptions()
    {
        var db = await Fixture.PublishAsync(TestModules.Leaderboard(), "leaderboard");
        await using var proxy = StartOutage();
        using var conn = proxy.Connect(DbConnection.Builder(), db).Build();
        var handle = conn.SubscriptionBuilder().Subscribe("SELECT * FROM player");
        Ticks.Until(conn, () => handle.IsActive, "the subscription");

        proxy.Down = true;
        proxy.DropAll();
        Ticks.Until(conn, () => conn.State == ConnectionState.Disconnected, "the loss");

        Assert.True(handle.IsEnded);
        Assert.False(handle.IsActive);
        Assert.Null(handle.Error);
    }
}
