using System.Net.WebSockets;
using Meridian.Protocol.Framing;
using Meridian.Protocol.Messages;
using Meridian.Sats.Bsatn;

namespace Meridian.IntegrationTests;

/// <summary>A bare v2 protocol client over a real WebSocket, for tests.</summary>
internal sealed class WsClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();

    public ServerMessage.InitialConnection Initial { get; private set; } = null!;

    public WebSocket Socket => _socket;

    private readonly Queue<ServerMessage> _pending = new();

    /// <summary>The compression tag of every frame received so far, in order.</summary>
    public List<byte> Tags { get; } = [];

    /// <summary>Connects and reads InitialConnection; <paramref name="query"/> is appended to the URL (e.g. <c>&amp;confirmed=false</c>).</summary>
    public static async Task<WsClient> ConnectAsync(
        Uri server, string database, string? token = null, bool offerV3 = false, string compression = "Gzip", string query = "")
    {
        var client = new WsClient();
        if (offerV3)
            client._socket.Options.AddSubProtocol("v3.bsatn.spacetimedb");
        client._socket.Options.AddSubProtocol("v2.bsatn.spacetimedb");
        if (token is not null)
            client._socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        var uri = new Uri($"ws://{server.Authority}/v1/database/{database}/subscribe?compression={compression}{query}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client._socket.ConnectAsync(uri, timeout.Token);
        client.Initial = Assert.IsType<ServerMessage.InitialConnection>(await client.ReceiveAsync());
        return client;
    }

    public async Task SendAsync(ClientMessage message)
    {
        var w = new BsatnWriter();
        message.Write(w);
        await SendRawAsync(w.ToArray());
    }

    public Task SendRawAsync(byte[] bytes) => _socket.SendAsync(bytes, WebSocketMessageType.Binary, true, CancellationToken.None);

    public async Task<ServerMessage> ReceiveAsync(TimeSpan? timeout = null)
    {
        if (_pending.Count > 0)
            return _pending.Dequeue();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        var buffer = new byte[1 << 20];
        var total = 0;
        WebSocketReceiveResult result;
        do
        {
            var r = await _socket.ReceiveAsync(buffer.AsMemory(total), cts.Token);
            result = new WebSocketReceiveResult(r.Count, r.MessageType, r.EndOfMessage);
            if (result.MessageType == WebSocketMessageType.Close)
                throw new WebSocketException($"closed: {_socket.CloseStatus} {_socket.CloseStatusDescription}");
            total += result.Count;
        }
        while (!result.EndOfMessage);
        Tags.Add(buffer[0]);
        var messages = ServerFrame.Decode(buffer.AsSpan(0, total));
        if (_socket.SubProtocol != "v3.bsatn.spacetimedb")
            Assert.Single(messages);
        foreach (var m in messages.Skip(1))
            _pending.Enqueue(m);
        return messages[0];
    }

    /// <summary>Receives until the server closes; returns the close status and reason.</summary>
    public async Task<(WebSocketCloseStatus? Status, string? Reason)> ReceiveCloseAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[1 << 16];
        while (true)
        {
            var r = await _socket.ReceiveAsync(buffer.AsMemory(), cts.Token);
            if (r.MessageType == WebSocketMessageType.Close)
                return (_socket.CloseStatus, _socket.CloseStatusDescription);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }
        }
        _socket.Dispose();
    }
}
