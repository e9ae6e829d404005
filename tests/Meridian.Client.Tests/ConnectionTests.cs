using Meridian.Golden.Chat;
using Meridian.Sats;

namespace Meridian.Client.Tests;

public abstract class ConnectionTests(ClientFixture fixture, TransportKind transport) : TransportTests(fixture, transport)
{
    public sealed class OverWebSocket(ClientFixture fixture) : ConnectionTests(fixture, TransportKind.WebSocket);

    public sealed class InProcess(ClientFixture fixture) : ConnectionTests(fixture, TransportKind.InProcess);

    private DbConnection Connect(string database, string? token = null, Action<DbConnection, Identity, string>? onConnect = null,
        Action<DbConnection, Exception?>? onDisconnect = null, Action<Exception>? onConnectError = null)
    {
        var builder = Via(DbConnection.Builder(), database).WithToken(token);
        if (onConnect is not null)
            builder.OnConnect(onConnect);
        if (onDisconnect is not null)
            builder.OnDisconnect(onDisconnect);
        if (onConnectError is not null)
            builder.OnConnectError(onConnectError);
        return builder.Build();
    }

    [Fact]
    public async Task OnConnect_gives_the_identity_and_a_token_that_reconnects_as_the_same_identity()
    {
        var db = await Fixture.PublishAsync(TestModules.Chat(), "chat");
        (Identity Identity, string Token)? first = null;
        using var a = Connect(db, onConnect: (conn, identity, token) => first = (identity, token));
        Ticks.Until(a, () => first is not null, "OnConnect");
        Assert.Equal(ConnectionState.Connected, a.State);
        Assert.True(a.IsActive);
        Assert.Equal(first!.Value.Identity, a.Identity);

        Identity? second = null;
        using var b = Connect(db, first.Value.Token, onConnect: (_, identity, _) => second = identity);
        Ticks.Until(b, () => second is not null, "the second OnConnect");
        Assert.Equal(first.Value.Identity, second);
    }

    [Fact]
    public void A_missing_database_is_reported_to_OnConnectError()
    {
        Exception? error = null;
        using var conn = Connect("no-such-database", onConnectError: e => error = e);
        Ticks.Until(conn, () => error is not null, "OnConnectError");
        Assert.Equal(ConnectionState.Disconnected, conn.State);
        Assert.False(conn.IsActive);
    }

    [Fact]
    public async Task Disconnect_runs_OnDisconnect_without_an_error_and_later_calls_fail_at_once()
    {
        var db = await Fixture.PublishAsync(TestModules.Chat(), "chat");
        var disconnected = false;
        Exception? reason = new InvalidOperationException("not called");
        using var conn = Connect(db, onDisconnect: (_, e) =>
        {
            disconnected = true;
            reason = e;
        });
        Ticks.Until(conn, () => conn.IsActive, "the connection");
        conn.Disconnect();
        Ticks.Until(conn, () => disconnected, "OnDisconnect");
        Assert.Null(reason);
        Assert.Equal(ConnectionState.Disconnected, conn.State);

        var call = conn.Reducers.SendMessage("too late");
        Assert.True(call.IsCompleted);
        Assert.IsType<Status.InternalError>((await call).Status);
    }

    [Fact]
    public async Task A_reducer_error_is_the_calls_outcome_and_a_commit_reaches_the_cache_and_the_reducer_event()
    {
        var db = await Fixture.PublishAsync(TestModules.Chat(), "chat");
        using var conn = Connect(db);
        var applied = false;
        conn.SubscriptionBuilder().OnApplied(_ => applied = true).SubscribeToAllTables();
        Ticks.Until(conn, () => applied, "the subscription");

        var failed = Ticks.Await(conn, conn.Reducers.SendMessage(""), "the failing call");
        Assert.Equal("Messages must not be empty", Assert.IsType<Status.Failed>(failed.Status).Reason);
        Assert.Equal("send_message", failed.ReducerName);
        Assert.Equal(0, conn.Db.Message.Count);

        string? seen = null;
        var countInCallback = -1;
        conn.Reducers.OnSendMessage += (ctx, text) =>
        {
            seen = text;
            countInCallback = ctx.Db.Message.Count;
        };
        var committed = Ticks.Await(conn, conn.Reducers.SendMessage("hello"), "the call");
        Assert.IsType<Status.Committed>(committed.Status);
        Assert.Equal(conn.Identity, committed.CallerIdentity);
        Assert.Equal("hello", seen);
        Assert.Equal(1, countInCallback);
        var message = Assert.Single(conn.Db.Message.Iter());
        Assert.Equal("hello", message.Text);
        Assert.Equal(conn.Identity, message.Sender);
    }

    [Fact]
    public async Task Another_clients_change_arrives_as_an_update_of_the_row_with_the_same_primary_key()
    {
        var db = await Fixture.PublishAsync(TestModules.Chat(), "chat");
        using var watcher = Connect(db);
        var applied = false;
        watcher.SubscriptionBuilder().OnApplied(_ => applied = true).Subscribe("SELECT * FROM user");
        Ticks.Until(watcher, () => applied, "the subscription");

        var inserts = new List<User>();
        var updates = new List<(User Old, User New)>();
        var deletes = new List<User>();
        watcher.Db.User.OnInsert += (_, row) => inserts.Add(row);
        watcher.Db.User.OnUpdate += (_, old, row) => updates.Add((old, row));
        watcher.Db.User.OnDelete += (_, row) => deletes.Add(row);

        using var other = Connect(db);
        Ticks.Until(other, () => other.IsActive, "the other connection");
        Ticks.Until(watcher, () => inserts.Count == 1, "the other user's row");
        Assert.Equal(other.Identity, inserts[0].Identity);
        Assert.True(inserts[0].Online);

        Ticks.Await(other, other.Reducers.SetName("Ada"), "set_name");
        Ticks.Until(watcher, () => updates.Count == 1, "the update");
        Assert.Null(updates[0].Old.Name);
        Assert.Equal("Ada", updates[0].New.Name);
        Assert.Empty(deletes);
        Assert.Equal("Ada", watcher.Db.User.Identity.Find(other.Identity!.Value)!.Name);

        other.Disconnect();
        Ticks.Until(watcher, () => updates.Count == 2, "the update when the other disconnects");
        Assert.False(updates[1].New.Online);
        Assert.Single(inserts);
        Assert.Empty(deletes);
    }

    [Fact]
    public async Task A_bad_query_is_reported_to_OnError_and_the_handle_ends()
    {
        var db = await Fixture.PublishAsync(TestModules.Chat(), "chat");
        using var conn = Connect(db);
        Exception? error = null;
        var handle = conn.SubscriptionBuilder().OnError((_, e) => error = e).Subscribe("SELECT * FROM no_such_table");
        Ticks.Until(conn, () => error is not null, "OnError");
        Assert.Contains("no_such_table", error!.Message, StringComparison.Ordinal);
        Assert.True(handle.IsEnded);
        Assert.False(handle.IsActive);
    }

    [Fact]
    public async Task The_background_mode_applies_messages_without_FrameTick()
    {
        var db = await Fixture.PublishAsync(TestModules.Chat(), "chat");
        var connected = new TaskCompletionSource<Identity>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var conn = Via(DbConnection.Builder(), db).WithBackgroundProcessing()
            .OnConnect((_, identity, _) => connected.TrySetResult(identity))
            .Build();
        var identity = await connected.Task.WaitAsync(TimeSpan.FromSeconds(20));
        var applied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        conn.SubscriptionBuilder().OnApplied(_ => applied.TrySetResult()).SubscribeToAllTables();
        await applied.Task.WaitAsync(TimeSpan.FromSeconds(20));
        var result = await conn.Reducers.SendMessage("from the background").WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(result.IsCommitted);
        lock (conn.SyncRoot)
        {
            Assert.Equal("from the background", Assert.Single(conn.Db.Message.Iter()).Text);
            Assert.Equal(identity, conn.Db.User.Identity.Find(identity)!.Identity);
        }
    }
}
