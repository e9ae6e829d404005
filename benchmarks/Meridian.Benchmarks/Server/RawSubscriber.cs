using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Meridian.Benchmarks.Server;

/// <summary>
/// A fan-out subscriber as cheap as a client can be: a plain socket with a hand-written WebSocket handshake
/// and frame reader (RFC 6455; server frames are unmasked, client frames masked), so that 1,000 of them on
/// the same two cores as the server cost far less than <c>ClientWebSocket</c>s would. Nothing is allocated per frame;
/// on Linux an <see cref="EpollReceiver"/> reads every subscriber from one thread.
/// </summary>
internal sealed class RawSubscriber : IDisposable
{
    private readonly Socket _socket;
    private byte[] _buffer = new byte[16 << 10]; // received bytes; [_start, _end) not consumed yet
    private int _start, _end;
    private byte[] _message = new byte[4 << 10]; // a fragmented message's payload, assembled
    private int _messageLength;

    private RawSubscriber(Socket socket) => _socket = socket;

    /// <summary>The subscriber's socket.</summary>
    public Socket Socket => _socket;

    /// <summary>
    /// Connects, upgrades to v3 BSATN and reads the InitialConnection message, all with blocking calls: a socket never
    /// used asynchronously is not watched by the runtime's own epoll thread, so <see cref="EpollReceiver"/> can take it.
    /// </summary>
    public static RawSubscriber Connect(Uri server, string database, bool confirmedReads)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(server.Host, server.Port);
        var s = new RawSubscriber(socket);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = $"GET /v1/database/{database}/subscribe?compression=None&confirmed={(confirmedReads ? "true" : "false")} HTTP/1.1\r\n"
            + $"Host: {server.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: v3.bsatn.spacetimedb\r\n\r\n";
        socket.Send(Encoding.ASCII.GetBytes(request));
        while (true)
        {
            var end = s._buffer.AsSpan(0, s._end).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                var head = Encoding.ASCII.GetString(s._buffer, 0, end);
                if (!head.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
                    throw new InvalidDataException("the WebSocket upgrade was refused: " + head.Split('\r')[0]);
                s._start = end + 4;
                break;
            }
            if (!s.Fill())
                throw new InvalidDataException("the server closed the connection during the upgrade");
        }
        var first = s.ReceiveMessage();
        var pos = 1;
        if (first.Length < 2 || WireSkip.Next(first, ref pos, out _, out _) != WireSkip.InitialConnection)
            throw new InvalidDataException("the server's first message was not InitialConnection");
        return s;
    }

    // A blocking read of what the socket has.
    private bool Fill()
    {
        Compact();
        var n = _socket.Receive(_buffer.AsSpan(_end));
        _end += n;
        return n > 0;
    }

    /// <summary>Receives one whole message with blocking reads; empty when the server closed.</summary>
    public ReadOnlySpan<byte> ReceiveMessage()
    {
        while (true)
        {
            switch (TryReadMessage())
            {
                case 1:
                    return Message;
                case -1:
                    return [];
            }
            if (!Fill())
                return [];
        }
    }

    /// <summary>
    /// One non-blocking read of what has arrived (the socket must be non-blocking); false when nothing had, or the
    /// server closed. Then <see cref="TryNextMessage"/> yields the whole messages received.
    /// </summary>
    public bool ReceiveAvailable()
    {
        Compact();
        var n = _socket.Receive(_buffer.AsSpan(_end), SocketFlags.None, out var error);
        if (error != SocketError.Success || n <= 0)
            return false;
        _end += n;
        return true;
    }

    /// <summary>Whether one more whole message is in the buffer (it is then <see cref="Message"/>).</summary>
    public bool TryNextMessage() => TryReadMessage() == 1;

    /// <summary>Sends a Subscribe message with one query (one v3 frame).</summary>
    public void Subscribe(uint requestId, uint querySetId, string query)
    {
        var q = Encoding.UTF8.GetBytes(query);
        var body = new byte[1 + 4 + 4 + 4 + 4 + q.Length];
        body[0] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(1), requestId);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(5), querySetId);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(9), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(13), (uint)q.Length);
        q.CopyTo(body, 17);
        SendFrame(0x2, body);
    }

    // A client frame: FIN + opcode, masked payload (the mask is random per frame, as the RFC asks).
    private void SendFrame(byte opcode, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[2 + (payload.Length >= 126 ? 2 : 0) + 4 + payload.Length];
        frame[0] = (byte)(0x80 | opcode);
        var at = 2;
        if (payload.Length >= 126)
        {
            frame[1] = 0x80 | 126;
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
            at = 4;
        }
        else
        {
            frame[1] = (byte)(0x80 | payload.Length);
        }
        RandomNumberGenerator.Fill(frame.AsSpan(at, 4));
        for (var i = 0; i < payload.Length; i++)
            frame[at + 4 + i] = (byte)(payload[i] ^ frame[at + (i & 3)]);
        _socket.Send(frame);
    }

    private async ValueTask<bool> FillAsync(CancellationToken cancellation)
    {
        Compact();
        var n = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellation).ConfigureAwait(false);
        _end += n;
        return n > 0;
    }

    private void Compact()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
            Array.Resize(ref _buffer, _buffer.Length * 2);
    }

    /// <summary>Receives one whole message (the payload of its data frames); empty when the server closed.</summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReceiveMessageAsync(CancellationToken cancellation)
    {
        while (true)
        {
            switch (TryReadMessage())
            {
                case 1:
                    return _message.AsMemory(0, _messageLength);
                case -1:
                    return ReadOnlyMemory<byte>.Empty;
            }
            if (!await FillAsync(cancellation).ConfigureAwait(false))
                return ReadOnlyMemory<byte>.Empty;
        }
    }

    /// <summary>The message last received.</summary>
    public ReadOnlySpan<byte> Message => _message.AsSpan(0, _messageLength);

    // 1: a whole message is in _message; 0: more bytes needed; -1: the server closed.
    private int TryReadMessage()
    {
        while (true)
        {
            var available = _buffer.AsSpan(_start, _end - _start);
            if (available.Length < 2)
                return 0;
            var fin = (available[0] & 0x80) != 0;
            var opcode = available[0] & 0x0F;
            long length = available[1] & 0x7F;
            var header = 2;
            if (length == 126)
            {
                if (available.Length < 4)
                    return 0;
                length = BinaryPrimitives.ReadUInt16BigEndian(available[2..]);
                header = 4;
            }
            else if (length == 127)
            {
                if (available.Length < 10)
                    return 0;
                length = (long)BinaryPrimitives.ReadUInt64BigEndian(available[2..]);
                header = 10;
            }
            if ((available[1] & 0x80) != 0)
                throw new InvalidDataException("the server masked a frame");
            if (available.Length < header + length)
            {
                if (header + length > _buffer.Length)
                    Array.Resize(ref _buffer, (int)Math.Max(_buffer.Length * 2L, header + length + 16));
                return 0;
            }
            var payload = available.Slice(header, (int)length);
            _start += header + (int)length;
            switch (opcode)
            {
                case 0x8: // close
                    return -1;
                case 0x9: // ping: answer with a pong carrying the same data
                    SendFrame(0xA, payload);
                    continue;
                case 0xA:
                    continue;
                case 0x0:
                    break;
                default:
                    _messageLength = 0;
                    break;
            }
            if (_messageLength + payload.Length > _message.Length)
                Array.Resize(ref _message, Math.Max(_message.Length * 2, _messageLength + payload.Length));
            payload.CopyTo(_message.AsSpan(_messageLength));
            _messageLength += payload.Length;
            // The next data frame (opcode other than continuation) starts a new message.
            if (fin)
                return 1;
        }
    }

    public void Dispose()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        _socket.Dispose();
    }
}
