using System.Buffers.Binary;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;

namespace Meridian.Storage.Indexes;

/// <summary>
/// Order-preserving ("memcomparable") encoding of BSATN values: comparing two encodings byte by byte
/// orders them like the values. Integers become big-endian with the sign bit flipped, floats are
/// bit-twiddled, strings are escaped (0x00 → 0x00 0xFF) and terminated by 0x00 0x00, array elements
/// are prefixed by 0x01 and the array closed by 0x00, sums are the tag then the payload. Every
/// encoding is self-delimiting, so a multi-column key is the concatenation of its columns and a
/// prefix of columns is a byte prefix.
/// </summary>
/// <remarks>
/// Strings order by UTF-8 bytes, i.e. by code point, which differs from UTF-16 ordinal order only
/// for characters above U+FFFF against U+E000–U+FFFF. Floats order by IEEE total order (-0 before +0).
/// </remarks>
internal static class KeyEncoding
{
    [ThreadStatic]
    private static BsatnWriter? _scratch;

    /// <summary>A thread-local scratch writer, reset.</summary>
    public static BsatnWriter Scratch()
    {
        var w = _scratch ??= new BsatnWriter(256);
        w.Reset();
        return w;
    }

    /// <summary>Reads one BSATN value of <paramref name="type"/> and appends its ordered encoding.</summary>
    public static void Append(ref BsatnReader reader, AlgebraicType type, Typespace typespace, BsatnWriter output)
    {
        type = typespace.Resolve(type);
        switch (type.Tag)
        {
            case AlgebraicTypeTag.Bool:
                output.WriteU8(reader.ReadBool() ? (byte)1 : (byte)0);
                return;
            case AlgebraicTypeTag.U8:
                output.WriteU8(reader.ReadU8());
                return;
            case AlgebraicTypeTag.I8:
                output.WriteU8((byte)(reader.ReadU8() ^ 0x80));
                return;
            case AlgebraicTypeTag.U16:
                BinaryPrimitives.WriteUInt16BigEndian(output.Take(2), reader.ReadU16());
                return;
            case AlgebraicTypeTag.I16:
                BinaryPrimitives.WriteUInt16BigEndian(output.Take(2), (ushort)(reader.ReadU16() ^ 0x8000));
                return;
            case AlgebraicTypeTag.U32:
                BinaryPrimitives.WriteUInt32BigEndian(output.Take(4), reader.ReadU32());
                return;
            case AlgebraicTypeTag.I32:
                BinaryPrimitives.WriteUInt32BigEndian(output.Take(4), reader.ReadU32() ^ 0x8000_0000u);
                return;
            case AlgebraicTypeTag.U64:
                BinaryPrimitives.WriteUInt64BigEndian(output.Take(8), reader.ReadU64());
                return;
            case AlgebraicTypeTag.I64:
                BinaryPrimitives.WriteUInt64BigEndian(output.Take(8), reader.ReadU64() ^ 0x8000_0000_0000_0000ul);
                return;
            case AlgebraicTypeTag.U128:
                BinaryPrimitives.WriteUInt128BigEndian(output.Take(16), reader.ReadU128());
                return;
            case AlgebraicTypeTag.I128:
                BinaryPrimitives.WriteUInt128BigEndian(output.Take(16), reader.ReadU128() ^ (UInt128.One << 127));
                return;
            case AlgebraicTypeTag.U256:
                reader.ReadU256().WriteBigEndian(output.Take(32));
                return;
            case AlgebraicTypeTag.I256:
            {
                var bits = Sats.Numerics.UInt256.ReadLittleEndian(reader.ReadRaw(32));
                var span = output.Take(32);
                bits.WriteBigEndian(span);
                span[0] ^= 0x80;
                return;
            }
            case AlgebraicTypeTag.F32:
            {
                var bits = reader.ReadU32();
                bits = (bits & 0x8000_0000u) != 0 ? ~bits : bits ^ 0x8000_0000u;
                BinaryPrimitives.WriteUInt32BigEndian(output.Take(4), bits);
                return;
            }
            case AlgebraicTypeTag.F64:
            {
                var bits = reader.ReadU64();
                bits = (bits & 0x8000_0000_0000_0000ul) != 0 ? ~bits : bits ^ 0x8000_0000_0000_0000ul;
                BinaryPrimitives.WriteUInt64BigEndian(output.Take(8), bits);
                return;
            }
            case AlgebraicTypeTag.String:
                AppendEscaped(reader.ReadBytes(), output);
                return;
            case AlgebraicTypeTag.Array:
            {
                var element = ((ArrayType)type).ElementType;
                var count = reader.ReadArrayLength(0);
                for (var i = 0; i < count; i++)
                {
                    output.WriteU8(1);
                    Append(ref reader, element, typespace, output);
                }
                output.WriteU8(0);
                return;
            }
            case AlgebraicTypeTag.Product:
                foreach (var e in ((ProductType)type).Elements)
                    Append(ref reader, e.Type, typespace, output);
                return;
            case AlgebraicTypeTag.Sum:
            {
                var variants = ((SumType)type).Variants;
                var tag = reader.ReadSumTag(variants.Count);
                output.WriteU8(tag);
                Append(ref reader, variants[tag].Type, typespace, output);
                return;
            }
            default:
                throw new InvalidOperationException($"Cannot encode a {type.Tag} as an index key.");
        }
    }

    private static void AppendEscaped(ReadOnlySpan<byte> bytes, BsatnWriter output)
    {
        while (true)
        {
            var zero = bytes.IndexOf((byte)0);
            if (zero < 0)
            {
                output.WriteRaw(bytes);
                break;
            }
            output.WriteRaw(bytes[..(zero + 1)]);
            output.WriteU8(0xFF);
            bytes = bytes[(zero + 1)..];
        }
        output.WriteU8(0);
        output.WriteU8(0);
    }

    /// <summary>
    /// The smallest byte string greater than every string that starts with <paramref name="prefix"/>,
    /// or null when there is none (the prefix is all 0xFF).
    /// </summary>
    public static byte[]? PrefixSuccessor(ReadOnlySpan<byte> prefix)
    {
        var end = prefix.Length;
        while (end > 0 && prefix[end - 1] == 0xFF)
            end--;
        if (end == 0)
            return null;
        var result = prefix[..end].ToArray();
        result[end - 1]++;
        return result;
    }
}
