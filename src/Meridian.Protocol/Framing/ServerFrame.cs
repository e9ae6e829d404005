using System.IO.Compression;
using Meridian.Protocol.Messages;
using Meridian.Sats.Bsatn;

namespace Meridian.Protocol.Framing;

/// <summary>
/// Builds and reads server frames: one compression tag byte, then one message (v2) or several
/// concatenated (v3), compressed as a whole when the body is over 1024 bytes and the client asked.
/// </summary>
public static class ServerFrame
{
    /// <summary>Bodies at or below this size are always sent uncompressed, as upstream.</summary>
    public const int CompressionThreshold = 1024;

    /// <summary>Encodes <paramref name="messages"/> into one frame.</summary>
    public static byte[] Encode(IReadOnlyList<ServerMessage> messages, Compression compression, BsatnWriter? scratch = null)
    {
        var body = scratch ?? new BsatnWriter(256);
        body.Reset();
        foreach (var m in messages)
            m.Write(body);
        return Wrap(body.WrittenSpan, compression);
    }

    /// <summary>Prefixes an encoded body with its tag, compressing it when worthwhile.</summary>
    public static byte[] Wrap(ReadOnlySpan<byte> body, Compression compression) => Wrap(body, compression, CompressionThreshold);

    /// <summary>Prefixes an encoded body with its tag, compressing it when it is longer than <paramref name="threshold"/> bytes.</summary>
    public static byte[] Wrap(ReadOnlySpan<byte> body, Compression compression, int threshold)
    {
        if (compression == Compression.None || body.Length <= threshold)
        {
            var frame = new byte[body.Length + 1];
            frame[0] = (byte)Compression.None;
            body.CopyTo(frame.AsSpan(1));
            return frame;
        }
        using var output = new MemoryStream(body.Length / 2 + 16);
        output.WriteByte((byte)compression);
        using (Stream stream = compression == Compression.Brotli
                   ? new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true)
                   : new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            stream.Write(body);
        }
        return output.ToArray();
    }

    /// <summary>Decodes a frame into its messages (used by clients and tests).</summary>
    public static List<ServerMessage> Decode(ReadOnlySpan<byte> frame)
    {
        if (frame.IsEmpty)
            throw new BsatnDecodeException("An empty server frame has no compression tag.", 0);
        byte[] body;
        switch ((Compression)frame[0])
        {
            case Compression.None:
                body = frame[1..].ToArray();
                break;
            case Compression.Brotli:
                body = Decompress(new BrotliStream(new MemoryStream(frame[1..].ToArray()), CompressionMode.Decompress));
                break;
            case Compression.Gzip:
                body = Decompress(new GZipStream(new MemoryStream(frame[1..].ToArray()), CompressionMode.Decompress));
                break;
            default:
                throw new BsatnDecodeException($"Unknown compression tag {frame[0]}.", 0);
        }
        var r = new BsatnReader(body);
        var messages = new List<ServerMessage>(1);
        do
        {
            messages.Add(ServerMessage.Read(ref r));
        }
        while (!r.IsAtEnd);
        return messages;
    }

    private static byte[] Decompress(Stream stream)
    {
        using (stream)
        {
            using var output = new MemoryStream();
            try
            {
                stream.CopyTo(output);
            }
            catch (Exception e) when (e is InvalidDataException or InvalidOperationException)
            {
                throw new BsatnDecodeException($"The frame body is not a valid {(stream is BrotliStream ? "brotli" : "gzip")} stream: {e.Message}", 1);
            }
            return output.ToArray();
        }
    }
}
