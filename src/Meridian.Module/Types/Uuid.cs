using System.Buffers.Binary;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using SpacetimeDB.BSATN;

namespace SpacetimeDB;

/// <summary>A UUID held as a u128 (its text form printed big-endian); special product <c>{ __uuid__: U128 }</c>.</summary>
public readonly record struct Uuid : IComparable<Uuid>
{
    private readonly UInt128 _value;

    /// <summary>Wraps a 128-bit value.</summary>
    public Uuid(U128 value) => _value = value.Value;

    private Uuid(UInt128 value) => _value = value;

    /// <summary>The nil UUID (all zeros).</summary>
    public static readonly Uuid NIL = new(UInt128.Zero);

    /// <summary>The max UUID (all ones).</summary>
    public static readonly Uuid MAX = new(UInt128.MaxValue);

    /// <summary>The UUID versions this type distinguishes.</summary>
    public enum UuidVersion
    {
        /// <summary>All zeros.</summary>
        Nil,
        /// <summary>Random.</summary>
        V4,
        /// <summary>Time-ordered.</summary>
        V7,
        /// <summary>All ones.</summary>
        Max,
    }

    /// <summary>A version-4 UUID from 16 random bytes (version and variant bits are set).</summary>
    public static Uuid FromRandomBytesV4(ReadOnlySpan<byte> randomBytes)
    {
        if (randomBytes.Length != 16)
            throw new ArgumentException("randomBytes must be exactly 16 bytes", nameof(randomBytes));
        Span<byte> b = stackalloc byte[16];
        randomBytes.CopyTo(b);
        b[6] = (byte)((b[6] & 0x0F) | 0x40);
        b[8] = (byte)((b[8] & 0x3F) | 0x80);
        return new(BinaryPrimitives.ReadUInt128BigEndian(b));
    }

    /// <summary>
    /// A version-7 UUID: 48-bit Unix milliseconds, version 7, a 31-bit monotonic counter split
    /// around the variant bits, then 31 random bits. Advances <paramref name="counter"/> (wrapping).
    /// </summary>
    public static Uuid FromCounterV7(ref int counter, Timestamp now, ReadOnlySpan<byte> randomBytes)
    {
        if (randomBytes.Length != 4)
            throw new ArgumentException("randomBytes must be exactly 4 bytes", nameof(randomBytes));
        if (counter < 0)
            throw new InvalidOperationException("uuid counter must be non-negative");
        if (now.MicrosecondsSinceUnixEpoch < 0)
            throw new ArgumentException("timestamp before unix epoch", nameof(now));
        var c = counter;
        counter = (counter + 1) & 0x7FFF_FFFF;
        var ms = (now.MicrosecondsSinceUnixEpoch / 1000) & 0xFFFF_FFFF_FFFFL;
        Span<byte> b = stackalloc byte[16];
        for (var i = 0; i < 6; i++)
            b[i] = (byte)(ms >> (40 - (8 * i)));
        b[6] = 0x70;
        b[7] = (byte)(c >> 23);
        b[8] = 0x80;
        b[9] = (byte)(c >> 15);
        b[10] = (byte)(c >> 7);
        b[11] = (byte)((c & 0x7F) << 1);
        b[12] = (byte)(randomBytes[0] & 0x7F);
        randomBytes[1..].CopyTo(b[13..]);
        return new(BinaryPrimitives.ReadUInt128BigEndian(b));
    }

    /// <summary>The counter embedded in a version-7 UUID.</summary>
    public int GetCounter()
    {
        var b = ToBigEndian();
        return (b[7] << 23) | (b[9] << 15) | (b[10] << 7) | (b[11] >> 1);
    }

    /// <summary>The version, or null for versions this type does not recognise.</summary>
    public UuidVersion? GetVersion()
    {
        if (_value == UInt128.Zero)
            return UuidVersion.Nil;
        if (_value == UInt128.MaxValue)
            return UuidVersion.Max;
        return (ToBigEndian()[6] >> 4) switch
        {
            4 => UuidVersion.V4,
            7 => UuidVersion.V7,
            _ => null,
        };
    }

    /// <summary>From a <see cref="Guid"/> (same text form).</summary>
    public static Uuid FromGuid(Guid guid)
    {
        Span<byte> b = stackalloc byte[16];
        guid.TryWriteBytes(b, bigEndian: true, out _);
        return new(BinaryPrimitives.ReadUInt128BigEndian(b));
    }

    /// <summary>To a <see cref="Guid"/> (same text form).</summary>
    public Guid ToGuid() => new(ToBigEndian(), bigEndian: true);

    /// <summary>Parses the standard dashed form.</summary>
    public static Uuid Parse(string text) => FromGuid(Guid.Parse(text));

    /// <summary>The value as a u128.</summary>
    public U128 AsU128() => new(_value);

    /// <inheritdoc />
    public int CompareTo(Uuid other) => _value.CompareTo(other._value);

    /// <summary>Less than.</summary>
    public static bool operator <(Uuid a, Uuid b) => a._value < b._value;

    /// <summary>Greater than.</summary>
    public static bool operator >(Uuid a, Uuid b) => a._value > b._value;

    /// <summary>Less than or equal.</summary>
    public static bool operator <=(Uuid a, Uuid b) => a.CompareTo(b) <= 0;

    /// <summary>Greater than or equal.</summary>
    public static bool operator >=(Uuid a, Uuid b) => a.CompareTo(b) >= 0;

    /// <summary>The standard dashed lower-case form.</summary>
    public override string ToString() => ToGuid().ToString();

    private byte[] ToBigEndian()
    {
        var b = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(b, _value);
        return b;
    }

    /// <summary>Serializer.</summary>
    public readonly struct BSATN : IReadWrite<Uuid>
    {
        /// <inheritdoc />
        public Uuid Read(ref BsatnReader reader) => new(reader.ReadU128());

        /// <inheritdoc />
        public void Write(BsatnWriter writer, Uuid value) => writer.WriteU128(value._value);

        /// <inheritdoc />
        public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.Uuid;
    }
}
