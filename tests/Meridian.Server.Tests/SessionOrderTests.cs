using System.Buffers;
using Meridian.Protocol.Framing;
using Meridian.Protocol.Messages;
using Meridian.Sats.Bsatn;
using Meridian.Server.Sessions;

namespace Meridian.Server.Tests;

/// <summary>
/// A session's flush takes the messages ready to send in groups under one lock and encodes them outside it: however many
/// answers and updates queue up at once (more than one group, with confirmed reads some of them waiting for an fsync),
/// a client gets each exactly once, in the order the server produced them, in v2 frames (one message each) and in v3
/// frames (several).
/// </summary>
public sealed class SessionOrderTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("meridian-session-order-").FullName;
    private MeridianServer _server = null!;

    public async Task InitializeAsync()
    {
        // On disk, so confirmed reads go through the durable gate.
        _server = await MeridianServer.StartAsync(new MeridianServerOptions { ListenAddress = null, DataDirectory = _dir });
        var (claims, _) = _server.Tokens.MintAnonymous();
        await _server.Registry.PublishAsync("chat", TestModules.Chat(), claims.Identity, clear: false);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public async Task Many_pipelined_calls_are_answered_once_each_in_order_with_every_update(bool batched, bool confirmedReads)
    {
        const int Calls = 150; // several of the flush's groups of 32, and more than the 64 calls one session pipelines
        var caller = await _server.ConnectInProcessAsync("chat", batched: batched, confirmedReads: confirmedReads);
        var watcher = await _server.ConnectInProcessAsync("chat", batched: batched, confirmedReads: confirmedReads);
        var callerInbox = new Inbox(caller);
        var watcherInbox = new Inbox(watcher);
        Assert.IsType<ServerMessage.InitialConnection>(await callerInbox.NextAsync());
        Assert.IsType<ServerMessage.InitialConnection>(await watcherInbox.NextAsync());
        await watcher.SendAsync(Encode(batched, new ClientMessage.Subscribe(1, 7, ["SELECT * FROM message"])), default);
        Assert.IsType<ServerMessage.SubscribeApplied>(await watcherInbox.NextAsync());

        // Every call sent before any answer is read: the answers pile up in the caller's outbox.
        if (batched)
        {
            // v3: all the calls in a few frames, so they reach the session together.
            foreach (var chunk in Enumerable.Range(0, Calls).Chunk(50))
                await caller.SendAsync(Encode(true, chunk.Select(i => Call(i)).ToArray()), default);
        }
        else
        {
            for (var i = 0; i < Calls; i++)
                await caller.SendAsync(Encode(false, Call(i)), default);
        }

        for (var i = 0; i < Calls; i++)
        {
            var answer = Assert.IsType<ServerMessage.ReducerResult>(await callerInbox.NextAsync());
            Assert.Equal((uint)(100 + i), answer.RequestId);
            Assert.IsType<ReducerOutcome.Ok>(answer.Outcome);
        }
        for (var i = 0; i < Calls; i++)
            Assert.IsType<ServerMessage.TransactionUpdate>(await watcherInbox.NextAsync());
        // Nothing more than one answer per call and one update per commit.
        Assert.False(callerInbox.HasMore);
        Assert.False(watcherInbox.HasMore);
        caller.Abort();
        watcher.Abort();
    }

    private static ClientMessage.CallReducer Call(int i)
    {
        var w = new BsatnWriter();
        w.WriteString("message " + i);
        return new ClientMessage.CallReducer((uint)(100 + i), 0, "send_message", w.ToArray());
    }

    private static byte[] Encode(bool batched, params ClientMessage[] messages)
    {
        Assert.True(batched || messages.Length == 1);
        var w = new BsatnWriter();
        foreach (var message in messages)
            message.Write(w);
        return w.ToArray();
    }

    // A client's received messages, read a frame at a time (a v3 frame may hold several).
    private sealed class Inbox(InMemoryTransport client)
    {
        private readonly Queue<ServerMessage> _pending = new();

        public bool HasMore => _pending.Count > 0;

        public async Task<ServerMessage> NextAsync()
        {
            while (_pending.Count == 0)
            {
                var buffer = new ArrayBufferWriter<byte>();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                var kind = await client.ReceiveAsync(buffer, int.MaxValue, timeout.Token);
                Assert.False(timeout.IsCancellationRequested, "no frame within 20 s");
                Assert.NotEqual(FrameKind.Closed, kind);
                foreach (var message in ServerFrame.Decode(buffer.WrittenSpan))
                    _pending.Enqueue(message);
            }
            return _pending.Dequeue();
        }
    }
}
