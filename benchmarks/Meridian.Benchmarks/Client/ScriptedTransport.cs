using System.Threading.Channels;
using Meridian.Client;
using Meridian.Protocol.Framing;
using Meridian.Protocol.Messages;
using Meridian.Sats;
using Meridian.Sats.Rows;

namespace Meridian.Benchmarks.Client;

/// <summary>
/// A server in a box for the client suite: answers the connect and each subscribe with prepared frames and
/// delivers transaction frames the benchmark pushes, with no server and no socket, so what is timed is the
/// client's own work (decoding frames, applying rows, indexes, callbacks).
/// </summary>
internal sealed class ScriptedTransport(Func<uint, byte[]> subscribeApplied) : IClientTransport
{
    private readonly Channel<byte[]> _toClient = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });

    public bool IsV3 => true;

    public string? CloseDescription => null;

    /// <summary>Delivers a frame to the client.</summary>
    public void Push(byte[] frame) => _toClient.Writer.TryWrite(frame);

    public Task ConnectAsync(CancellationToken cancellationToken)
    {
        Push(Frame(new ServerMessage.InitialConnection(Identity.FromClaims("bench", "client"), ConnectionId.Random(), "token")));
        return Task.CompletedTask;
    }

    public Task SendAsync(byte[] frame, CancellationToken cancellationToken)
    {
        if (ClientMessage.DecodeV2(frame) is ClientMessage.Subscribe subscribe)
            Push(subscribeApplied(subscribe.QuerySetId));
        return Task.CompletedTask;
    }

    public async Task<byte[]?> ReceiveAsync(CancellationToken cancellationToken) =>
        await _toClient.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false) && _toClient.Reader.TryRead(out var frame) ? frame : null;

    public Task CloseAsync()
    {
        _toClient.Writer.TryComplete();
        return Task.CompletedTask;
    }

    public void Dispose() => _toClient.Writer.TryComplete();

    public static byte[] Frame(params ServerMessage[] messages) => ServerFrame.Encode(messages, Compression.None);

    public static RowList Rows(IEnumerable<byte[]> rows)
    {
        var builder = new RowList.Builder();
        foreach (var row in rows)
            builder.Add(row);
        return builder.Build();
    }
}
