using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;

namespace Meridian.Sats.Numerics;

/// <summary>An unsigned 256-bit integer, stored as two 128-bit halves.</summary>
public readonly struct UInt256 : IEquatable<UInt256>, IComparable<UInt256>, IComparable
{
    /// <summary>Size of the value in bytes.</summary>
    public const int Size = 32;

    /// <summary>The high 128 bits.</summary>
    public UInt128 Upper { get; }

    /// <summary>The low 128 bits.</summary>
    public UInt128 Lower { get; }

    /// <summary>Creates a value from its two halves.</summary>
    public UInt256(UInt128 upper, UInt128 lower)
    {
        Upper = upper;
        Lower = lower;
    }

    /// <summary>Zero.</summary>
    public static UInt256 Zero => default;

    /// <summary>The largest value, 2^256 - 1.</summary>
    public static UInt256 MaxValue => new(UInt128.MaxValue, UInt128.MaxValue);

    /// <summary>Widens a 128-bit value.</summary>
    public static implicit operator UInt256(UInt128 value) => new(0, value);

    /// <summary>Widens a 64-bit value.</summary>
    public static implicit operator UInt256(ulong value) => new(0, value);

    /// <summary>Reads 32 little-endian bytes.</summary>
    public static UInt256 ReadLittleEndian(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadUInt128LittleEndian(source[16..]), BinaryPrimitives.ReadUInt128LittleEndian(source));

    /// <summary>Reads 32 big-endian bytes.</summary>
    public static UInt256 ReadBigEndian(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadUInt128BigEndian(source), BinaryPrimitives.ReadUInt128BigEndian(source[16..]));

    /// <summary>Writes 32 little-endian bytes.</summary>
    public void WriteLittleEndian(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt128LittleEndian(destination, Lower);
        BinaryPrimitives.WriteUInt128LittleEndian(destination[16..], Upper);
    }

    /// <summary>Writes 32 big-endian bytes.</summary>
    public void WriteBigEndian(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt128BigEndian(destination, Upper);
        BinaryPrimitives.WriteUInt128BigEndian(destination[16..], Lower);
    }

    /// <summary>Converts to an arbitrary-precision integer.</summary>
    public BigInteger ToBigInteger() => ((BigInteger)Upper << 128) | Lower;

    /// <summary>Converts from an arbitrary-precision integer; throws <see cref="OverflowException"/> when out of range.</summary>
    public static UInt256 FromBigInteger(BigInteger value)
    {
        if (value.Sign < 0 || value.GetBitLength() > 256)
            throw new OverflowException($"{value} does not fit in u256");
        var mask = (BigInteger.One << 128) - 1;
        return new((UInt128)(value >> 128), (UInt128)(value & mask));
    }

    /// <summary>Big-endian lowercase hex, 64 digits with leading zeros.</summary>
    public string ToHexString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        WriteBigEndian(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>Parses hex digits (optional <c>0x</c> prefix, 1 to 64 digits, big-endian).</summary>
    public static bool TryParseHex(ReadOnlySpan<char> text, out UInt256 value)
    {
        value = default;
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            text = text[2..];
        if (text.Length is 0 or > 64)
            return false;
        Span<char> padded = stackalloc char[64];
        padded[..(64 - text.Length)].Fill('0');
        text.CopyTo(padded[(64 - text.Length)..]);
        Span<byte> bytes = stackalloc byte[Size];
        if (Convert.FromHexString(padded, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != Size)
            return false;
        value = ReadBigEndian(bytes);
        return true;
    }

    /// <summary>Parses a decimal number.</summary>
    public static bool TryParseDecimal(ReadOnlySpan<char> text, out UInt256 value)
    {
        value = default;
        if (text.IsEmpty || !BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var big) || big.GetBitLength() > 256)
            return false;
        value = FromBigInteger(big);
        return true;
    }

    /// <summary>Decimal text.</summary>
    public override string ToString() => Upper == 0 ? Lower.ToString(CultureInfo.InvariantCulture) : ToBigInteger().ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public bool Equals(UInt256 other) => Upper == other.Upper && Lower == other.Lower;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is UInt256 other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Upper, Lower);

    /// <inheritdoc />
    public int CompareTo(UInt256 other)
    {
        var c = Upper.CompareTo(other.Upper);
        return c != 0 ? c : Lower.CompareTo(other.Lower);
    }

    /// <inheritdoc />
    public int CompareTo(object? obj) => obj is UInt256 other ? CompareTo(other) : 1;

    /// <summary>Equality.</summary>
    public static bool operator ==(UInt256 left, UInt256 right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(UInt256 left, UInt256 right) => !left.Equals(right);

    /// <summary>Less than.</summary>
    public static bool operator <(UInt256 left, UInt256 right) => left.CompareTo(right) < 0;

    /// <summary>Greater than.</summary>
    public static bool operator >(UInt256 left, UInt256 right) => left.CompareTo(right) > 0;

    /// <summary>Less than or equal.</summary>
    public static bool operator <=(UInt256 left, UInt256 right) => left.CompareTo(right) <= 0;

    /// <summary>Greater than or equal.</summary>
    public static bool operator >=(UInt256 left, UInt256 right) => left.CompareTo(right) >= 0;
}
