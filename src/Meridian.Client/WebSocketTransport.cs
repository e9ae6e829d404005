using System.Net.WebSockets;
using Meridian.Protocol.Framing;

namespace Meridian.Client;

/// <summary>
/// Carries the protocol's frames between the client and a server: a WebSocket by default, or what
/// <c>DbConnectionBuilder.WithTransport</c> gives, such as a session of a
/// <c>MeridianServer</c> in the same process (docs/client-csharp.md).
/// </summary>
public interface IClientTransport : IDisposable
{
    /// <summary>Whether frames may hold several messages (the v3 framing); the client reads either.</summary>
    bool IsV3 { get; }

    /// <summary>The server's close status and reason, once closed.</summary>
    string? CloseDescription { get; }

    /// <summary>Opens the connection; throws when it cannot.</summary>
    Task ConnectAsync(CancellationToken cancellationToken);

    /// <summary>Sends one frame (one BSATN client message); called from one loop at a time.</summary>
    Task SendAsync(byte[] frame, CancellationToken cancellationToken);

    /// <summary>The next server frame (compression tag first), or null when the server closed the connection.</summary>
    Task<byte[]?> ReceiveAsync(CancellationToken cancellationToken);

    /// <summary>Says goodbye; never throws.</summary>
    Task CloseAsync();
}

/// <summary>
/// <c>GET /v1/database/NAME/subscribe</c> upgraded to a WebSocket, offering the v3 sub-protocol
/// first and v2 second (protocol.md), with the token as a bearer header.
/// </summary>
internal sealed class WebSocketTransport : IClientTransport
{
    internal const string V2 = "v2.bsatn.spacetimedb";
    internal const string V3 = "v3.bsatn.spacetimedb";

    private readonly ClientWebSocket _socket = new();
    private readonly Uri _uri;

    public WebSocketTransport(Uri server, string database, string? token, Compression compression, bool offerV3)
    {
        var scheme = server.Scheme switch
        {
            "https" or "wss" => "wss",
            "http" or "ws" => "ws",
            _ => throw new ArgumentException($"The server URI '{server}' must use http, https, ws or wss.", nameof(server)),
        };
        var path = server.AbsolutePath.TrimEnd('/');
        _uri = new Uri($"{scheme}://{server.Authority}{path}/v1/database/{Uri.EscapeDataString(database)}/subscribe?compression={compression}");
        if (offerV3)
            _socket.Options.AddSubProtocol(V3);
        _socket.Options.AddSubProtocol(V2);
        if (!string.IsNullOrEmpty(token))
            _socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
    }

    public bool IsV3 => _socket.SubProtocol == V3;

    public string? CloseDescription => _socket.CloseStatus is { } status ? $"{status}: {_socket.CloseStatusDescription}" : null;

    public Task ConnectAsync(CancellationToken cancellationToken) => _socket.ConnectAsync(_uri, cancellationToken);

    public Task SendAsync(byte[] frame, CancellationToken cancellationToken) =>
        _socket.SendAsync(new ArraySegment<byte>(frame), WebSocketMessageType.Binary, true, cancellationToken);

    public async Task<byte[]?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
                Array.Resize(ref buffer, buffer.Length * 2);
            var result = await _socket.ReceiveAsync(new ArraySegment<byte>(buffer, total, buffer.Length - total), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
                return null;
            total += result.Count;
            if (result.EndOfMessage)
                break;
        }
        Array.Resize(ref buffer, total);
        return buffer;
    }

    public async Task CloseAsync()
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "client disconnected", timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Closing is best effort: the socket is disposed next anyway.
            }
        }
    }

    public void Dispose() => _socket.Dispose();
}
