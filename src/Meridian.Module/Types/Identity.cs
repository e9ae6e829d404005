using System.Globalization;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Numerics;
using Meridian.Sats.Types;
using SpacetimeDB.BSATN;

namespace SpacetimeDB;

/// <summary>A 256-bit identity of a user or database; special product <c>{ __identity__: U256 }</c>.</summary>
public readonly record struct Identity : IComparable<Identity>
{
    private readonly UInt256 _value;

    private Identity(UInt256 value) => _value = value;

    /// <summary>Creates an identity from 32 little-endian bytes.</summary>
    public Identity(ReadOnlySpan<byte> littleEndianBytes)
    {
        if (littleEndianBytes.Length != 32)
            throw new ArgumentException("An identity is 32 bytes.", nameof(littleEndianBytes));
        _value = UInt256.ReadLittleEndian(littleEndianBytes);
    }

    /// <summary>Creates an identity from 32 little-endian bytes.</summary>
    public static Identity From(ReadOnlySpan<byte> littleEndianBytes) => new(littleEndianBytes);

    /// <summary>Creates an identity from 32 big-endian bytes.</summary>
    public static Identity FromBigEndian(ReadOnlySpan<byte> bigEndianBytes)
    {
        if (bigEndianBytes.Length != 32)
            throw new ArgumentException("An identity is 32 bytes.", nameof(bigEndianBytes));
        return new(UInt256.ReadBigEndian(bigEndianBytes));
    }

    /// <summary>Parses 64 hex digits (big-endian).</summary>
    public static Identity FromHexString(string hex)
    {
        if (hex.Length != 64)
            throw new ArgumentException("An identity is 64 hex digits.", nameof(hex));
        return FromBigEndian(Convert.FromHexString(hex));
    }

    /// <summary>The value as a 256-bit integer.</summary>
    public U256 ToU256() => new(_value);

    /// <summary>The 32 big-endian bytes.</summary>
    public byte[] ToByteArrayBigEndian()
    {
        var bytes = new byte[32];
        _value.WriteBigEndian(bytes);
        return bytes;
    }

    /// <inheritdoc />
    public int CompareTo(Identity other) => _value.CompareTo(other._value);

    /// <summary>Less than.</summary>
    public static bool operator <(Identity a, Identity b) => a.CompareTo(b) < 0;

    /// <summary>Less than or equal.</summary>
    public static bool operator <=(Identity a, Identity b) => a.CompareTo(b) <= 0;

    /// <summary>Greater than.</summary>
    public static bool operator >(Identity a, Identity b) => a.CompareTo(b) > 0;

    /// <summary>Greater than or equal.</summary>
    public static bool operator >=(Identity a, Identity b) => a.CompareTo(b) >= 0;

    /// <summary>64 upper-case hex digits, big-endian.</summary>
    public override string ToString() => Convert.ToHexString(ToByteArrayBigEndian());

    /// <summary>Serializer.</summary>
    public readonly struct BSATN : IReadWrite<Identity>
    {
        /// <inheritdoc />
        public Identity Read(ref BsatnReader reader) => new(reader.ReadU256());

        /// <inheritdoc />
        public void Write(BsatnWriter writer, Identity value) => writer.WriteU256(value._value);

        /// <inheritdoc />
        public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.Identity;
    }
}

/// <summary>A 128-bit connection id; special product <c>{ __connection_id__: U128 }</c>.</summary>
public readonly record struct ConnectionId : IComparable<ConnectionId>
{
    private readonly UInt128 _value;

    private ConnectionId(UInt128 value) => _value = value;

    /// <summary>Creates a connection id from 16 little-endian bytes; all zeros gives null.</summary>
    public static ConnectionId? From(ReadOnlySpan<byte> littleEndianBytes)
    {
        if (littleEndianBytes.Length != 16)
            throw new ArgumentException("A connection id is 16 bytes.", nameof(littleEndianBytes));
        return FromU128(System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(littleEndianBytes));
    }

    /// <summary>Creates a connection id from 16 big-endian bytes; all zeros gives null.</summary>
    public static ConnectionId? FromBigEndian(ReadOnlySpan<byte> bigEndianBytes)
    {
        if (bigEndianBytes.Length != 16)
            throw new ArgumentException("A connection id is 16 bytes.", nameof(bigEndianBytes));
        return FromU128(System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bigEndianBytes));
    }

    /// <summary>Parses 32 hex digits; all zeros gives null.</summary>
    public static ConnectionId? FromHexString(string hex) =>
        hex.Length == 32 ? FromBigEndian(Convert.FromHexString(hex)) : throw new ArgumentException("A connection id is 32 hex digits.", nameof(hex));

    /// <summary>A random non-zero connection id.</summary>
    public static ConnectionId Random()
    {
        Span<byte> bytes = stackalloc byte[16];
        do
            System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
        while (bytes.IndexOfAnyExcept((byte)0) < 0);
        return new(System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(bytes));
    }

    /// <summary>Wraps a 128-bit value, zero included (the host uses this).</summary>
    public static ConnectionId FromU128Unchecked(UInt128 value) => new(value);

    /// <summary>The value as a 128-bit integer.</summary>
    public UInt128 ToU128() => _value;

    private static ConnectionId? FromU128(UInt128 value) => value == UInt128.Zero ? null : new ConnectionId(value);

    /// <inheritdoc />
    public int CompareTo(ConnectionId other) => _value.CompareTo(other._value);

    /// <summary>Less than.</summary>
    public static bool operator <(ConnectionId a, ConnectionId b) => a.CompareTo(b) < 0;

    /// <summary>Less than or equal.</summary>
    public static bool operator <=(ConnectionId a, ConnectionId b) => a.CompareTo(b) <= 0;

    /// <summary>Greater than.</summary>
    public static bool operator >(ConnectionId a, ConnectionId b) => a.CompareTo(b) > 0;

    /// <summary>Greater than or equal.</summary>
    public static bool operator >=(ConnectionId a, ConnectionId b) => a.CompareTo(b) >= 0;

    /// <summary>32 lower-case hex digits, big-endian.</summary>
    public override string ToString() => _value.ToString("x32", CultureInfo.InvariantCulture);

    /// <summary>Serializer.</summary>
    public readonly struct BSATN : IReadWrite<ConnectionId>
    {
        /// <inheritdoc />
        public ConnectionId Read(ref BsatnReader reader) => new(reader.ReadU128());

        /// <inheritdoc />
        public void Write(BsatnWriter writer, ConnectionId value) => writer.WriteU128(value._value);

        /// <inheritdoc />
        public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.ConnectionId;
    }
}
