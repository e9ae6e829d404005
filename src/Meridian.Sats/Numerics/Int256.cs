using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;

namespace Meridian.Sats.Numerics;

/// <summary>A signed (two's complement) 256-bit integer, stored as two 128-bit halves.</summary>
public readonly struct Int256 : IEquatable<Int256>, IComparable<Int256>, IComparable
{
    /// <summary>Size of the value in bytes.</summary>
    public const int Size = 32;

    private static readonly BigInteger Modulus = BigInteger.One << 256;

    /// <summary>The high 128 bits; its top bit is the sign.</summary>
    public UInt128 Upper { get; }

    /// <summary>The low 128 bits.</summary>
    public UInt128 Lower { get; }

    /// <summary>Creates a value from its two's complement halves.</summary>
    public Int256(UInt128 upper, UInt128 lower)
    {
        Upper = upper;
        Lower = lower;
    }

    /// <summary>Zero.</summary>
    public static Int256 Zero => default;

    /// <summary>-2^255.</summary>
    public static Int256 MinValue => new(UInt128.One << 127, 0);

    /// <summary>2^255 - 1.</summary>
    public static Int256 MaxValue => new(UInt128.MaxValue >> 1, UInt128.MaxValue);

    /// <summary>True when the value is below zero.</summary>
    public bool IsNegative => (Upper >> 127) != 0;

    /// <summary>Widens a 128-bit value.</summary>
    public static implicit operator Int256(Int128 value) => new(Int128.IsNegative(value) ? UInt128.MaxValue : 0, (UInt128)value);

    /// <summary>Widens a 64-bit value.</summary>
    public static implicit operator Int256(long value) => (Int128)value;

    /// <summary>Reads 32 little-endian bytes.</summary>
    public static Int256 ReadLittleEndian(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadUInt128LittleEndian(source[16..]), BinaryPrimitives.ReadUInt128LittleEndian(source));

    /// <summary>Writes 32 little-endian bytes.</summary>
    public void WriteLittleEndian(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt128LittleEndian(destination, Lower);
        BinaryPrimitives.WriteUInt128LittleEndian(destination[16..], Upper);
    }

    /// <summary>Converts to an arbitrary-precision integer.</summary>
    public BigInteger ToBigInteger()
    {
        var unsigned = ((BigInteger)Upper << 128) | Lower;
        return IsNegative ? unsigned - Modulus : unsigned;
    }

    /// <summary>Converts from an arbitrary-precision integer; throws <see cref="OverflowException"/> when out of range.</summary>
    public static Int256 FromBigInteger(BigInteger value)
    {
        if (value < MinValue.ToBigInteger() || value > MaxValue.ToBigInteger())
            throw new OverflowException($"{value} does not fit in i256");
        if (value.Sign < 0)
            value += Modulus;
        var mask = (BigInteger.One << 128) - 1;
        return new((UInt128)(value >> 128), (UInt128)(value & mask));
    }

    /// <summary>Parses a decimal number with an optional leading minus sign.</summary>
    public static bool TryParseDecimal(ReadOnlySpan<char> text, out Int256 value)
    {
        value = default;
        if (text.IsEmpty || !BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var big))
            return false;
        if (big < MinValue.ToBigInteger() || big > MaxValue.ToBigInteger())
            return false;
        value = FromBigInteger(big);
        return true;
    }

    /// <summary>Decimal text.</summary>
    public override string ToString() => ToBigInteger().ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public bool Equals(Int256 other) => Upper == other.Upper && Lower == other.Lower;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Int256 other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Upper, Lower);

    /// <inheritdoc />
    public int CompareTo(Int256 other)
    {
        // Flipping the sign bit maps two's complement order onto unsigned order.
        var flip = UInt128.One << 127;
        var c = (Upper ^ flip).CompareTo(other.Upper ^ flip);
        return c != 0 ? c : Lower.CompareTo(other.Lower);
    }

    /// <inheritdoc />
    public int CompareTo(object? obj) => obj is Int256 other ? CompareTo(other) : 1;

    /// <summary>Equality.</summary>
    public static bool operator ==(Int256 left, Int256 right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Int256 left, Int256 right) => !left.Equals(right);

    /// <summary>Less than.</summary>
    public static bool operator <(Int256 left, Int256 right) => left.CompareTo(right) < 0;

    /// <summary>Greater than.</summary>
    public static bool operator >(Int256 left, Int256 right) => left.CompareTo(right) > 0;

    /// <summary>Less than or equal.</summary>
    public static bool operator <=(Int256 left, Int256 right) => left.CompareTo(right) <= 0;

    /// <summary>Greater than or equal.</summary>
    public static bool operator >=(Int256 left, Int256 right) => left.CompareTo(right) >= 0;
}
