using System.Text;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Hashing;
using Meridian.Sats.Numerics;
using Meridian.Sats.Types;
using Meridian.Sats.Values;

namespace Meridian.Sats;

/// <summary>
/// Who a caller is: a 256-bit value derived from a token's issuer and subject. Text form is 64
/// big-endian hex digits (always starting <c>c200</c> for derived identities); BSATN is 32
/// little-endian bytes.
/// </summary>
public readonly struct Identity : IEquatable<Identity>, IComparable<Identity>
{
    /// <summary>The identity as an unsigned 256-bit integer.</summary>
    public UInt256 Value { get; }

    /// <summary>Wraps a u256.</summary>
    public Identity(UInt256 value) => Value = value;

    /// <summary>The all-zero identity.</summary>
    public static Identity Zero => default;

    /// <summary>The SATS type of an identity.</summary>
    public static ProductType AlgebraicType => Types.AlgebraicType.Identity;

    /// <summary>
    /// The identity of the token holder with issuer <paramref name="issuer"/> and subject
    /// <paramref name="subject"/>: <c>c2 00</c>, a 4-byte checksum and 26 bytes of
    /// BLAKE3(<c>"{iss}|{sub}"</c>), read as a big-endian u256.
    /// </summary>
    public static Identity FromClaims(string issuer, string subject)
    {
        Span<byte> hash = stackalloc byte[32];
        Blake3.Hash(Encoding.UTF8.GetBytes(issuer + "|" + subject), hash);

        Span<byte> bytes = stackalloc byte[32];
        bytes[0] = 0xc2;
        bytes[1] = 0x00;
        hash[..26].CopyTo(bytes[6..]);

        Span<byte> checksumInput = stackalloc byte[28];
        checksumInput[0] = 0xc2;
        checksumInput[1] = 0x00;
        hash[..26].CopyTo(checksumInput[2..]);
        Blake3.Hash(checksumInput, hash);
        hash[..4].CopyTo(bytes[2..]);

        return new Identity(UInt256.ReadBigEndian(bytes));
    }

    /// <summary>From 32 big-endian bytes (the order of the hex text).</summary>
    public static Identity FromBigEndian(ReadOnlySpan<byte> bytes) => new(UInt256.ReadBigEndian(bytes));

    /// <summary>From 32 little-endian bytes (the BSATN order).</summary>
    public static Identity FromLittleEndian(ReadOnlySpan<byte> bytes) => new(UInt256.ReadLittleEndian(bytes));

    /// <summary>Parses 64 hex digits, with or without <c>0x</c>.</summary>
    public static Identity FromHexString(string hex) =>
        TryParse(hex, out var id) ? id : throw new FormatException($"'{hex}' is not an identity: expected 64 hex digits, optionally prefixed with 0x.");

    /// <summary>Parses 64 hex digits, with or without <c>0x</c>.</summary>
    public static bool TryParse(ReadOnlySpan<char> hex, out Identity identity)
    {
        identity = default;
        if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            hex = hex[2..];
        if (hex.Length != 64 || !UInt256.TryParseHex(hex, out var v))
            return false;
        identity = new Identity(v);
        return true;
    }

    /// <summary>64 lowercase big-endian hex digits, no prefix.</summary>
    public string ToHexString() => Value.ToHexString();

    /// <summary>The 32 big-endian bytes.</summary>
    public byte[] ToBigEndianBytes()
    {
        var bytes = new byte[32];
        Value.WriteBigEndian(bytes);
        return bytes;
    }

    /// <summary>Writes the BSATN encoding (32 little-endian bytes).</summary>
    public void WriteBsatn(BsatnWriter writer) => writer.WriteU256(Value);

    /// <summary>Reads the BSATN encoding.</summary>
    public static Identity ReadBsatn(ref BsatnReader reader) => new(reader.ReadU256());

    /// <summary>As a SATS value of <see cref="AlgebraicType"/>.</summary>
    public AlgebraicValue ToValue() => AlgebraicValue.Product(AlgebraicValue.U256(Value));

    /// <summary>From a SATS value of <see cref="AlgebraicType"/>.</summary>
    public static Identity FromValue(AlgebraicValue value) => new(value.AsProduct()[0].AsU256());

    /// <inheritdoc />
    public bool Equals(Identity other) => Value == other.Value;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Identity other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Value.GetHashCode();

    /// <inheritdoc />
    public int CompareTo(Identity other) => Value.CompareTo(other.Value);

    /// <summary>The hex text.</summary>
    public override string ToString() => ToHexString();

    /// <summary>Equality.</summary>
    public static bool operator ==(Identity left, Identity right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Identity left, Identity right) => !left.Equals(right);

    /// <summary>Ordering.</summary>
    public static bool operator <(Identity left, Identity right) => left.CompareTo(right) < 0;

    /// <summary>Ordering.</summary>
    public static bool operator >(Identity left, Identity right) => left.CompareTo(right) > 0;

    /// <summary>Ordering.</summary>
    public static bool operator <=(Identity left, Identity right) => left.CompareTo(right) <= 0;

    /// <summary>Ordering.</summary>
    public static bool operator >=(Identity left, Identity right) => left.CompareTo(right) >= 0;
}
