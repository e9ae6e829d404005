using System.Buffers;
using System.Net.WebSockets;

namespace Meridian.Server.Sessions;

/// <summary>A client's WebSocket as a <see cref="IFrameTransport"/>.</summary>
internal sealed class WebSocketTransport(WebSocket socket) : IFrameTransport
{
    public async ValueTask<FrameKind> ReceiveAsync(IBufferWriter<byte> buffer, int maxBytes, CancellationToken cancellation)
    {
        var received = 0;
        while (socket.State == WebSocketState.Open)
        {
            ValueWebSocketReceiveResult result;
            try
            {
                result = await socket.ReceiveAsync(buffer.GetMemory(4096), cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                return FrameKind.Closed;
            }
            if (result.MessageType == WebSocketMessageType.Close)
                return FrameKind.Closed;
            buffer.Advance(result.Count);
            received += result.Count;
            if (received > maxBytes)
                return FrameKind.TooLarge;
            if (result.EndOfMessage)
                return result.MessageType == WebSocketMessageType.Text ? FrameKind.Text : FrameKind.Binary;
        }
        return FrameKind.Closed;
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellation) =>
        socket.SendAsync(message, WebSocketMessageType.Binary, true, cancellation);

    public async Task CloseAsync(WebSocketCloseStatus status, string reason)
    {
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseOutputAsync(status, CloseReasons.Truncate(reason), timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or InvalidOperationException or ObjectDisposedException)
        {
            // Already closing, or a send is in flight: the connection ends either way.
        }
    }

    public void Abort() => socket.Abort();
}
