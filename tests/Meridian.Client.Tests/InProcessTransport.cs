using System.Buffers;
using System.Net.WebSockets;
using Meridian.Server;
using Meridian.Server.Sessions;

namespace Meridian.Client.Tests;

/// <summary>
/// The in-process mode: Meridian.Client over a session of a MeridianServer in the same process
/// (MeridianServer.ConnectInProcessAsync), without a socket. An app that hosts the server keeps
/// this adapter itself (docs/client-csharp.md): Meridian.Client may not reference the server.
/// </summary>
internal sealed class InProcessTransport(MeridianServer server, string database, string? token) : IClientTransport
{
    private InMemoryTransport? _session;

    public bool IsV3 => true;

    public string? CloseDescription => _session?.CloseStatus is { } status ? $"{status}: {_session.CloseReason}" : null;

    public async Task ConnectAsync(CancellationToken cancellationToken) =>
        _session = await server.ConnectInProcessAsync(database, token).WaitAsync(cancellationToken);

    public Task SendAsync(byte[] frame, CancellationToken cancellationToken) => _session!.SendAsync(frame, cancellationToken).AsTask();

    public async Task<byte[]?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var kind = await _session!.ReceiveAsync(buffer, int.MaxValue, cancellationToken);
        return kind == FrameKind.Binary ? buffer.WrittenSpan.ToArray() : null;
    }

    public Task CloseAsync() => _session?.CloseAsync(WebSocketCloseStatus.NormalClosure, "client disconnected") ?? Task.CompletedTask;

    public void Dispose() => _session?.Abort();
}
