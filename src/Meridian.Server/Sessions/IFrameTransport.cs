using System.Buffers;
using System.Net.WebSockets;

namespace Meridian.Server.Sessions;

/// <summary>What a received message was.</summary>
public enum FrameKind
{
    /// <summary>A binary message (the protocol's only kind).</summary>
    Binary = 0,

    /// <summary>A text message.</summary>
    Text = 1,

    /// <summary>The peer closed, or the transport ended: nothing more will arrive.</summary>
    Closed = 2,

    /// <summary>The message was larger than allowed (what arrived of it is discarded).</summary>
    TooLarge = 3,
}

/// <summary>
/// Whole messages to and from one client: a WebSocket for remote clients, a pair of in-memory
/// queues for clients in the same process and for tests that drive a session without a socket.
/// A session reads from one loop and writes from another; implementations support exactly that.
/// </summary>
public interface IFrameTransport
{
    /// <summary>Receives one whole message into <paramref name="buffer"/> (appending); stops at <paramref name="maxBytes"/>.</summary>
    ValueTask<FrameKind> ReceiveAsync(IBufferWriter<byte> buffer, int maxBytes, CancellationToken cancellation);

    /// <summary>Sends one binary message.</summary>
    /// <exception cref="WebSocketException">The transport is closed or broken.</exception>
    ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellation);

    /// <summary>Says goodbye with a close status and reason (at most 123 bytes of UTF-8); never throws.</summary>
    Task CloseAsync(WebSocketCloseStatus status, string reason);

    /// <summary>Drops the transport at once (a client that stopped reading).</summary>
    void Abort();
}
