using System.Buffers.Binary;
using System.Text;

namespace Meridian.Server.PgWire;

/// <summary>
/// Builds backend messages in one growable buffer (big-endian, as the protocol wants); a connection flushes it to
/// the socket when the client waits for an answer (ReadyForQuery, Flush, an error).
/// </summary>
internal sealed class PgWriter
{
    private byte[] _buffer = new byte[8192];
    private int _length;

    /// <summary>What was written and not yet taken.</summary>
    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

    /// <summary>Bytes written and not yet taken.</summary>
    public int Length => _length;

    /// <summary>Forgets what was written (after it was sent).</summary>
    public void Clear()
    {
        _length = 0;
        // A huge result should not pin its buffer for the rest of the connection.
        if (_buffer.Length > 1 << 20)
            _buffer = new byte[8192];
    }

    /// <summary>Starts a message of type <paramref name="type"/>; returns the position <see cref="EndMessage"/> needs.</summary>
    public int StartMessage(byte type)
    {
        WriteByte(type);
        var at = _length;
        WriteInt32(0);
        return at;
    }

    /// <summary>Writes the length of the message started at <paramref name="at"/>.</summary>
    public void EndMessage(int at) => BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(at), _length - at);

    /// <summary>Reserves a 4-byte length for a field; <see cref="EndField"/> fills it in.</summary>
    public int StartField()
    {
        var at = _length;
        WriteInt32(0);
        return at;
    }

    /// <summary>Writes the length of the field started at <paramref name="at"/> (not counting the length itself).</summary>
    public void EndField(int at) => BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(at), _length - at - 4);

    public void WriteByte(byte value) => Span(1)[0] = value;

    public void WriteInt16(short value) => BinaryPrimitives.WriteInt16BigEndian(Span(2), value);

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32BigEndian(Span(4), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64BigEndian(Span(8), value);

    public void WriteBytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Span(bytes.Length));

    /// <summary>UTF-8 without a terminator.</summary>
    public void WriteUtf8(string text)
    {
        var span = Reserve(Encoding.UTF8.GetMaxByteCount(text.Length));
        _length += Encoding.UTF8.GetBytes(text, span);
    }

    /// <summary>ASCII text without a terminator.</summary>
    public void WriteAscii(ReadOnlySpan<char> text)
    {
        var span = Span(text.Length);
        for (var i = 0; i < text.Length; i++)
            span[i] = (byte)text[i];
    }

    /// <summary>A NUL-terminated UTF-8 string (a NUL inside the text would end it early, so it is dropped).</summary>
    public void WriteCString(string text)
    {
        WriteUtf8(text.Contains('\0', StringComparison.Ordinal) ? text.Replace("\0", "", StringComparison.Ordinal) : text);
        WriteByte(0);
    }

    // Room for at least `count` more bytes, not yet counted as written.
    private Span<byte> Reserve(int count)
    {
        if (_buffer.Length - _length < count)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        return _buffer.AsSpan(_length, count);
    }

    // Room for exactly `count` bytes, counted as written.
    private Span<byte> Span(int count)
    {
        var span = Reserve(count);
        _length += count;
        return span;
    }
}
