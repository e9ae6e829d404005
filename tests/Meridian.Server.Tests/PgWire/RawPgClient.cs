using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Meridian.Server.Tests.PgWire;

/// <summary>A bare protocol-3.0 client over a socket, for what drivers never send: malformed frames, SSL requests, odd versions.</summary>
internal sealed class RawPgClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawPgClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _stream.ReadTimeout = 15_000;
    }

    public static async Task<RawPgClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        return new RawPgClient(tcp);
    }

    public Task SendAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask();

    public static byte[] Startup(int version, params (string Name, string Value)[] parameters)
    {
        var body = new List<byte>();
        foreach (var (name, value) in parameters)
        {
            body.AddRange(Encoding.UTF8.GetBytes(name));
            body.Add(0);
            body.AddRange(Encoding.UTF8.GetBytes(value));
            body.Add(0);
        }
        body.Add(0);
        var packet = new byte[8 + body.Count];
        BinaryPrimitives.WriteInt32BigEndian(packet, packet.Length);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(4), version);
        body.CopyTo(packet, 8);
        return packet;
    }

    public static byte[] Message(char type, byte[] body)
    {
        var message = new byte[5 + body.Length];
        message[0] = (byte)type;
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), body.Length + 4);
        body.CopyTo(message, 5);
        return message;
    }

    public static byte[] CString(string text) => [.. Encoding.UTF8.GetBytes(text), 0];

    /// <summary>Starts up as protocol 3.0 and answers the password request with <paramref name="token"/>; returns what followed.</summary>
    public async Task<List<(char Type, byte[] Body)>> LogInAsync(string database, string token)
    {
        await SendAsync(Startup(196608, ("user", "any"), ("database", database)));
        var (type, body) = await ReadAsync() ?? throw new EndOfStreamException();
        Assert.Equal('R', type);
        Assert.Equal(3, BinaryPrimitives.ReadInt32BigEndian(body)); // cleartext password
        await SendAsync(Message('p', CString(token)));
        return await ReadUntilReadyAsync();
    }

    public async Task<byte> ReadByteAsync()
    {
        var one = new byte[1];
        await _stream.ReadExactlyAsync(one);
        return one[0];
    }

    /// <summary>The next message, or null when the server closed the connection.</summary>
    public async Task<(char Type, byte[] Body)?> ReadAsync()
    {
        var header = new byte[5];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        if (await _stream.ReadAtLeastAsync(header, 5, throwOnEndOfStream: false, timeout.Token) < 5)
            return null;
        var body = new byte[BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1)) - 4];
        await _stream.ReadExactlyAsync(body, timeout.Token);
        return ((char)header[0], body);
    }

    /// <summary>Messages up to and including ReadyForQuery, or up to the connection's end.</summary>
    public async Task<List<(char Type, byte[] Body)>> ReadUntilReadyAsync()
    {
        var messages = new List<(char, byte[])>();
        while (await ReadAsync() is { } message)
        {
            messages.Add(message);
            if (message.Type == 'Z')
                break;
        }
        return messages;
    }

    /// <summary>The fields of an ErrorResponse body by their code ('S', 'C', 'M', ...).</summary>
    public static Dictionary<char, string> ErrorFields(byte[] body)
    {
        var fields = new Dictionary<char, string>();
        var at = 0;
        while (body[at] != 0)
        {
            var code = (char)body[at++];
            var end = Array.IndexOf(body, (byte)0, at);
            fields[code] = Encoding.UTF8.GetString(body, at, end - at);
            at = end + 1;
        }
        return fields;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
