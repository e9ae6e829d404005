using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using Meridian.Protocol.Framing;
using Meridian.Protocol.Messages;
using Meridian.Runtime;
using Meridian.Sats.Bsatn;
using Meridian.Server.Sessions;
using Xunit.Abstractions;

namespace Meridian.IntegrationTests;

/// <summary>Sessions driven through the in-process transport: the same protocol with no socket.</summary>
public sealed class InProcessSessionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        var (_, token) = await _server.NewIdentityAsync();
        await _server.PublishChatAsync("chat", token);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static byte[] Encode(ClientMessage message)
    {
        var w = new BsatnWriter();
        message.Write(w);
        return w.ToArray();
    }

    private static byte[] StringArg(string s)
    {
        var w = new BsatnWriter();
        w.WriteString(s);
        return w.ToArray();
    }

    // Reads one frame (a v2 session sends one message per frame).
    private static async Task<ServerMessage?> ReceiveAsync(InMemoryTransport client)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var kind = await client.ReceiveAsync(buffer, int.MaxValue, timeout.Token);
        if (kind == FrameKind.Closed)
            return null;
        return Assert.Single(ServerFrame.Decode(buffer.WrittenSpan));
    }

    private static async Task<WebSocketCloseStatus?> ReceiveUntilClosedAsync(InMemoryTransport client)
    {
        while (await ReceiveAsync(client) is not null)
        {
        }
        return client.CloseStatus;
    }

    [Fact]
    public async Task An_in_process_client_speaks_the_protocol_and_sees_socket_clients()
    {
        var client = await _server.Server.ConnectInProcessAsync("chat", batched: false);
        Assert.IsType<ServerMessage.InitialConnection>(await ReceiveAsync(client));
        await client.SendAsync(Encode(new ClientMessage.Subscribe(1, 7, ["SELECT * FROM message"])), default);
        Assert.IsType<ServerMessage.SubscribeApplied>(await ReceiveAsync(client));

        await using var remote = await WsClient.ConnectAsync(_server.Server.BaseAddress, "chat");
        await remote.SendAsync(new ClientMessage.CallReducer(3, 0, "send_message", StringArg("from a socket")));
        Assert.IsType<ServerMessage.ReducerResult>(await remote.ReceiveAsync());
        var update = Assert.IsType<ServerMessage.TransactionUpdate>(await ReceiveAsync(client));
        Assert.Equal(7u, Assert.Single(update.QuerySets).QuerySetId);

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye");
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await ReceiveUntilClosedAsync(client));
    }

    [Fact]
    public async Task Pipelined_calls_are_answered_in_request_order_whatever_their_outcome()
    {
        // Calls are handed to the writer without waiting for earlier answers; answers that never reach the
        // log (unknown reducer, bad arguments) and a query's answer must still not overtake them.
        var client = await _server.Server.ConnectInProcessAsync("chat", batched: false);
        Assert.IsType<ServerMessage.InitialConnection>(await ReceiveAsync(client));
        var expected = new List<(uint Id, string Kind)>();
        for (uint i = 0; i < 40; i++)
        {
            var id = i + 1;
            switch (i % 5)
            {
                case 1:
                    await client.SendAsync(Encode(new ClientMessage.CallReducer(id, 0, "no_such_reducer", [])), default);
                    expected.Add((id, "error"));
                    break;
                case 2:
                    await client.SendAsync(Encode(new ClientMessage.CallReducer(id, 0, "send_message", [1, 2])), default);
                    expected.Add((id, "error"));
                    break;
                case 4 when i % 10 == 4:
                    await client.SendAsync(Encode(new ClientMessage.OneOffQuery(id, "SELECT * FROM message")), default);
                    expected.Add((id, "query"));
                    break;
                default:
                    await client.SendAsync(Encode(new ClientMessage.CallReducer(id, 0, "send_message", StringArg($"m{id}"))), default);
                    expected.Add((id, "ok"));
                    break;
            }
        }
        foreach (var (id, kind) in expected)
        {
            var message = await ReceiveAsync(client);
            switch (kind)
            {
                case "query":
                    Assert.Equal(id, Assert.IsType<ServerMessage.OneOffQueryResult>(message).RequestId);
                    break;
                case "ok":
                    var ok = Assert.IsType<ServerMessage.ReducerResult>(message);
                    Assert.Equal(id, ok.RequestId);
                    Assert.True(ok.Outcome is ReducerOutcome.Ok or ReducerOutcome.OkEmpty, $"call {id}: {ok.Outcome}");
                    break;
                default:
                    var failed = Assert.IsType<ServerMessage.ReducerResult>(message);
                    Assert.Equal(id, failed.RequestId);
                    Assert.IsType<ReducerOutcome.InternalError>(failed.Outcome);
                    break;
            }
        }
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye");
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await ReceiveUntilClosedAsync(client));
    }

    [Fact]
    public async Task Every_subscriber_gets_a_fan_out_of_pipelined_commits_in_commit_order_with_and_without_confirmed_reads()
    {
        // Sessions have no send loop: a flush is queued when a message reaches an idle session, and with confirmed reads
        // it waits at the database's durable gate. Commits landing while flushes run, wait or send must still reach every
        // subscriber one update each, in commit order.
        const int subscribers = 24, calls = 30;
        var clients = new List<InMemoryTransport>();
        for (var i = 0; i < subscribers; i++)
        {
            var c = await _server.Server.ConnectInProcessAsync("chat", batched: false, confirmedReads: i % 2 == 0);
            Assert.IsType<ServerMessage.InitialConnection>(await ReceiveAsync(c));
            await c.SendAsync(Encode(new ClientMessage.Subscribe(1, 5, ["SELECT * FROM message"])), default);
            Assert.IsType<ServerMessage.SubscribeApplied>(await ReceiveAsync(c));
            clients.Add(c);
        }
        var caller = await _server.Server.ConnectInProcessAsync("chat", batched: true, confirmedReads: false);
        Assert.NotNull(await ReceiveAsync(caller));
        for (uint i = 1; i <= calls; i++)
            await caller.SendAsync(Encode(new ClientMessage.CallReducer(i, 0, "send_message", StringArg($"<fan {i:D2}>"))), default);

        await Task.WhenAll(clients.Select(async (c, index) =>
        {
            for (var i = 1; i <= calls; i++)
            {
                var update = Assert.IsType<ServerMessage.TransactionUpdate>(await ReceiveAsync(c));
                var set = Assert.Single(update.QuerySets);
                Assert.Equal(5u, set.QuerySetId);
                var rows = Assert.IsType<TableUpdateRows.Persistent>(Assert.Single(Assert.Single(set.Tables).Rows));
                var row = Assert.Single(rows.Inserts.ToArray());
                var expected = System.Text.Encoding.UTF8.GetBytes($"<fan {i:D2}>");
                Assert.True(row.Span.IndexOf(expected) >= 0, $"subscriber {index} (confirmed reads {index % 2 == 0}): update {i} is not message {i}");
            }
        }));
        foreach (var c in clients)
            await c.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye");
    }

    [Fact]
    public async Task Text_and_oversized_messages_close_only_their_session()
    {
        var text = await _server.Server.ConnectInProcessAsync("chat", batched: false);
        await ReceiveAsync(text);
        await text.SendTextAsync("hello");
        Assert.Equal(WebSocketCloseStatus.InternalServerError, await ReceiveUntilClosedAsync(text));

        var big = await _server.Server.ConnectInProcessAsync("chat", batched: false);
        await ReceiveAsync(big);
        await big.SendAsync(new byte[(32 << 20) + 1], default); // one byte over the 32 MiB limit
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await ReceiveUntilClosedAsync(big));

        var fine = await _server.Server.ConnectInProcessAsync("chat", batched: false);
        await ReceiveAsync(fine);
        await fine.SendAsync(Encode(new ClientMessage.OneOffQuery(1, "SELECT * FROM user")), default);
        Assert.Null(Assert.IsType<ServerMessage.OneOffQueryResult>(await ReceiveAsync(fine)).Error);
    }

    [Fact]
    public async Task Random_frames_never_break_the_server()
    {
        var seed = Environment.GetEnvironmentVariable("MERIDIAN_TEST_SEED") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : Environment.TickCount;
        output.WriteLine($"seed {seed} (replay with MERIDIAN_TEST_SEED={seed})");
        var random = new Random(seed);
        var valid = Encode(new ClientMessage.CallReducer(9, 0, "send_message", StringArg("valid")));
        int refused = 0, answered = 0;
        for (var round = 0; round < 60; round++)
        {
            var batched = random.Next(2) == 0;
            var session = await _server.Server.ConnectInProcessAsync("chat", batched: batched);
            Assert.NotNull(await ReceiveAsync(session));
            // Garbage, or a valid message with bytes flipped, cut short or extended.
            var frame = random.Next(3) switch
            {
                0 => RandomBytes(random, random.Next(0, 64)),
                1 => Mutate(random, valid),
                _ => valid[..random.Next(0, valid.Length)],
            };
            await session.SendAsync(frame, default);
            // The session answers with well-formed messages, or closes with "invalid message" (1011);
            // nothing else. A quiet session is one whose frame decoded to a message with no reply yet.
            while (true)
            {
                var buffer = new ArrayBufferWriter<byte>();
                using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
                if (await session.ReceiveAsync(buffer, int.MaxValue, wait.Token) == FrameKind.Closed)
                {
                    if (session.CloseStatus is { } status)
                    {
                        Assert.Equal(WebSocketCloseStatus.InternalServerError, status);
                        Assert.StartsWith("invalid message", session.CloseReason, StringComparison.Ordinal);
                        refused++;
                    }
                    break;
                }
                Assert.NotEmpty(ServerFrame.Decode(buffer.WrittenSpan));
                answered++;
            }
            await session.CloseAsync(WebSocketCloseStatus.NormalClosure, "");
        }
        output.WriteLine($"{refused} sessions refused an invalid message, {answered} answers to frames that decoded");
        Assert.True(refused > 0, "no frame was refused: the test sent nothing invalid");
        // Everyone else is still served.
        await using var after = await WsClient.ConnectAsync(_server.Server.BaseAddress, "chat");
        await after.SendAsync(new ClientMessage.CallReducer(1, 0, "send_message", StringArg("still here")));
        var result = Assert.IsType<ServerMessage.ReducerResult>(await after.ReceiveAsync());
        Assert.IsType<ReducerOutcome.Ok>(result.Outcome);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutate(Random random, byte[] message)
    {
        var copy = message.ToArray();
        for (var i = random.Next(1, 4); i > 0; i--)
            copy[random.Next(copy.Length)] = (byte)random.Next(256);
        return random.Next(2) == 0 ? copy : [.. copy, .. RandomBytes(random, random.Next(1, 8))];
    }
}
