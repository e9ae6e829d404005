#if !NET7_0_OR_GREATER
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;

namespace Meridian.Sats.Numerics;

/// <summary>
/// A signed (two's complement) 128-bit integer, for targets whose base library has none
/// (netstandard2.1: Unity and older runtimes). On .NET 7 and later Meridian uses the BCL's
/// <c>System.Int128</c> instead.
/// </summary>
/// <remarks>
/// Every member here exists with the same signature on <c>System.Int128</c>, so code written against
/// this type compiles on both targets. Arithmetic beyond addition, subtraction and bit operations
/// goes through <see cref="BigInteger"/>, to which it converts implicitly.
/// </remarks>
public readonly struct Int128 : IEquatable<Int128>, IComparable<Int128>, IComparable, IFormattable
{
    private readonly ulong _lower;
    private readonly ulong _upper;

    /// <summary>Creates a value from its high and low 64 bits (two's complement).</summary>
    public Int128(ulong upper, ulong lower)
    {
        _upper = upper;
        _lower = lower;
    }

    /// <summary>0.</summary>
    public static Int128 Zero => default;

    /// <summary>1.</summary>
    public static Int128 One => new(0, 1);

    /// <summary>-1.</summary>
    public static Int128 NegativeOne => new(ulong.MaxValue, ulong.MaxValue);

    /// <summary>-2^127.</summary>
    public static Int128 MinValue => new(1UL << 63, 0);

    /// <summary>2^127 - 1.</summary>
    public static Int128 MaxValue => new((ulong)long.MaxValue, ulong.MaxValue);

    /// <summary>True when <paramref name="value"/> is below zero.</summary>
    public static bool IsNegative(Int128 value) => unchecked((long)value._upper) < 0;

    /// <inheritdoc />
    public bool Equals(Int128 other) => _upper == other._upper && _lower == other._lower;

    /// <inheritdoc />
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is Int128 other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_lower, _upper);

    /// <inheritdoc />
    public int CompareTo(Int128 other)
    {
        if (_upper == other._upper)
            return _lower.CompareTo(other._lower);
        return unchecked((long)_upper).CompareTo(unchecked((long)other._upper));
    }

    /// <inheritdoc />
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        Int128 other => CompareTo(other),
        _ => throw new ArgumentException("Object must be of type Int128.", nameof(obj)),
    };

    /// <summary>Decimal text in the current culture.</summary>
    public override string ToString() => ToString(null, null);

    /// <summary>Decimal text.</summary>
    public string ToString(IFormatProvider? provider) => ToString(null, provider);

    /// <summary>Text in <paramref name="format"/>, a standard numeric format as the BCL's integers take it (X and B print two's complement bits).</summary>
    public string ToString(string? format) => ToString(format, null);

    /// <summary>Text in <paramref name="format"/>, a standard numeric format as the BCL's integers take it (X and B print two's complement bits).</summary>
    public string ToString(string? format, IFormatProvider? provider) =>
        Int128Text.Format((UInt128)this, IsNegative(this), format, provider);

    /// <summary>Parses decimal text; throws <see cref="FormatException"/> or <see cref="OverflowException"/>.</summary>
    public static Int128 Parse(string s) => Parse(s, NumberStyles.Integer, null);

    /// <summary>Parses decimal text; throws <see cref="FormatException"/> or <see cref="OverflowException"/>.</summary>
    public static Int128 Parse(string s, IFormatProvider? provider) => Parse(s, NumberStyles.Integer, provider);

    /// <summary>Parses text in <paramref name="style"/>; throws <see cref="FormatException"/> or <see cref="OverflowException"/>.</summary>
    public static Int128 Parse(string s, NumberStyles style, IFormatProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan(), style, provider);
    }

    /// <summary>Parses text in <paramref name="style"/>; throws <see cref="FormatException"/> or <see cref="OverflowException"/>.</summary>
    public static Int128 Parse(ReadOnlySpan<char> s, NumberStyles style = NumberStyles.Integer, IFormatProvider? provider = null) =>
        (Int128)Int128Text.Parse(s, style, provider, signed: true);

    /// <summary>Parses decimal text.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out Int128 result) =>
        TryParse(s, NumberStyles.Integer, null, out result);

    /// <summary>Parses decimal text.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out Int128 result) =>
        TryParse(s, NumberStyles.Integer, null, out result);

    /// <summary>Parses text in <paramref name="style"/>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, NumberStyles style, IFormatProvider? provider, out Int128 result)
    {
        if (s is null)
        {
            result = default;
            return false;
        }
        return TryParse(s.AsSpan(), style, provider, out result);
    }

    /// <summary>Parses text in <paramref name="style"/>.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider? provider, out Int128 result)
    {
        var ok = Int128Text.TryParse(s, style, provider, signed: true, out var bits) == Int128Text.ParseStatus.Ok;
        result = (Int128)bits;
        return ok;
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(Int128 left, Int128 right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Int128 left, Int128 right) => !left.Equals(right);

    /// <summary>Less than.</summary>
    public static bool operator <(Int128 left, Int128 right) => left.CompareTo(right) < 0;

    /// <summary>Greater than.</summary>
    public static bool operator >(Int128 left, Int128 right) => left.CompareTo(right) > 0;

    /// <summary>Less than or equal.</summary>
    public static bool operator <=(Int128 left, Int128 right) => left.CompareTo(right) <= 0;

    /// <summary>Greater than or equal.</summary>
    public static bool operator >=(Int128 left, Int128 right) => left.CompareTo(right) >= 0;

    // Two's complement addition and subtraction are the unsigned ones on the same bits.

    /// <summary>Addition, wrapping on overflow.</summary>
    public static Int128 operator +(Int128 left, Int128 right) => (Int128)((UInt128)left + (UInt128)right);

    /// <summary>Subtraction, wrapping on overflow.</summary>
    public static Int128 operator -(Int128 left, Int128 right) => (Int128)((UInt128)left - (UInt128)right);

    /// <summary>The value itself.</summary>
    public static Int128 operator +(Int128 value) => value;

    /// <summary>Negation (<see cref="MinValue"/> stays itself, as it does for the BCL's integers).</summary>
    public static Int128 operator -(Int128 value) => Zero - value;

    /// <summary>Adds one, wrapping.</summary>
    public static Int128 operator ++(Int128 value) => value + One;

    /// <summary>Subtracts one, wrapping.</summary>
    public static Int128 operator --(Int128 value) => value - One;

    /// <summary>Bitwise complement.</summary>
    public static Int128 operator ~(Int128 value) => new(~value._upper, ~value._lower);

    /// <summary>Bitwise and.</summary>
    public static Int128 operator &(Int128 left, Int128 right) => new(left._upper & right._upper, left._lower & right._lower);

    /// <summary>Bitwise or.</summary>
    public static Int128 operator |(Int128 left, Int128 right) => new(left._upper | right._upper, left._lower | right._lower);

    /// <summary>Bitwise exclusive or.</summary>
    public static Int128 operator ^(Int128 left, Int128 right) => new(left._upper ^ right._upper, left._lower ^ right._lower);

    /// <summary>Shifts left by <paramref name="shiftAmount"/> modulo 128.</summary>
    public static Int128 operator <<(Int128 value, int shiftAmount) => (Int128)((UInt128)value << shiftAmount);

    /// <summary>Shifts right by <paramref name="shiftAmount"/> modulo 128, copying the sign bit in.</summary>
    public static Int128 operator >>(Int128 value, int shiftAmount)
    {
        shiftAmount &= 127;
        if (shiftAmount == 0)
            return value;
        var upper = unchecked((long)value._upper);
        if (shiftAmount >= 64)
            return new(unchecked((ulong)(upper >> 63)), unchecked((ulong)(upper >> (shiftAmount - 64))));
        return new(unchecked((ulong)(upper >> shiftAmount)), (value._lower >> shiftAmount) | (value._upper << (64 - shiftAmount)));
    }

    /// <summary>Shifts right by <paramref name="shiftAmount"/> modulo 128, filling with zeros.</summary>
    public static Int128 operator >>>(Int128 value, int shiftAmount) => (Int128)((UInt128)value >> shiftAmount);

    /// <summary>Widens an sbyte.</summary>
    public static implicit operator Int128(sbyte value) => (long)value;

    /// <summary>Widens a short.</summary>
    public static implicit operator Int128(short value) => (long)value;

    /// <summary>Widens an int.</summary>
    public static implicit operator Int128(int value) => (long)value;

    /// <summary>Widens a long.</summary>
    public static implicit operator Int128(long value) => new(unchecked((ulong)(value >> 63)), unchecked((ulong)value));

    /// <summary>Widens a byte.</summary>
    public static implicit operator Int128(byte value) => new(0, value);

    /// <summary>Widens a char.</summary>
    public static implicit operator Int128(char value) => new(0, value);

    /// <summary>Widens a ushort.</summary>
    public static implicit operator Int128(ushort value) => new(0, value);

    /// <summary>Widens a uint.</summary>
    public static implicit operator Int128(uint value) => new(0, value);

    /// <summary>Widens a ulong.</summary>
    public static implicit operator Int128(ulong value) => new(0, value);

    /// <summary>The low 8 bits.</summary>
    public static explicit operator byte(Int128 value) => unchecked((byte)value._lower);

    /// <summary>The low 8 bits.</summary>
    public static explicit operator sbyte(Int128 value) => unchecked((sbyte)value._lower);

    /// <summary>The low 16 bits.</summary>
    public static explicit operator char(Int128 value) => unchecked((char)value._lower);

    /// <summary>The low 16 bits.</summary>
    public static explicit operator ushort(Int128 value) => unchecked((ushort)value._lower);

    /// <summary>The low 16 bits.</summary>
    public static explicit operator short(Int128 value) => unchecked((short)value._lower);

    /// <summary>The low 32 bits.</summary>
    public static explicit operator uint(Int128 value) => unchecked((uint)value._lower);

    /// <summary>The low 32 bits.</summary>
    public static explicit operator int(Int128 value) => unchecked((int)value._lower);

    /// <summary>The low 64 bits.</summary>
    public static explicit operator ulong(Int128 value) => value._lower;

    /// <summary>The low 64 bits.</summary>
    public static explicit operator long(Int128 value) => unchecked((long)value._lower);

    /// <summary>Reinterprets the bits as an unsigned value.</summary>
    public static explicit operator UInt128(Int128 value) => new(value._upper, value._lower);

    /// <summary>Widens to an arbitrary-precision integer.</summary>
    public static implicit operator BigInteger(Int128 value)
    {
        BigInteger bits = (UInt128)value;
        return IsNegative(value) ? bits - Int128Text.TwoTo128 : bits;
    }

    /// <summary>Narrows an arbitrary-precision integer; throws <see cref="OverflowException"/> when out of range.</summary>
    public static explicit operator Int128(BigInteger value)
    {
        if (value < Int128Text.Int128Min || value > Int128Text.Int128Max)
            throw new OverflowException("Value was either too large or too small for an Int128.");
        return (Int128)(UInt128)(value.Sign < 0 ? value + Int128Text.TwoTo128 : value);
    }
}
#endif
