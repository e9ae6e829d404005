using Meridian.Sats.Bsatn;

namespace Meridian.Sats.Types;

// The AlgebraicType meta-type (protocol.md §6.3): how types themselves are encoded, e.g. in RawModuleDef.
public abstract partial class AlgebraicType
{
    /// <summary>Deepest type nesting accepted when decoding a type; deeper input is a decode error.</summary>
    public const int MaxTypeDepth = 128;

    /// <summary>Appends this type's meta-type BSATN encoding.</summary>
    public void WriteBsatn(BsatnWriter writer)
    {
        writer.WriteSumTag((byte)Tag);
        switch (this)
        {
            case RefType r:
                writer.WriteU32(r.Index);
                break;
            case SumType s:
                s.WriteVariants(writer);
                break;
            case ProductType p:
                p.WriteElements(writer);
                break;
            case ArrayType a:
                a.ElementType.WriteBsatn(writer);
                break;
        }
    }

    /// <summary>Reads a type in its meta-type BSATN encoding.</summary>
    public static AlgebraicType ReadBsatn(ref BsatnReader reader) => Read(ref reader, 0);

    /// <summary>Decodes a type from a buffer that holds exactly one encoded type.</summary>
    public static AlgebraicType FromBsatn(ReadOnlySpan<byte> bsatn)
    {
        var reader = new BsatnReader(bsatn);
        var type = ReadBsatn(ref reader);
        reader.EnsureAtEnd("type");
        return type;
    }

    /// <summary>The meta-type BSATN encoding as a new array.</summary>
    public byte[] ToBsatn()
    {
        var w = new BsatnWriter(64);
        WriteBsatn(w);
        return w.ToArray();
    }

    internal static AlgebraicType Read(ref BsatnReader reader, int depth)
    {
        if (depth > MaxTypeDepth)
            throw new BsatnDecodeException($"Type nested deeper than {MaxTypeDepth} levels at offset {reader.Position}.", reader.Position);
        var tag = (AlgebraicTypeTag)reader.ReadSumTag(20, "AlgebraicType");
        return tag switch
        {
            AlgebraicTypeTag.Ref => new RefType(reader.ReadU32()),
            AlgebraicTypeTag.Sum => SumType.ReadVariants(ref reader, depth + 1),
            AlgebraicTypeTag.Product => ProductType.ReadElements(ref reader, depth + 1),
            AlgebraicTypeTag.Array => new ArrayType(Read(ref reader, depth + 1)),
            _ => Primitive(tag),
        };
    }

    private protected static void WriteOptionalName(BsatnWriter writer, string? name)
    {
        if (name is null)
        {
            writer.WriteSumTag(1);
        }
        else
        {
            writer.WriteSumTag(0);
            writer.WriteString(name);
        }
    }

    private protected static string? ReadOptionalName(ref BsatnReader reader) =>
        reader.ReadSumTag(2, "Option<string>") == 0 ? reader.ReadString() : null;
}

public sealed partial class ProductType
{
    /// <summary>Appends the <c>ProductType</c> encoding (element list) without the AlgebraicType tag.</summary>
    public void WriteElements(BsatnWriter writer)
    {
        writer.WriteArrayLength(_elements.Length);
        foreach (var e in _elements)
        {
            WriteOptionalName(writer, e.Name);
            e.Type.WriteBsatn(writer);
        }
    }

    /// <summary>Reads a <c>ProductType</c> (element list, no AlgebraicType tag).</summary>
    public static ProductType ReadElements(ref BsatnReader reader) => ReadElements(ref reader, 0);

    internal static ProductType ReadElements(ref BsatnReader reader, int depth)
    {
        // Each element takes at least 2 bytes: the option tag and the type tag.
        var count = reader.ReadArrayLength(2, "product elements");
        var elements = new ProductTypeElement[count];
        for (var i = 0; i < count; i++)
        {
            var name = ReadOptionalName(ref reader);
            elements[i] = new ProductTypeElement(name, Read(ref reader, depth));
        }
        return new ProductType(elements);
    }
}

public sealed partial class SumType
{
    /// <summary>Appends the <c>SumType</c> encoding (variant list) without the AlgebraicType tag.</summary>
    public void WriteVariants(BsatnWriter writer)
    {
        writer.WriteArrayLength(_variants.Length);
        foreach (var v in _variants)
        {
            WriteOptionalName(writer, v.Name);
            v.Type.WriteBsatn(writer);
        }
    }

    /// <summary>Reads a <c>SumType</c> (variant list, no AlgebraicType tag).</summary>
    public static SumType ReadVariants(ref BsatnReader reader) => ReadVariants(ref reader, 0);

    internal static SumType ReadVariants(ref BsatnReader reader, int depth)
    {
        var at = reader.Position;
        var count = reader.ReadArrayLength(2, "sum variants");
        if (count > 256)
            throw new BsatnDecodeException($"Sum type at offset {at} has {count} variants; at most 256 are allowed.", at);
        var variants = new SumTypeVariant[count];
        for (var i = 0; i < count; i++)
        {
            var name = ReadOptionalName(ref reader);
            variants[i] = new SumTypeVariant(name, Read(ref reader, depth));
        }
        return new SumType(variants);
    }
}
