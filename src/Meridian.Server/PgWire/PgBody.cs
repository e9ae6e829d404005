using System.Buffers.Binary;
using System.Text;

namespace Meridian.Server.PgWire;

/// <summary>Reads the fields of one frontend message; a field that runs past the message's end is a protocol violation.</summary>
internal ref struct PgBody(ReadOnlySpan<byte> body, char type)
{
    private static readonly UTF8Encoding Utf8 = new(false, true);
    private readonly ReadOnlySpan<byte> _body = body;
    private int _at;

    public readonly int Remaining => _body.Length - _at;

    public short ReadInt16() => BinaryPrimitives.ReadInt16BigEndian(Take(2));

    public int ReadInt32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining)
            throw Malformed();
        var span = _body.Slice(_at, count);
        _at += count;
        return span;
    }

    public string ReadCString()
    {
        var end = _body[_at..].IndexOf((byte)0);
        if (end < 0)
            throw Malformed();
        string text;
        try
        {
            text = Utf8.GetString(_body.Slice(_at, end));
        }
        catch (DecoderFallbackException)
        {
            throw new PgProtocolException(PgSqlState.ProtocolViolation, $"A string in the '{type}' message is not valid UTF-8.");
        }
        _at += end + 1;
        return text;
    }

    private readonly PgProtocolException Malformed() =>
        new(PgSqlState.ProtocolViolation, $"Malformed '{type}' message: a field runs past the end of the message.");
}
