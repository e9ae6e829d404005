namespace Meridian.Sats.Types;

/// <summary>
/// A SATS type: a primitive, a product (struct/tuple), a sum (tagged union), an array, or a
/// reference into a <see cref="Typespace"/>. Types compare structurally.
/// </summary>
public abstract partial class AlgebraicType : IEquatable<AlgebraicType>
{
    private protected AlgebraicType()
    {
    }

    /// <summary>Which kind of type this is.</summary>
    public abstract AlgebraicTypeTag Tag { get; }

    /// <summary>True for bool, integers, floats and string.</summary>
    public bool IsPrimitive => Tag >= AlgebraicTypeTag.String;

    /// <summary>The string type.</summary>
    public static AlgebraicType String { get; } = new PrimitiveType(AlgebraicTypeTag.String);

    /// <summary>The bool type.</summary>
    public static AlgebraicType Bool { get; } = new PrimitiveType(AlgebraicTypeTag.Bool);

    /// <summary>The i8 type.</summary>
    public static AlgebraicType I8 { get; } = new PrimitiveType(AlgebraicTypeTag.I8);

    /// <summary>The u8 type.</summary>
    public static AlgebraicType U8 { get; } = new PrimitiveType(AlgebraicTypeTag.U8);

    /// <summary>The i16 type.</summary>
    public static AlgebraicType I16 { get; } = new PrimitiveType(AlgebraicTypeTag.I16);

    /// <summary>The u16 type.</summary>
    public static AlgebraicType U16 { get; } = new PrimitiveType(AlgebraicTypeTag.U16);

    /// <summary>The i32 type.</summary>
    public static AlgebraicType I32 { get; } = new PrimitiveType(AlgebraicTypeTag.I32);

    /// <summary>The u32 type.</summary>
    public static AlgebraicType U32 { get; } = new PrimitiveType(AlgebraicTypeTag.U32);

    /// <summary>The i64 type.</summary>
    public static AlgebraicType I64 { get; } = new PrimitiveType(AlgebraicTypeTag.I64);

    /// <summary>The u64 type.</summary>
    public static AlgebraicType U64 { get; } = new PrimitiveType(AlgebraicTypeTag.U64);

    /// <summary>The i128 type.</summary>
    public static AlgebraicType I128 { get; } = new PrimitiveType(AlgebraicTypeTag.I128);

    /// <summary>The u128 type.</summary>
    public static AlgebraicType U128 { get; } = new PrimitiveType(AlgebraicTypeTag.U128);

    /// <summary>The i256 type.</summary>
    public static AlgebraicType I256 { get; } = new PrimitiveType(AlgebraicTypeTag.I256);

    /// <summary>The u256 type.</summary>
    public static AlgebraicType U256 { get; } = new PrimitiveType(AlgebraicTypeTag.U256);

    /// <summary>The f32 type.</summary>
    public static AlgebraicType F32 { get; } = new PrimitiveType(AlgebraicTypeTag.F32);

    /// <summary>The f64 type.</summary>
    public static AlgebraicType F64 { get; } = new PrimitiveType(AlgebraicTypeTag.F64);

    /// <summary>The unit type: a product with no elements.</summary>
    public static ProductType Unit { get; } = new([]);

    /// <summary>The type of <c>bytes</c>: an array of u8.</summary>
    public static ArrayType Bytes { get; } = new(U8);

    /// <summary>The primitive type for a primitive tag.</summary>
    public static AlgebraicType Primitive(AlgebraicTypeTag tag) => tag switch
    {
        AlgebraicTypeTag.String => String,
        AlgebraicTypeTag.Bool => Bool,
        AlgebraicTypeTag.I8 => I8,
        AlgebraicTypeTag.U8 => U8,
        AlgebraicTypeTag.I16 => I16,
        AlgebraicTypeTag.U16 => U16,
        AlgebraicTypeTag.I32 => I32,
        AlgebraicTypeTag.U32 => U32,
        AlgebraicTypeTag.I64 => I64,
        AlgebraicTypeTag.U64 => U64,
        AlgebraicTypeTag.I128 => I128,
        AlgebraicTypeTag.U128 => U128,
        AlgebraicTypeTag.I256 => I256,
        AlgebraicTypeTag.U256 => U256,
        AlgebraicTypeTag.F32 => F32,
        AlgebraicTypeTag.F64 => F64,
        _ => throw new ArgumentException($"{tag} is not a primitive type.", nameof(tag)),
    };

    /// <summary>A reference to entry <paramref name="index"/> of a typespace.</summary>
    public static RefType Ref(uint index) => new(index);

    /// <summary>An array of <paramref name="element"/>.</summary>
    public static ArrayType Array(AlgebraicType element) => new(element);

    /// <summary>A product of named elements.</summary>
    public static ProductType Product(params (string? Name, AlgebraicType Type)[] elements) =>
        new(elements.Select(e => new ProductTypeElement(e.Name, e.Type)));

    /// <summary>A sum of named variants.</summary>
    public static SumType Sum(params (string? Name, AlgebraicType Type)[] variants) =>
        new(variants.Select(v => new SumTypeVariant(v.Name, v.Type)));

    /// <summary>Fixed encoded size in bytes of a primitive, or -1 for variable-size types.</summary>
    public int FixedSize => Tag switch
    {
        AlgebraicTypeTag.Bool or AlgebraicTypeTag.I8 or AlgebraicTypeTag.U8 => 1,
        AlgebraicTypeTag.I16 or AlgebraicTypeTag.U16 => 2,
        AlgebraicTypeTag.I32 or AlgebraicTypeTag.U32 or AlgebraicTypeTag.F32 => 4,
        AlgebraicTypeTag.I64 or AlgebraicTypeTag.U64 or AlgebraicTypeTag.F64 => 8,
        AlgebraicTypeTag.I128 or AlgebraicTypeTag.U128 => 16,
        AlgebraicTypeTag.I256 or AlgebraicTypeTag.U256 => 32,
        _ => -1,
    };

    /// <inheritdoc />
    public abstract bool Equals(AlgebraicType? other);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is AlgebraicType other && Equals(other);

    /// <inheritdoc />
    public abstract override int GetHashCode();

    /// <summary>Structural equality.</summary>
    public static bool operator ==(AlgebraicType? left, AlgebraicType? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Structural inequality.</summary>
    public static bool operator !=(AlgebraicType? left, AlgebraicType? right) => !(left == right);
}

/// <summary>A primitive type: bool, an integer, a float or string.</summary>
public sealed class PrimitiveType : AlgebraicType
{
    internal PrimitiveType(AlgebraicTypeTag tag) => Tag = tag;

    /// <inheritdoc />
    public override AlgebraicTypeTag Tag { get; }

    /// <inheritdoc />
    public override bool Equals(AlgebraicType? other) => other is PrimitiveType p && p.Tag == Tag;

    /// <inheritdoc />
    public override int GetHashCode() => (int)Tag;

    /// <inheritdoc />
    public override string ToString() => Tag.ToString();
}

/// <summary>A reference to a type in a <see cref="Typespace"/>.</summary>
public sealed class RefType(uint index) : AlgebraicType
{
    /// <summary>Index into the typespace.</summary>
    public uint Index { get; } = index;

    /// <inheritdoc />
    public override AlgebraicTypeTag Tag => AlgebraicTypeTag.Ref;

    /// <inheritdoc />
    public override bool Equals(AlgebraicType? other) => other is RefType r && r.Index == Index;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(AlgebraicTypeTag.Ref, Index);

    /// <inheritdoc />
    public override string ToString() => $"&{Index}";
}

/// <summary>An array of elements of one type.</summary>
public sealed class ArrayType(AlgebraicType elementType) : AlgebraicType
{
    /// <summary>The element type.</summary>
    public AlgebraicType ElementType { get; } = elementType;

    /// <inheritdoc />
    public override AlgebraicTypeTag Tag => AlgebraicTypeTag.Array;

    /// <inheritdoc />
    public override bool Equals(AlgebraicType? other) => other is ArrayType a && a.ElementType.Equals(ElementType);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(AlgebraicTypeTag.Array, ElementType);

    /// <inheritdoc />
    public override string ToString() => $"Array<{ElementType}>";
}

/// <summary>One element of a product type: an optional name and a type.</summary>
public sealed record ProductTypeElement(string? Name, AlgebraicType Type);

/// <summary>One variant of a sum type: an optional name and the payload type.</summary>
public sealed record SumTypeVariant(string? Name, AlgebraicType Type);

/// <summary>A product type: named or unnamed elements in order (a struct, a tuple, a row).</summary>
public sealed partial class ProductType : AlgebraicType
{
    private readonly ProductTypeElement[] _elements;

    /// <summary>Creates a product type from its elements.</summary>
    public ProductType(IEnumerable<ProductTypeElement> elements) => _elements = elements.ToArray();

    /// <summary>The elements in order.</summary>
    public IReadOnlyList<ProductTypeElement> Elements => _elements;

    /// <inheritdoc />
    public override AlgebraicTypeTag Tag => AlgebraicTypeTag.Product;

    /// <summary>Index of the element named <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name)
    {
        for (var i = 0; i < _elements.Length; i++)
        {
            if (_elements[i].Name == name)
                return i;
        }
        return -1;
    }

    /// <inheritdoc />
    public override bool Equals(AlgebraicType? other) =>
        other is ProductType p && p._elements.AsSpan().SequenceEqual(_elements);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(AlgebraicTypeTag.Product);
        foreach (var e in _elements)
            h.Add(e);
        return h.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => "(" + string.Join(", ", _elements.Select(e => $"{e.Name ?? "_"}: {e.Type}")) + ")";
}

/// <summary>A sum type: a tagged union of variants in order.</summary>
public sealed partial class SumType : AlgebraicType
{
    private readonly SumTypeVariant[] _variants;

    /// <summary>Creates a sum type from its variants (at most 256).</summary>
    public SumType(IEnumerable<SumTypeVariant> variants)
    {
        _variants = variants.ToArray();
        if (_variants.Length > 256)
            throw new ArgumentException("A sum type has at most 256 variants.", nameof(variants));
    }

    /// <summary>The variants in tag order.</summary>
    public IReadOnlyList<SumTypeVariant> Variants => _variants;

    /// <inheritdoc />
    public override AlgebraicTypeTag Tag => AlgebraicTypeTag.Sum;

    /// <summary>True when every variant has the unit payload (a plain enum).</summary>
    public bool IsSimpleEnum => _variants.All(v => v.Type is ProductType { Elements.Count: 0 });

    /// <summary>Tag of the variant named <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name)
    {
        for (var i = 0; i < _variants.Length; i++)
        {
            if (_variants[i].Name == name)
                return i;
        }
        return -1;
    }

    /// <inheritdoc />
    public override bool Equals(AlgebraicType? other) =>
        other is SumType s && s._variants.AsSpan().SequenceEqual(_variants);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(AlgebraicTypeTag.Sum);
        foreach (var v in _variants)
            h.Add(v);
        return h.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => "{" + string.Join(" | ", _variants.Select(v => $"{v.Name ?? "_"}: {v.Type}")) + "}";
}
