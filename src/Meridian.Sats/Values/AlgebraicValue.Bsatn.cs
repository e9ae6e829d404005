using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;

namespace Meridian.Sats.Values;

public abstract partial class AlgebraicValue
{
    /// <summary>Deepest nesting a decoded value may have; deeper input is a decode error, not a stack overflow.</summary>
    public const int MaxDepth = 256;

    /// <summary>Decodes one value of <paramref name="type"/> from <paramref name="bsatn"/>, which must hold exactly that value.</summary>
    public static AlgebraicValue FromBsatn(ReadOnlySpan<byte> bsatn, AlgebraicType type, Typespace? typespace = null)
    {
        var reader = new BsatnReader(bsatn);
        var value = ReadBsatn(ref reader, type, typespace);
        reader.EnsureAtEnd();
        return value;
    }

    /// <summary>Decodes one value of <paramref name="type"/>, resolving references in <paramref name="typespace"/>.</summary>
    public static AlgebraicValue ReadBsatn(ref BsatnReader reader, AlgebraicType type, Typespace? typespace = null) =>
        Read(ref reader, type, typespace ?? Typespace.Empty, 0);

    private static AlgebraicValue Read(ref BsatnReader reader, AlgebraicType type, Typespace ts, int depth)
    {
        if (depth > MaxDepth)
            throw new BsatnDecodeException($"Value nested deeper than {MaxDepth} levels at offset {reader.Position}.", reader.Position);
        switch (type.Tag)
        {
            case AlgebraicTypeTag.Ref:
                return Read(ref reader, ts.Resolve(type), ts, depth + 1);
            case AlgebraicTypeTag.Bool: return Bool(reader.ReadBool());
            case AlgebraicTypeTag.I8: return I8(reader.ReadI8());
            case AlgebraicTypeTag.U8: return U8(reader.ReadU8());
            case AlgebraicTypeTag.I16: return I16(reader.ReadI16());
            case AlgebraicTypeTag.U16: return U16(reader.ReadU16());
            case AlgebraicTypeTag.I32: return I32(reader.ReadI32());
            case AlgebraicTypeTag.U32: return U32(reader.ReadU32());
            case AlgebraicTypeTag.I64: return I64(reader.ReadI64());
            case AlgebraicTypeTag.U64: return U64(reader.ReadU64());
            case AlgebraicTypeTag.I128: return I128(reader.ReadI128());
            case AlgebraicTypeTag.U128: return U128(reader.ReadU128());
            case AlgebraicTypeTag.I256: return I256(reader.ReadI256());
            case AlgebraicTypeTag.U256: return U256(reader.ReadU256());
            case AlgebraicTypeTag.F32: return F32(reader.ReadF32());
            case AlgebraicTypeTag.F64: return F64(reader.ReadF64());
            case AlgebraicTypeTag.String: return String(reader.ReadString());
            case AlgebraicTypeTag.Array:
            {
                var elementType = ((ArrayType)type).ElementType;
                var count = reader.ReadArrayLength(MinEncodedSize(elementType, ts));
                var items = count == 0 ? [] : new AlgebraicValue[count];
                for (var i = 0; i < count; i++)
                {
                    try
                    {
                        items[i] = Read(ref reader, elementType, ts, depth + 1);
                    }
                    catch (BsatnDecodeException e)
                    {
                        throw e.Within($"[{i}]");
                    }
                }
                return new ArrayValue(items);
            }
            case AlgebraicTypeTag.Product:
            {
                var elements = ((ProductType)type).Elements;
                if (elements.Count == 0)
                    return Unit;
                var items = new AlgebraicValue[elements.Count];
                for (var i = 0; i < items.Length; i++)
                {
                    try
                    {
                        items[i] = Read(ref reader, elements[i].Type, ts, depth + 1);
                    }
                    catch (BsatnDecodeException e)
                    {
                        throw e.Within("." + (elements[i].Name ?? i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                    }
                }
                return new ProductValue(items);
            }
            case AlgebraicTypeTag.Sum:
            {
                var variants = ((SumType)type).Variants;
                var tag = reader.ReadSumTag(variants.Count);
                try
                {
                    return new SumValue(tag, Read(ref reader, variants[tag].Type, ts, depth + 1));
                }
                catch (BsatnDecodeException e)
                {
                    throw e.Within("." + (variants[tag].Name ?? "#" + tag));
                }
            }
            default:
                throw new InvalidOperationException($"Unknown type tag {type.Tag}.");
        }
    }

    /// <summary>
    /// The fewest bytes any value of <paramref name="type"/> encodes to; used to reject array lengths
    /// the input cannot hold before allocating.
    /// </summary>
    public static int MinEncodedSize(AlgebraicType type, Typespace? typespace = null) =>
        MinSize(type, typespace ?? Typespace.Empty, 0);

    private static int MinSize(AlgebraicType type, Typespace ts, int depth)
    {
        if (depth > 32)
            return 0; // deep or recursive types: stay conservative
        switch (type)
        {
            case RefType r when r.Index < (uint)ts.Types.Count:
                return MinSize(ts.Types[(int)r.Index], ts, depth + 1);
            case RefType:
                return 0;
            case ProductType p:
            {
                long sum = 0;
                foreach (var e in p.Elements)
                    sum += MinSize(e.Type, ts, depth + 1);
                return (int)Math.Min(sum, int.MaxValue);
            }
            case SumType s:
            {
                var min = int.MaxValue;
                foreach (var v in s.Variants)
                    min = Math.Min(min, MinSize(v.Type, ts, depth + 1));
                return s.Variants.Count == 0 ? 1 : 1 + min;
            }
            case ArrayType:
                return 4;
            default:
                return type.Tag == AlgebraicTypeTag.String ? 4 : type.FixedSize;
        }
    }
}
