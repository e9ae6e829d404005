using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace Meridian.Server.Sessions;

/// <summary>
/// One end of an in-process connection: messages go to the other end through a queue, with no
/// socket and no copy beyond the message itself. Used for clients in the same process as the
/// server and by tests that drive a session directly.
/// </summary>
public sealed class InMemoryTransport : IFrameTransport
{
    private readonly Channel<(FrameKind Kind, byte[] Bytes)> _incoming;
    private readonly Channel<(FrameKind Kind, byte[] Bytes)> _outgoing;
    private InMemoryTransport? _peer;
    private int _closed;

    private InMemoryTransport(Channel<(FrameKind, byte[])> incoming, Channel<(FrameKind, byte[])> outgoing)
    {
        _incoming = incoming;
        _outgoing = outgoing;
    }

    /// <summary>Two connected ends.</summary>
    public static (InMemoryTransport Server, InMemoryTransport Client) CreatePair()
    {
        var toServer = Channel.CreateUnbounded<(FrameKind, byte[])>(new UnboundedChannelOptions { SingleReader = true });
        var toClient = Channel.CreateUnbounded<(FrameKind, byte[])>(new UnboundedChannelOptions { SingleReader = true });
        var server = new InMemoryTransport(toServer, toClient);
        var client = new InMemoryTransport(toClient, toServer);
        server._peer = client;
        client._peer = server;
        return (server, client);
    }

    /// <summary>How the other end closed this connection, once it did.</summary>
    public WebSocketCloseStatus? CloseStatus { get; private set; }

    /// <summary>The reason the other end gave when it closed.</summary>
    public string? CloseReason { get; private set; }

    /// <inheritdoc />
    public async ValueTask<FrameKind> ReceiveAsync(IBufferWriter<byte> buffer, int maxBytes, CancellationToken cancellation)
    {
        try
        {
            if (!await _incoming.Reader.WaitToReadAsync(cancellation).ConfigureAwait(false) || !_incoming.Reader.TryRead(out var message))
                return FrameKind.Closed;
            if (message.Bytes.Length > maxBytes)
                return FrameKind.TooLarge;
            buffer.Write(message.Bytes);
            return message.Kind;
        }
        catch (OperationCanceledException)
        {
            return FrameKind.Closed;
        }
    }

    /// <summary>Sends a text message (which the protocol refuses: for tests of that refusal).</summary>
    public ValueTask SendTextAsync(string text) => Send(FrameKind.Text, System.Text.Encoding.UTF8.GetBytes(text));

    /// <inheritdoc />
    public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellation) => Send(FrameKind.Binary, message.ToArray());

    private ValueTask Send(FrameKind kind, byte[] bytes)
    {
        if (Volatile.Read(ref _closed) != 0 || !_outgoing.Writer.TryWrite((kind, bytes)))
            throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "The in-process connection is closed.");
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public Task CloseAsync(WebSocketCloseStatus status, string reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _peer!.CloseStatus ??= status;
            _peer.CloseReason ??= CloseReasons.Truncate(reason);
            _outgoing.Writer.TryComplete();
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Abort()
    {
        Interlocked.Exchange(ref _closed, 1);
        _outgoing.Writer.TryComplete();
        _incoming.Writer.TryComplete();
    }
}
