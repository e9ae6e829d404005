using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using Meridian.Sats.Values;

namespace Meridian.Sats;

/// <summary>
/// One connection of a client: a non-zero 128-bit value. Text form is 32 big-endian hex digits;
/// BSATN is 16 little-endian bytes. Zero means "no connection".
/// </summary>
public readonly struct ConnectionId : IEquatable<ConnectionId>, IComparable<ConnectionId>
{
    /// <summary>The id as an unsigned 128-bit integer.</summary>
    public UInt128 Value { get; }

    /// <summary>Wraps a u128.</summary>
    public ConnectionId(UInt128 value) => Value = value;

    /// <summary>The zero id (no connection).</summary>
    public static ConnectionId Zero => default;

    /// <summary>True for the zero id.</summary>
    public bool IsZero => Value == UInt128.Zero;

    /// <summary>The SATS type of a connection id.</summary>
    public static ProductType AlgebraicType => Types.AlgebraicType.ConnectionId;

    /// <summary>A random non-zero id.</summary>
    public static ConnectionId Random()
    {
        Span<byte> bytes = stackalloc byte[16];
        UInt128 v;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            v = BinaryPrimitives.ReadUInt128LittleEndian(bytes);
        }
        while (v == UInt128.Zero);
        return new ConnectionId(v);
    }

    /// <summary>Parses 32 hex digits (big-endian), with or without <c>0x</c>.</summary>
    public static bool TryParse(ReadOnlySpan<char> hex, out ConnectionId id)
    {
        id = default;
        if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            hex = hex[2..];
        if (hex.Length != 32 || !UInt128.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v))
            return false;
        id = new ConnectionId(v);
        return true;
    }

    /// <summary>Parses 32 hex digits (big-endian), with or without <c>0x</c>.</summary>
    public static ConnectionId FromHexString(string hex) =>
        TryParse(hex, out var id) ? id : throw new FormatException($"'{hex}' is not a connection id: expected 32 hex digits, optionally prefixed with 0x.");

    /// <summary>32 lowercase big-endian hex digits.</summary>
    public string ToHexString() => Value.ToString("x32", CultureInfo.InvariantCulture);

    /// <summary>Writes the BSATN encoding (16 little-endian bytes).</summary>
    public void WriteBsatn(BsatnWriter writer) => writer.WriteU128(Value);

    /// <summary>Reads the BSATN encoding.</summary>
    public static ConnectionId ReadBsatn(ref BsatnReader reader) => new(reader.ReadU128());

    /// <summary>As a SATS value of <see cref="AlgebraicType"/>.</summary>
    public AlgebraicValue ToValue() => AlgebraicValue.Product(AlgebraicValue.U128(Value));

    /// <summary>From a SATS value of <see cref="AlgebraicType"/>.</summary>
    public static ConnectionId FromValue(AlgebraicValue value) => new(value.AsProduct()[0].AsU128());

    /// <inheritdoc />
    public bool Equals(ConnectionId other) => Value == other.Value;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ConnectionId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Value.GetHashCode();

    /// <inheritdoc />
    public int CompareTo(ConnectionId other) => Value.CompareTo(other.Value);

    /// <summary>The hex text.</summary>
    public override string ToString() => ToHexString();

    /// <summary>Equality.</summary>
    public static bool operator ==(ConnectionId left, ConnectionId right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(ConnectionId left, ConnectionId right) => !left.Equals(right);

    /// <summary>Ordering.</summary>
    public static bool operator <(ConnectionId left, ConnectionId right) => left.CompareTo(right) < 0;

    /// <summary>Ordering.</summary>
    public static bool operator >(ConnectionId left, ConnectionId right) => left.CompareTo(right) > 0;

    /// <summary>Ordering.</summary>
    public static bool operator <=(ConnectionId left, ConnectionId right) => left.CompareTo(right) <= 0;

    /// <summary>Ordering.</summary>
    public static bool operator >=(ConnectionId left, ConnectionId right) => left.CompareTo(right) >= 0;
}
