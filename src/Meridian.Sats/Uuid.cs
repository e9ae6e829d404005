using System.Globalization;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using Meridian.Sats.Values;

namespace Meridian.Sats;

/// <summary>
/// A UUID held as a u128 whose big-endian bytes are the UUID's bytes in text order
/// (BSATN: 16 little-endian bytes).
/// </summary>
public readonly struct Uuid : IEquatable<Uuid>, IComparable<Uuid>
{
    /// <summary>The UUID as an unsigned 128-bit integer.</summary>
    public UInt128 Value { get; }

    /// <summary>Wraps a u128.</summary>
    public Uuid(UInt128 value) => Value = value;

    /// <summary>The nil UUID.</summary>
    public static Uuid Nil => default;

    /// <summary>The SATS type.</summary>
    public static ProductType AlgebraicType => Types.AlgebraicType.Uuid;

    /// <summary>From a <see cref="Guid"/> (same text form).</summary>
    public static Uuid FromGuid(Guid guid)
    {
        Span<byte> bytes = stackalloc byte[16];
        guid.TryWriteBytes(bytes);
        SwapGuidFields(bytes);
        return new Uuid(System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes));
    }

    /// <summary>As a <see cref="Guid"/> (same text form).</summary>
    public Guid ToGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(bytes, Value);
        SwapGuidFields(bytes);
        return new Guid(bytes);
    }

    // Guid's byte form stores its first three fields little-endian, text order is big-endian.
    // (The bigEndian overloads would do this, but netstandard2.1 lacks them.)
    private static void SwapGuidFields(Span<byte> bytes)
    {
        bytes[..4].Reverse();
        bytes[4..6].Reverse();
        bytes[6..8].Reverse();
    }

    /// <summary>Parses the standard dashed form (or 32 hex digits).</summary>
    public static bool TryParse(string text, out Uuid uuid)
    {
        uuid = default;
        if (!Guid.TryParse(text, out var g))
            return false;
        uuid = FromGuid(g);
        return true;
    }

    /// <summary>The standard lowercase dashed form.</summary>
    public override string ToString() => ToGuid().ToString("D", CultureInfo.InvariantCulture);

    /// <summary>Writes the BSATN encoding.</summary>
    public void WriteBsatn(BsatnWriter writer) => writer.WriteU128(Value);

    /// <summary>Reads the BSATN encoding.</summary>
    public static Uuid ReadBsatn(ref BsatnReader reader) => new(reader.ReadU128());

    /// <summary>As a SATS value.</summary>
    public AlgebraicValue ToValue() => AlgebraicValue.Product(AlgebraicValue.U128(Value));

    /// <summary>From a SATS value.</summary>
    public static Uuid FromValue(AlgebraicValue value) => new(value.AsProduct()[0].AsU128());

    /// <inheritdoc />
    public bool Equals(Uuid other) => Value == other.Value;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Uuid other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Value.GetHashCode();

    /// <inheritdoc />
    public int CompareTo(Uuid other) => Value.CompareTo(other.Value);

    /// <summary>Equality.</summary>
    public static bool operator ==(Uuid left, Uuid right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Uuid left, Uuid right) => !left.Equals(right);

    /// <summary>Ordering.</summary>
    public static bool operator <(Uuid left, Uuid right) => left.CompareTo(right) < 0;

    /// <summary>Ordering.</summary>
    public static bool operator >(Uuid left, Uuid right) => left.CompareTo(right) > 0;

    /// <summary>Ordering.</summary>
    public static bool operator <=(Uuid left, Uuid right) => left.CompareTo(right) <= 0;

    /// <summary>Ordering.</summary>
    public static bool operator >=(Uuid left, Uuid right) => left.CompareTo(right) >= 0;
}
