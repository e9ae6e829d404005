using System.Globalization;
using Meridian.Sats.Numerics;

namespace SpacetimeDB;

/// <summary>An unsigned 128-bit integer (SATS u128).</summary>
/// <param name="Value">The value.</param>
public readonly record struct U128(UInt128 Value) : IComparable<U128>
{
    /// <summary>Creates a value from its upper and lower 64 bits.</summary>
    public U128(ulong upper, ulong lower)
        : this(new UInt128(upper, lower))
    {
    }

    /// <inheritdoc />
    public int CompareTo(U128 other) => Value.CompareTo(other.Value);

    /// <summary>Less than.</summary>
    public static bool operator <(U128 a, U128 b) => a.Value < b.Value;

    /// <summary>Greater than.</summary>
    public static bool operator >(U128 a, U128 b) => a.Value > b.Value;

    /// <summary>Less than or equal.</summary>
    public static bool operator <=(U128 a, U128 b) => a.CompareTo(b) <= 0;

    /// <summary>Greater than or equal.</summary>
    public static bool operator >=(U128 a, U128 b) => a.CompareTo(b) >= 0;

    /// <summary>Widens a 64-bit value.</summary>
    public static implicit operator U128(ulong value) => new(value);

    /// <inheritdoc />
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A signed 128-bit integer (SATS i128).</summary>
/// <param name="Value">The value.</param>
public readonly record struct I128(Int128 Value) : IComparable<I128>
{
    /// <summary>Creates a value from its upper and lower 64 bits (two's complement).</summary>
    public I128(ulong upper, ulong lower)
        : this(new Int128(upper, lower))
    {
    }

    /// <summary>Whether the value is below zero.</summary>
    public bool IsNegative => Int128.IsNegative(Value);

    /// <inheritdoc />
    public int CompareTo(I128 other) => Value.CompareTo(other.Value);

    /// <summary>Less than.</summary>
    public static bool operator <(I128 a, I128 b) => a.Value < b.Value;

    /// <summary>Greater than.</summary>
    public static bool operator >(I128 a, I128 b) => a.Value > b.Value;

    /// <summary>Less than or equal.</summary>
    public static bool operator <=(I128 a, I128 b) => a.CompareTo(b) <= 0;

    /// <summary>Greater than or equal.</summary>
    public static bool operator >=(I128 a, I128 b) => a.CompareTo(b) >= 0;

    /// <summary>Widens an int.</summary>
    public static implicit operator I128(int value) => new((Int128)value);

    /// <inheritdoc />
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>An unsigned 256-bit integer (SATS u256).</summary>
/// <param name="Value">The value.</param>
public readonly record struct U256(UInt256 Value) : IComparable<U256>
{
    /// <summary>Creates a value from its upper and lower 128 bits.</summary>
    public U256(U128 upper, U128 lower)
        : this(new UInt256(upper.Value, lower.Value))
    {
    }

    /// <inheritdoc />
    public int CompareTo(U256 other) => Value.CompareTo(other.Value);

    /// <summary>Less than.</summary>
    public static bool operator <(U256 a, U256 b) => a.Value < b.Value;

    /// <summary>Greater than.</summary>
    public static bool operator >(U256 a, U256 b) => a.Value > b.Value;

    /// <summary>Less than or equal.</summary>
    public static bool operator <=(U256 a, U256 b) => a.CompareTo(b) <= 0;

    /// <summary>Greater than or equal.</summary>
    public static bool operator >=(U256 a, U256 b) => a.CompareTo(b) >= 0;

    /// <inheritdoc />
    public override string ToString() => Value.ToString();
}

/// <summary>A signed 256-bit integer (SATS i256).</summary>
/// <param name="Value">The value.</param>
public readonly record struct I256(Int256 Value) : IComparable<I256>
{
    /// <summary>Creates a value from its upper and lower 128 bits (two's complement).</summary>
    public I256(U128 upper, U128 lower)
        : this(new Int256(upper.Value, lower.Value))
    {
    }

    /// <summary>Whether the value is below zero.</summary>
    public bool IsNegative => Value.IsNegative;

    /// <inheritdoc />
    public int CompareTo(I256 other) => Value.CompareTo(other.Value);

    /// <summary>Less than.</summary>
    public static bool operator <(I256 a, I256 b) => a.Value < b.Value;

    /// <summary>Greater than.</summary>
    public static bool operator >(I256 a, I256 b) => a.Value > b.Value;

    /// <summary>Less than or equal.</summary>
    public static bool operator <=(I256 a, I256 b) => a.CompareTo(b) <= 0;

    /// <summary>Greater than or equal.</summary>
    public static bool operator >=(I256 a, I256 b) => a.CompareTo(b) >= 0;

    /// <inheritdoc />
    public override string ToString() => Value.ToString();
}

/// <summary>The empty product: the payload of unit variants.</summary>
public readonly struct Unit : IEquatable<Unit>
{
    /// <inheritdoc />
    public bool Equals(Unit other) => true;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Unit;

    /// <inheritdoc />
    public override int GetHashCode() => 0;

    /// <summary>Always equal.</summary>
    public static bool operator ==(Unit left, Unit right) => true;

    /// <summary>Never different.</summary>
    public static bool operator !=(Unit left, Unit right) => false;
}
