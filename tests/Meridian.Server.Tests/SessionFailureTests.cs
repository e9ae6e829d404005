using System.Buffers;
using System.Net.WebSockets;
using Meridian.Protocol.Framing;
using Meridian.Protocol.Messages;
using Meridian.Sats.Bsatn;
using Meridian.Server.Sessions;
using Meridian.Server.WebSockets;
using Microsoft.Extensions.Logging;

namespace Meridian.Server.Tests;

/// <summary>
/// A session whose send path fails with an error of the server's own (not a broken transport) ends alone: its client is
/// closed with a clear reason, the failure is logged, and the other clients keep receiving updates. Before, such an
/// error escaped the flush's thread-pool work item and ended the whole process (this test process with it).
/// </summary>
public sealed class SessionFailureTests : IAsyncLifetime, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("meridian-session-failure-").FullName;
    private readonly CapturingLoggerProvider _logged = new();
    private ILoggerFactory _loggerFactory = null!;
    private MeridianServer _server = null!;

    public async Task InitializeAsync()
    {
        _loggerFactory = LoggerFactory.Create(b => b.AddProvider(_logged));
        // A data directory with group commit, so confirmed-reads sessions also go through the durable gate.
        _server = await MeridianServer.StartAsync(new MeridianServerOptions { ListenAddress = null, DataDirectory = _dir, LoggerFactory = _loggerFactory });
        var (claims, _) = _server.Tokens.MintAnonymous();
        await _server.Registry.PublishAsync("chat", TestModules.Chat(), claims.Identity, clear: false);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _loggerFactory.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    public void Dispose() => _logged.Dispose();

    /// <summary>How the injected send failure surfaces.</summary>
    public enum Failure
    {
        /// <summary>SendAsync throws at once (a bug before the first await).</summary>
        Throws,

        /// <summary>SendAsync returns a task that fails later (the pending-send path).</summary>
        FailsLater,
    }

    [Theory]
    [InlineData(Failure.Throws, true)]
    [InlineData(Failure.Throws, false)]
    [InlineData(Failure.FailsLater, true)]
    public async Task A_session_whose_send_fails_unexpectedly_is_closed_alone_and_the_server_keeps_serving(Failure failure, bool confirmedReads)
    {
        FaultyTransport? faulty = null;
        var victim = await _server.ConnectInProcessCoreAsync("chat", null, batched: false, confirmedReads,
            t => faulty = new FaultyTransport(t, failure));
        var first = await _server.ConnectInProcessAsync("chat", batched: false, confirmedReads: confirmedReads);
        var second = await _server.ConnectInProcessAsync("chat", batched: false, confirmedReads: confirmedReads);
        foreach (var client in new[] { victim, first, second })
        {
            Assert.IsType<ServerMessage.InitialConnection>(await ReceiveAsync(client));
            await client.SendAsync(Encode(new ClientMessage.Subscribe(1, 7, ["SELECT * FROM message"])), default);
            Assert.IsType<ServerMessage.SubscribeApplied>(await ReceiveAsync(client));
        }

        faulty!.Armed = true;
        await first.SendAsync(Encode(new ClientMessage.CallReducer(2, 0, "send_message", StringArg("one"))), default);
        var own = Assert.IsType<ServerMessage.ReducerResult>(await ReceiveAsync(first));
        Assert.IsType<ReducerOutcome.Ok>(own.Outcome);
        Assert.IsType<ServerMessage.TransactionUpdate>(await ReceiveAsync(second));

        // The victim's session ends with the internal-error close; nothing else arrives for it.
        Assert.Null(await ReceiveAsync(victim));
        Assert.Equal(WebSocketCloseStatus.InternalServerError, victim.CloseStatus);
        Assert.Equal(ClientSession.InternalErrorReason, victim.CloseReason);

        // Everyone else is still served, in both directions.
        await second.SendAsync(Encode(new ClientMessage.CallReducer(3, 0, "send_message", StringArg("two"))), default);
        Assert.IsType<ServerMessage.ReducerResult>(await ReceiveAsync(second));
        Assert.IsType<ServerMessage.TransactionUpdate>(await ReceiveAsync(first));

        var entry = Assert.Single(_logged.Entries, e => e.Level == LogLevel.Error);
        Assert.Equal(SubscribeEndpoint.SessionLogCategory, entry.Category);
        Assert.Contains("failed with an internal error; only this client was disconnected", entry.Message, StringComparison.Ordinal);
        Assert.Contains("chat", entry.Message, StringComparison.Ordinal);
        Assert.Equal("injected failure of the send path", Assert.IsType<NotSupportedException>(entry.Exception).Message);

        // The failed session is gone from the database too (ClientDisconnected ran): a new client connects and is served.
        var third = await _server.ConnectInProcessAsync("chat", batched: false, confirmedReads: confirmedReads);
        Assert.IsType<ServerMessage.InitialConnection>(await ReceiveAsync(third));
        foreach (var client in new[] { first, second, third })
            client.Abort();
    }

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

    // One frame (v2: one message per frame), or null once the server closed the connection.
    private static async Task<ServerMessage?> ReceiveAsync(InMemoryTransport client)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var kind = await client.ReceiveAsync(buffer, int.MaxValue, timeout.Token);
        Assert.False(timeout.IsCancellationRequested, "no frame within 20 s");
        return kind == FrameKind.Closed ? null : Assert.Single(ServerFrame.Decode(buffer.WrittenSpan));
    }

    // The server's end of a connection whose sends fail, once armed, with an error that is not a transport failure.
    private sealed class FaultyTransport(IFrameTransport inner, Failure failure) : IFrameTransport
    {
        public volatile bool Armed;

        public ValueTask<FrameKind> ReceiveAsync(IBufferWriter<byte> buffer, int maxBytes, CancellationToken cancellation) =>
            inner.ReceiveAsync(buffer, maxBytes, cancellation);

        public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellation)
        {
            if (!Armed)
                return inner.SendAsync(message, cancellation);
            var error = new NotSupportedException("injected failure of the send path");
            return failure == Failure.Throws ? throw error : FailLaterAsync(error);
        }

        private static async ValueTask FailLaterAsync(Exception error)
        {
            await Task.Delay(10);
            throw error;
        }

        public Task CloseAsync(WebSocketCloseStatus status, string reason) => inner.CloseAsync(status, reason);

        public void Abort() => inner.Abort();
    }
}
