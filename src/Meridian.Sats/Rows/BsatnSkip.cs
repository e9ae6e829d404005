using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;

namespace Meridian.Sats.Rows;

/// <summary>Walks over BSATN values without decoding them, to find column boundaries inside a row.</summary>
internal static class BsatnSkip
{
    /// <summary>Fixed encoded size of a (resolved) type, or -1 when values vary in size.</summary>
    public static int FixedSize(AlgebraicType type, Typespace typespace, int depth = 0)
    {
        if (depth > 64)
            return -1;
        type = typespace.Resolve(type);
        switch (type)
        {
            case ProductType p:
            {
                var total = 0;
                foreach (var e in p.Elements)
                {
                    var s = FixedSize(e.Type, typespace, depth + 1);
                    if (s < 0)
                        return -1;
                    total += s;
                }
                return total;
            }
            case SumType s:
            {
                // Fixed only when every variant's payload has the same fixed size (e.g. plain enums).
                var size = -2;
                foreach (var v in s.Variants)
                {
                    var vs = FixedSize(v.Type, typespace, depth + 1);
                    if (vs < 0 || (size != -2 && vs != size))
                        return -1;
                    size = vs;
                }
                return size == -2 ? -1 : 1 + size;
            }
            case ArrayType:
                return -1;
            default:
                return type.FixedSize;
        }
    }

    /// <summary>Advances <paramref name="reader"/> past one value of <paramref name="type"/>.</summary>
    public static void Skip(ref BsatnReader reader, AlgebraicType type, Typespace typespace)
    {
        type = typespace.Resolve(type);
        switch (type.Tag)
        {
            case AlgebraicTypeTag.String:
                reader.ReadBytes();
                return;
            case AlgebraicTypeTag.Array:
            {
                var element = ((ArrayType)type).ElementType;
                var fixedSize = FixedSize(element, typespace);
                if (fixedSize >= 0)
                {
                    var count = reader.ReadArrayLength(Math.Max(fixedSize, 0));
                    reader.ReadRaw(checked(count * fixedSize));
                    return;
                }
                var n = reader.ReadArrayLength(0);
                for (var i = 0; i < n; i++)
                    Skip(ref reader, element, typespace);
                return;
            }
            case AlgebraicTypeTag.Product:
                foreach (var e in ((ProductType)type).Elements)
                    Skip(ref reader, e.Type, typespace);
                return;
            case AlgebraicTypeTag.Sum:
            {
                var variants = ((SumType)type).Variants;
                var tag = reader.ReadSumTag(variants.Count);
                Skip(ref reader, variants[tag].Type, typespace);
                return;
            }
            default:
                reader.ReadRaw(type.FixedSize);
                return;
        }
    }
}
