using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using Meridian.Sats.Numerics;

namespace Meridian.Sats.Bsatn;

/// <summary>
/// Reads BSATN from a span, strictly: every failure is a <see cref="BsatnDecodeException"/> naming
/// what was being read and where, and no length read from the input can make it allocate more than
/// the remaining input justifies.
/// </summary>
public ref struct BsatnReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    /// <summary>Starts reading at the beginning of <paramref name="data"/>.</summary>
    public BsatnReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    /// <summary>Current offset from the start of the input.</summary>
    public readonly int Position => _position;

    /// <summary>Bytes not yet read.</summary>
    public readonly int Remaining => _data.Length - _position;

    /// <summary>True when every byte has been read.</summary>
    public readonly bool IsAtEnd => _position == _data.Length;

    /// <summary>The input from <paramref name="start"/> up to the current position.</summary>
    public readonly ReadOnlySpan<byte> Slice(int start) => _data[start.._position];

    /// <summary>Reads a bool; any byte other than 0 or 1 is an error.</summary>
    public bool ReadBool()
    {
        var at = _position;
        var b = Take(1, "bool")[0];
        return b switch
        {
            0 => false,
            1 => true,
            _ => throw new BsatnDecodeException($"Invalid bool byte 0x{b:x2} at offset {at}: must be 0 or 1.", at),
        };
    }

    /// <summary>Reads a u8.</summary>
    public byte ReadU8() => Take(1, "u8")[0];

    /// <summary>Reads an i8.</summary>
    public sbyte ReadI8() => (sbyte)Take(1, "i8")[0];

    /// <summary>Reads a u16.</summary>
    public ushort ReadU16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, "u16"));

    /// <summary>Reads an i16.</summary>
    public short ReadI16() => BinaryPrimitives.ReadInt16LittleEndian(Take(2, "i16"));

    /// <summary>Reads a u32.</summary>
    public uint ReadU32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, "u32"));

    /// <summary>Reads an i32.</summary>
    public int ReadI32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4, "i32"));

    /// <summary>Reads a u64.</summary>
    public ulong ReadU64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, "u64"));

    /// <summary>Reads an i64.</summary>
    public long ReadI64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8, "i64"));

    /// <summary>Reads a u128.</summary>
    public UInt128 ReadU128() => BinaryPrimitives.ReadUInt128LittleEndian(Take(16, "u128"));

    /// <summary>Reads an i128.</summary>
    public Int128 ReadI128() => BinaryPrimitives.ReadInt128LittleEndian(Take(16, "i128"));

    /// <summary>Reads a u256.</summary>
    public UInt256 ReadU256() => UInt256.ReadLittleEndian(Take(32, "u256"));

    /// <summary>Reads an i256.</summary>
    public Int256 ReadI256() => Int256.ReadLittleEndian(Take(32, "i256"));

    /// <summary>Reads an f32.</summary>
    public float ReadF32() => BinaryPrimitives.ReadSingleLittleEndian(Take(4, "f32"));

    /// <summary>Reads an f64.</summary>
    public double ReadF64() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8, "f64"));

    /// <summary>Reads a string (u32 length + UTF-8); invalid UTF-8 is an error.</summary>
    public string ReadString()
    {
        var at = _position;
        var bytes = ReadLengthPrefixed("string");
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new BsatnDecodeException($"Invalid UTF-8 in string at offset {at}.", at);
        }
    }

    /// <summary>Reads a byte array (u32 length + bytes) without copying it.</summary>
    public ReadOnlySpan<byte> ReadBytes() => ReadLengthPrefixed("bytes");

    /// <summary>
    /// Reads an array's element count and checks it against the remaining input: with elements of at
    /// least <paramref name="minElementSize"/> bytes, a count the input cannot hold is an error.
    /// Elements of size zero are capped at <see cref="MaxZeroSizedElements"/>.
    /// </summary>
    public int ReadArrayLength(int minElementSize, string what = "array")
    {
        var at = _position;
        var count = BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what + " length"));
        var limit = minElementSize > 0 ? (long)Remaining / minElementSize : MaxZeroSizedElements;
        if (count > limit)
            throw new BsatnDecodeException(
                $"{Capitalize(what)} length {count} at offset {at} exceeds what the remaining {Remaining} bytes can hold.", at);
        return (int)count;
    }

    /// <summary>Upper bound on the element count of an array whose elements encode to zero bytes.</summary>
    public const int MaxZeroSizedElements = 1 << 20;

    /// <summary>Reads a sum tag and checks it is below <paramref name="variantCount"/>.</summary>
    public byte ReadSumTag(int variantCount, string what = "sum")
    {
        var at = _position;
        if (_data.Length - _position < 1)
            ThrowTruncated(what + " tag", 1); // the text is built only on failure: this runs per call on the hot path
        var tag = _data[_position++];
        if (tag >= variantCount)
            throw new BsatnDecodeException($"Unknown {what} tag {tag} at offset {at}: the type has {variantCount} variant(s).", at);
        return tag;
    }

    /// <summary>Takes <paramref name="count"/> raw bytes.</summary>
    public ReadOnlySpan<byte> ReadRaw(int count, string what = "bytes") => Take(count, what);

    /// <summary>Fails unless every byte has been consumed.</summary>
    public readonly void EnsureAtEnd(string what = "value")
    {
        if (!IsAtEnd)
            throw new BsatnDecodeException($"{Remaining} trailing byte(s) after the {what} at offset {_position}.", _position);
    }

    private ReadOnlySpan<byte> ReadLengthPrefixed(string what)
    {
        var at = _position;
        var length = BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what + " length"));
        if (length > Remaining)
            throw new BsatnDecodeException(
                $"{Capitalize(what)} length {length} at offset {at} exceeds the {Remaining} remaining bytes.", at);
        return Take((int)length, what);
    }

    private ReadOnlySpan<byte> Take(int count, string what)
    {
        if (_data.Length - _position < count)
            ThrowTruncated(what, count);
        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }

    [DoesNotReturn]
    private readonly void ThrowTruncated(string what, int count) =>
        throw new BsatnDecodeException(
            $"Input ends while reading {what} at offset {_position}: {count} byte(s) needed, {Remaining} left.", _position);

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
