#if !NET7_0_OR_GREATER
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;

namespace Meridian.Sats.Numerics;

/// <summary>
/// An unsigned 128-bit integer, for targets whose base library has none (netstandard2.1: Unity and
/// older runtimes). On .NET 7 and later Meridian uses the BCL's <c>System.UInt128</c> instead.
/// </summary>
/// <remarks>
/// Every member here exists with the same signature on <c>System.UInt128</c>, so code written against
/// this type compiles on both targets. Arithmetic beyond addition, subtraction and bit operations
/// goes through <see cref="BigInteger"/>, to which it converts implicitly.
/// </remarks>
public readonly struct UInt128 : IEquatable<UInt128>, IComparable<UInt128>, IComparable, IFormattable
{
    private readonly ulong _lower;
    private readonly ulong _upper;

    /// <summary>Creates a value from its high and low 64 bits.</summary>
    public UInt128(ulong upper, ulong lower)
    {
        _upper = upper;
        _lower = lower;
    }

    internal ulong Upper => _upper;

    internal ulong Lower => _lower;

    /// <summary>0.</summary>
    public static UInt128 Zero => default;

    /// <summary>1.</summary>
    public static UInt128 One => new(0, 1);

    /// <summary>0.</summary>
    public static UInt128 MinValue => default;

    /// <summary>2^128 - 1.</summary>
    public static UInt128 MaxValue => new(ulong.MaxValue, ulong.MaxValue);

    /// <inheritdoc />
    public bool Equals(UInt128 other) => _upper == other._upper && _lower == other._lower;

    /// <inheritdoc />
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is UInt128 other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_lower, _upper);

    /// <inheritdoc />
    public int CompareTo(UInt128 other) =>
        _upper != other._upper ? _upper.CompareTo(other._upper) : _lower.CompareTo(other._lower);

    /// <inheritdoc />
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        UInt128 other => CompareTo(other),
        _ => throw new ArgumentException("Object must be of type UInt128.", nameof(obj)),
    };

    /// <summary>Decimal text in the current culture.</summary>
    public override string ToString() => Int128Text.Format(this, negative: false, null, null);

    /// <summary>Decimal text.</summary>
    public string ToString(IFormatProvider? provider) => Int128Text.Format(this, negative: false, null, provider);

    /// <summary>Text in <paramref name="format"/>, a standard numeric format as the BCL's integers take it.</summary>
    public string ToString(string? format) => Int128Text.Format(this, negative: false, format, null);

    /// <summary>Text in <paramref name="format"/>, a standard numeric format as the BCL's integers take it.</summary>
    public string ToString(string? format, IFormatProvider? provider) => Int128Text.Format(this, negative: false, format, provider);

    /// <summary>Parses decimal text; throws <see cref="FormatException"/> or <see cref="OverflowException"/>.</summary>
    public static UInt128 Parse(string s) => Parse(s, NumberStyles.Integer, null);

    /// <summary>Parses decimal text; throws <see cref="FormatException"/> or <see cref="OverflowException"/>.</summary>
    public static UInt128 Parse(string s, IFormatProvider? provider) => Parse(s, NumberStyles.Integer, provider);

    /// <summary>Parses text in <paramref name="style"/>; throws <see cref="FormatException"/> or <see cref="OverflowException"/>.</summary>
    public static UInt128 Parse(string s, NumberStyles style, IFormatProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan(), style, provider);
    }

    /// <summary>Parses text in <paramref name="style"/>; throws <see cref="FormatException"/> or <see cref="OverflowException"/>.</summary>
    public static UInt128 Parse(ReadOnlySpan<char> s, NumberStyles style = NumberStyles.Integer, IFormatProvider? provider = null) =>
        Int128Text.Parse(s, style, provider, signed: false);

    /// <summary>Parses decimal text.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out UInt128 result) =>
        TryParse(s, NumberStyles.Integer, null, out result);

    /// <summary>Parses decimal text.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out UInt128 result) =>
        TryParse(s, NumberStyles.Integer, null, out result);

    /// <summary>Parses text in <paramref name="style"/>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, NumberStyles style, IFormatProvider? provider, out UInt128 result)
    {
        if (s is null)
        {
            result = default;
            return false;
        }
        return TryParse(s.AsSpan(), style, provider, out result);
    }

    /// <summary>Parses text in <paramref name="style"/>.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider? provider, out UInt128 result) =>
        Int128Text.TryParse(s, style, provider, signed: false, out result) == Int128Text.ParseStatus.Ok;

    /// <summary>Equality.</summary>
    public static bool operator ==(UInt128 left, UInt128 right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(UInt128 left, UInt128 right) => !left.Equals(right);

    /// <summary>Less than.</summary>
    public static bool operator <(UInt128 left, UInt128 right) => left.CompareTo(right) < 0;

    /// <summary>Greater than.</summary>
    public static bool operator >(UInt128 left, UInt128 right) => left.CompareTo(right) > 0;

    /// <summary>Less than or equal.</summary>
    public static bool operator <=(UInt128 left, UInt128 right) => left.CompareTo(right) <= 0;

    /// <summary>Greater than or equal.</summary>
    public static bool operator >=(UInt128 left, UInt128 right) => left.CompareTo(right) >= 0;

    /// <summary>Addition modulo 2^128.</summary>
    public static UInt128 operator +(UInt128 left, UInt128 right)
    {
        var lower = unchecked(left._lower + right._lower);
        var carry = lower < left._lower ? 1UL : 0UL;
        return new(unchecked(left._upper + right._upper + carry), lower);
    }

    /// <summary>Subtraction modulo 2^128.</summary>
    public static UInt128 operator -(UInt128 left, UInt128 right)
    {
        var borrow = left._lower < right._lower ? 1UL : 0UL;
        return new(unchecked(left._upper - right._upper - borrow), unchecked(left._lower - right._lower));
    }

    /// <summary>The value itself.</summary>
    public static UInt128 operator +(UInt128 value) => value;

    /// <summary>Negation modulo 2^128.</summary>
    public static UInt128 operator -(UInt128 value) => Zero - value;

    /// <summary>Adds one, wrapping.</summary>
    public static UInt128 operator ++(UInt128 value) => value + One;

    /// <summary>Subtracts one, wrapping.</summary>
    public static UInt128 operator --(UInt128 value) => value - One;

    /// <summary>Bitwise complement.</summary>
    public static UInt128 operator ~(UInt128 value) => new(~value._upper, ~value._lower);

    /// <summary>Bitwise and.</summary>
    public static UInt128 operator &(UInt128 left, UInt128 right) => new(left._upper & right._upper, left._lower & right._lower);

    /// <summary>Bitwise or.</summary>
    public static UInt128 operator |(UInt128 left, UInt128 right) => new(left._upper | right._upper, left._lower | right._lower);

    /// <summary>Bitwise exclusive or.</summary>
    public static UInt128 operator ^(UInt128 left, UInt128 right) => new(left._upper ^ right._upper, left._lower ^ right._lower);

    /// <summary>Shifts left by <paramref name="shiftAmount"/> modulo 128, as the BCL does.</summary>
    public static UInt128 operator <<(UInt128 value, int shiftAmount)
    {
        shiftAmount &= 127;
        if (shiftAmount == 0)
            return value;
        if (shiftAmount >= 64)
            return new(value._lower << (shiftAmount - 64), 0);
        return new((value._upper << shiftAmount) | (value._lower >> (64 - shiftAmount)), value._lower << shiftAmount);
    }

    /// <summary>Shifts right by <paramref name="shiftAmount"/> modulo 128, filling with zeros.</summary>
    public static UInt128 operator >>(UInt128 value, int shiftAmount)
    {
        shiftAmount &= 127;
        if (shiftAmount == 0)
            return value;
        if (shiftAmount >= 64)
            return new(0, value._upper >> (shiftAmount - 64));
        return new(value._upper >> shiftAmount, (value._lower >> shiftAmount) | (value._upper << (64 - shiftAmount)));
    }

    /// <summary>Shifts right by <paramref name="shiftAmount"/> modulo 128, filling with zeros.</summary>
    public static UInt128 operator >>>(UInt128 value, int shiftAmount) => value >> shiftAmount;

    /// <summary>Widens a byte.</summary>
    public static implicit operator UInt128(byte value) => new(0, value);

    /// <summary>Widens a char.</summary>
    public static implicit operator UInt128(char value) => new(0, value);

    /// <summary>Widens a ushort.</summary>
    public static implicit operator UInt128(ushort value) => new(0, value);

    /// <summary>Widens a uint.</summary>
    public static implicit operator UInt128(uint value) => new(0, value);

    /// <summary>Widens a ulong.</summary>
    public static implicit operator UInt128(ulong value) => new(0, value);

    /// <summary>Sign-extends an sbyte (a negative value wraps around).</summary>
    public static explicit operator UInt128(sbyte value) => (UInt128)(long)value;

    /// <summary>Sign-extends a short (a negative value wraps around).</summary>
    public static explicit operator UInt128(short value) => (UInt128)(long)value;

    /// <summary>Sign-extends an int (a negative value wraps around).</summary>
    public static explicit operator UInt128(int value) => (UInt128)(long)value;

    /// <summary>Sign-extends a long (a negative value wraps around).</summary>
    public static explicit operator UInt128(long value) => new(unchecked((ulong)(value >> 63)), unchecked((ulong)value));

    /// <summary>The low 8 bits.</summary>
    public static explicit operator byte(UInt128 value) => unchecked((byte)value._lower);

    /// <summary>The low 8 bits.</summary>
    public static explicit operator sbyte(UInt128 value) => unchecked((sbyte)value._lower);

    /// <summary>The low 16 bits.</summary>
    public static explicit operator char(UInt128 value) => unchecked((char)value._lower);

    /// <summary>The low 16 bits.</summary>
    public static explicit operator ushort(UInt128 value) => unchecked((ushort)value._lower);

    /// <summary>The low 16 bits.</summary>
    public static explicit operator short(UInt128 value) => unchecked((short)value._lower);

    /// <summary>The low 32 bits.</summary>
    public static explicit operator uint(UInt128 value) => unchecked((uint)value._lower);

    /// <summary>The low 32 bits.</summary>
    public static explicit operator int(UInt128 value) => unchecked((int)value._lower);

    /// <summary>The low 64 bits.</summary>
    public static explicit operator ulong(UInt128 value) => value._lower;

    /// <summary>The low 64 bits.</summary>
    public static explicit operator long(UInt128 value) => unchecked((long)value._lower);

    /// <summary>Reinterprets the bits as a signed value.</summary>
    public static explicit operator Int128(UInt128 value) => new(value._upper, value._lower);

    /// <summary>Widens to an arbitrary-precision integer.</summary>
    public static implicit operator BigInteger(UInt128 value) => ((BigInteger)value._upper << 64) | value._lower;

    /// <summary>Narrows an arbitrary-precision integer; throws <see cref="OverflowException"/> when out of range.</summary>
    public static explicit operator UInt128(BigInteger value)
    {
        if (value.Sign < 0 || value > Int128Text.UInt128Max)
            throw new OverflowException("Value was either too large or too small for a UInt128.");
        return new((ulong)(value >> 64), (ulong)(value & ulong.MaxValue));
    }
}
#endif
