using System.Buffers;
using System.Net.WebSockets;
using Meridian.Server;
using Meridian.Client;
using Meridian.Server.Sessions;

namespace Meridian.Embedded;

/// <summary>
/// The in-process mode: Meridian.Client over a session of a MeridianServer in the same process
/// (MeridianServer.ConnectInProcessAsync), without a socket. It lives in its own project because
/// Meridian.Client may not reference the server (it also builds for netstandard2.1).
/// </summary>
public sealed class InProcessTransport(MeridianServer server, string database, string? token) : IClientTransport
{
    private InMemoryTransport? _session;

    /// <inheritdoc />
    public bool IsV3 => true;

    /// <inheritdoc />
    public string? CloseDescription => _session?.CloseStatus is { } status ? $"{status}: {_session.CloseReason}" : null;

    /// <inheritdoc />
    public async Task ConnectAsync(CancellationToken cancellationToken) =>
        _session = await server.ConnectInProcessAsync(database, token).WaitAsync(cancellationToken);

    /// <inheritdoc />
    public Task SendAsync(byte[] frame, CancellationToken cancellationToken) => _session!.SendAsync(frame, cancellationToken).AsTask();

    /// <inheritdoc />
    public async Task<byte[]?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var kind = await _session!.ReceiveAsync(buffer, int.MaxValue, cancellationToken);
        return kind == FrameKind.Binary ? buffer.WrittenSpan.ToArray() : null;
    }

    /// <inheritdoc />
    public Task CloseAsync() => _session?.CloseAsync(WebSocketCloseStatus.NormalClosure, "client disconnected") ?? Task.CompletedTask;

    /// <inheritdoc />
    public void Dispose() => _session?.Abort();
}
