using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;

namespace Meridian.Benchmarks.Server;

/// <summary>
/// One load-generator connection: a raw WebSocket speaking v3 framing (several v2 messages per frame both
/// ways), encoding calls and walking results by hand into reused buffers, so that the client costs little
/// next to the server it measures.
/// </summary>
internal sealed class LoadConnection : IAsyncDisposable
{
    private static readonly byte[] TransferName = Encoding.UTF8.GetBytes("transfer");
    private readonly ClientWebSocket _socket;
    private byte[] _receive;
    private readonly byte[] _send = new byte[8 << 10];

    private LoadConnection(ClientWebSocket socket, int receiveBuffer)
    {
        _socket = socket;
        _receive = new byte[receiveBuffer];
    }

    /// <summary>Connects to <paramref name="database"/> and reads the InitialConnection message.</summary>
    public static async Task<LoadConnection> ConnectAsync(
        Uri server, string database, bool confirmedReads, int receiveBuffer = 64 << 10, CancellationToken cancellation = default)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("v3.bsatn.spacetimedb");
        socket.Options.KeepAliveInterval = Timeout.InfiniteTimeSpan;
        var uri = new Uri($"ws://{server.Authority}/v1/database/{database}/subscribe?compression=None&confirmed={(confirmedReads ? "true" : "false")}");
        await socket.ConnectAsync(uri, cancellation).ConfigureAwait(false);
        var connection = new LoadConnection(socket, receiveBuffer);
        var length = await connection.ReceiveFrameAsync(cancellation).ConfigureAwait(false);
        var pos = 1;
        if (length < 2 || WireSkip.Next(connection._receive.AsSpan(0, length), ref pos, out _, out _) != WireSkip.InitialConnection)
            throw new InvalidDataException("the server's first message was not InitialConnection");
        return connection;
    }

    /// <summary>Receives one whole frame into the receive buffer; returns its length (0 when the server closed).</summary>
    public async ValueTask<int> ReceiveFrameAsync(CancellationToken cancellation)
    {
        var length = 0;
        while (true)
        {
            if (length == _receive.Length)
                Array.Resize(ref _receive, _receive.Length * 2);
            var result = await _socket.ReceiveAsync(_receive.AsMemory(length), cancellation).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
                return 0;
            length += result.Count;
            if (result.EndOfMessage)
                return length;
        }
    }

    /// <summary>The frame last received.</summary>
    public ReadOnlySpan<byte> Received(int length) => _receive.AsSpan(0, length);

    /// <summary>Sends a Subscribe message with one query.</summary>
    public ValueTask SubscribeAsync(uint requestId, uint querySetId, string query, CancellationToken cancellation)
    {
        var q = Encoding.UTF8.GetBytes(query);
        var frame = new byte[1 + 4 + 4 + 4 + 4 + q.Length];
        frame[0] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(1), requestId);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(5), querySetId);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(9), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(13), (uint)q.Length);
        q.CopyTo(frame, 17);
        return _socket.SendAsync(frame.AsMemory(), WebSocketMessageType.Binary, true, cancellation);
    }

    /// <summary>Size of one encoded transfer call.</summary>
    public const int TransferCallBytes = 1 + 4 + 1 + 4 + 8 + 4 + 16;

    /// <summary>Writes a CallReducer("transfer", from, to, amount) message at <paramref name="at"/> of the send buffer.</summary>
    private void WriteTransfer(int at, uint requestId, uint from, uint to, long amount)
    {
        var s = _send.AsSpan(at, TransferCallBytes);
        s[0] = 3; // CallReducer
        BinaryPrimitives.WriteUInt32LittleEndian(s[1..], requestId);
        s[5] = 0; // flags
        BinaryPrimitives.WriteUInt32LittleEndian(s[6..], (uint)TransferName.Length);
        TransferName.CopyTo(s[10..]);
        BinaryPrimitives.WriteUInt32LittleEndian(s[18..], 16);
        BinaryPrimitives.WriteUInt32LittleEndian(s[22..], from);
        BinaryPrimitives.WriteUInt32LittleEndian(s[26..], to);
        BinaryPrimitives.WriteInt64LittleEndian(s[30..], amount);
    }

    /// <summary>Sends one transfer call in a frame of its own.</summary>
    public ValueTask SendTransferAsync(uint requestId, uint from, uint to, CancellationToken cancellation)
    {
        WriteTransfer(0, requestId, from, to, 1);
        return _socket.SendAsync(_send.AsMemory(0, TransferCallBytes), WebSocketMessageType.Binary, true, cancellation);
    }

    /// <summary>
    /// The closed loop of one worker: keeps up to <paramref name="inflight"/> transfers outstanding, walking
    /// <paramref name="pairs"/> from <paramref name="start"/>; every frame of results is answered by one frame
    /// carrying as many new calls. Calls completed inside [<paramref name="window"/>.Start, .End) are counted
    /// and their latencies recorded; no call is sent after the window ends, and the loop returns once every
    /// call has been answered.
    /// </summary>
    public async Task<WorkerResult> RunTransfersAsync(
        TransferPairs pairs, int start, int inflight, (long Start, long End) window, CancellationToken cancellation)
    {
        var sentAt = new long[128];
        var latencies = new List<int>(1 << 16);
        long completed = 0, failed = 0, answered = 0;
        uint nextId = 0;
        var outstanding = 0;
        var index = start;

        int Fill(int count)
        {
            var at = 0;
            var now = Stopwatch.GetTimestamp();
            for (var i = 0; i < count; i++)
            {
                var id = nextId++;
                if (index >= pairs.Count)
                    index = 0;
                WriteTransfer(at, id, pairs.From[index], pairs.To[index], 1);
                index++;
                sentAt[id & 127] = now;
                at += TransferCallBytes;
            }
            outstanding += count;
            return at;
        }

        var first = Fill(inflight);
        await _socket.SendAsync(_send.AsMemory(0, first), WebSocketMessageType.Binary, true, cancellation).ConfigureAwait(false);
        while (outstanding > 0)
        {
            var length = await ReceiveFrameAsync(cancellation).ConfigureAwait(false);
            if (length == 0)
                throw new InvalidOperationException("the server closed the connection");
            var now = Stopwatch.GetTimestamp();
            var inWindow = now >= window.Start && now < window.End;
            var body = _receive.AsSpan(0, length);
            var pos = 1;
            while (pos < length)
            {
                byte tag;
                uint requestId;
                bool ok;
                try
                {
                    tag = WireSkip.Next(body, ref pos, out requestId, out ok);
                }
                catch (ArgumentOutOfRangeException)
                {
                    throw new InvalidDataException($"cannot walk the server frame ({length} bytes): {Convert.ToHexString(body[..Math.Min(length, 160)])}");
                }
                if (tag != WireSkip.ReducerResult)
                    continue;
                outstanding--;
                answered++;
                if (!inWindow)
                    continue;
                if (ok)
                {
                    completed++;
                    latencies.Add((int)((now - sentAt[requestId & 127]) * 1_000_000 / Stopwatch.Frequency));
                }
                else
                {
                    failed++;
                }
            }
            if (now < window.End && outstanding < inflight)
            {
                var bytes = Fill(inflight - outstanding);
                await _socket.SendAsync(_send.AsMemory(0, bytes), WebSocketMessageType.Binary, true, cancellation).ConfigureAwait(false);
            }
        }
        return new WorkerResult(completed, failed, latencies, answered);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
        _socket.Dispose();
    }
}

/// <summary>What one worker measured inside the window.</summary>
/// <param name="Completed">Successful calls answered inside the window.</param>
/// <param name="Failed">Failed calls answered inside the window.</param>
/// <param name="LatenciesMicros">Latencies of the successful calls inside the window.</param>
/// <param name="Answered">Every call answered, warm-up and drain included.</param>
internal sealed record WorkerResult(long Completed, long Failed, List<int> LatenciesMicros, long Answered);
