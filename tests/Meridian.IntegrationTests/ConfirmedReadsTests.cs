using Meridian.Protocol.Messages;
using Meridian.Runtime.Hosting;
using Meridian.Sats.Bsatn;
using Meridian.Server;

namespace Meridian.IntegrationTests;

/// <summary>
/// <c>?confirmed=</c> over the WebSocket with <c>--async-fsync</c>: a client that opted out of confirmed reads is
/// answered before its transaction is on disk; a confirmed-reads client waiting makes the fsync happen at once.
/// The periodic fsync is set to an hour, so nothing becomes durable unless a waiter asks for it.
/// </summary>
public sealed class ConfirmedReadsTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private string _owner = null!;
    private string _ownerToken = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(options: dir => new MeridianServerOptions
        {
            ListenAddress = "127.0.0.1:0",
            DataDirectory = dir,
            Durability = Durability.Async,
            AsyncFsyncInterval = TimeSpan.FromHours(1),
        });
        (_owner, _ownerToken) = await _server.NewIdentityAsync();
        await _server.PublishChatAsync("chat", _ownerToken);
        // Publishing waited for durability, and for 10 ms after such a wait the log fsyncs at once
        // (the next waiter is probably coming): let that window pass.
        await Task.Delay(100);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static byte[] StringArg(string s)
    {
        var w = new BsatnWriter();
        w.WriteString(s);
        return w.ToArray();
    }

    [Fact]
    public async Task Unconfirmed_clients_get_results_before_the_fsync_and_a_confirmed_reader_triggers_it_at_once()
    {
        var database = _server.Server.Registry.Find("chat")!;
        await using var unconfirmed = await WsClient.ConnectAsync(_server.Server.BaseAddress, "chat", query: "&confirmed=false");
        await unconfirmed.SendAsync(new ClientMessage.Subscribe(0, 1, ["SELECT * FROM message"]));
        Assert.IsType<ServerMessage.SubscribeApplied>(await unconfirmed.ReceiveAsync());
        await unconfirmed.SendAsync(new ClientMessage.CallReducer(1, 0, "send_message", StringArg("fast")));
        Assert.IsType<ReducerOutcome.Ok>(Assert.IsType<ServerMessage.ReducerResult>(await unconfirmed.ReceiveAsync()).Outcome);
        var committed = database.LastCommittedOffset!.Value;
        Assert.True(database.DurableOffset is null || database.DurableOffset < committed,
            $"the answer waited for the fsync (durable {database.DurableOffset}, committed {committed})");

        // Confirmed reads (the default): the answer waits for the fsync, which the wait brings forward.
        await using var confirmed = await WsClient.ConnectAsync(_server.Server.BaseAddress, "chat");
        await confirmed.SendAsync(new ClientMessage.CallReducer(2, 0, "send_message", StringArg("durable")));
        Assert.IsType<ReducerOutcome.Ok>(Assert.IsType<ServerMessage.ReducerResult>(await confirmed.ReceiveAsync()).Outcome);
        var mine = database.LastCommittedOffset!.Value;
        Assert.True(database.DurableOffset >= mine, $"answered before durable (durable {database.DurableOffset}, committed {mine})");

        // The unconfirmed subscriber saw the confirmed client's message too.
        var update = Assert.IsType<ServerMessage.TransactionUpdate>(await unconfirmed.ReceiveAsync());
        Assert.Equal("message", update.QuerySets.Single().Tables.Single().TableName);
    }

    [Fact]
    public async Task Http_sql_answers_before_the_fsync_with_confirmed_false_and_after_it_by_default()
    {
        var database = _server.Server.Registry.Find("chat")!;
        var fast = await _server.SendAsync(HttpMethod.Post, "/v1/database/chat/sql?confirmed=false", _ownerToken,
            new StringContent($"INSERT INTO message (sender, sent, text) VALUES (0x{_owner}, 0, 'unconfirmed')"));
        Assert.Equal(System.Net.HttpStatusCode.OK, fast.StatusCode);
        var committed = database.LastCommittedOffset!.Value;
        Assert.True(database.DurableOffset is null || database.DurableOffset < committed,
            $"the answer waited for the fsync (durable {database.DurableOffset}, committed {committed})");

        var confirmed = await _server.SendAsync(HttpMethod.Post, "/v1/database/chat/sql", _ownerToken,
            new StringContent($"INSERT INTO message (sender, sent, text) VALUES (0x{_owner}, 0, 'confirmed')"));
        Assert.Equal(System.Net.HttpStatusCode.OK, confirmed.StatusCode);
        Assert.True(database.DurableOffset >= database.LastCommittedOffset, "answered before durable");

        var bad = await _server.SendAsync(HttpMethod.Post, "/v1/database/chat/sql?confirmed=perhaps", _ownerToken, new StringContent("SELECT * FROM message"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task A_value_other_than_true_or_false_is_refused_before_the_upgrade()
    {
        var ex = await Assert.ThrowsAnyAsync<System.Net.WebSockets.WebSocketException>(
            () => WsClient.ConnectAsync(_server.Server.BaseAddress, "chat", query: "&confirmed=maybe"));
        Assert.Contains("400", ex.Message, StringComparison.Ordinal);
    }
}
