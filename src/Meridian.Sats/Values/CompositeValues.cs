using System.Text;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;

namespace Meridian.Sats.Values;

/// <summary>A product value: its elements in order.</summary>
public sealed class ProductValue : AlgebraicValue
{
    private readonly AlgebraicValue[] _elements;

    internal ProductValue(AlgebraicValue[] elements) => _elements = elements;

    /// <summary>The elements in order.</summary>
    public IReadOnlyList<AlgebraicValue> Elements => _elements;

    /// <summary>The element at <paramref name="index"/>.</summary>
    public AlgebraicValue this[int index] => _elements[index];

    /// <summary>Number of elements.</summary>
    public int Count => _elements.Length;

    /// <inheritdoc />
    public override AlgebraicTypeTag Kind => AlgebraicTypeTag.Product;

    /// <inheritdoc />
    public override void WriteBsatn(BsatnWriter writer)
    {
        foreach (var e in _elements)
            e.WriteBsatn(writer);
    }

    /// <inheritdoc />
    public override bool Equals(AlgebraicValue? other) =>
        other is ProductValue p && p._elements.AsSpan().SequenceEqual(_elements);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var e in _elements)
            h.Add(e);
        return h.ToHashCode();
    }

    private protected override int CompareSameKind(AlgebraicValue other) =>
        CompareSequences(_elements, ((ProductValue)other)._elements);

    internal static int CompareSequences(AlgebraicValue[] a, AlgebraicValue[] b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var c = a[i].CompareTo(b[i]);
            if (c != 0)
                return c;
        }
        return a.Length.CompareTo(b.Length);
    }

    internal override void AppendTo(StringBuilder sb)
    {
        sb.Append('(');
        for (var i = 0; i < _elements.Length; i++)
        {
            if (i > 0)
                sb.Append(", ");
            _elements[i].AppendTo(sb);
        }
        sb.Append(')');
    }
}

/// <summary>A sum value: the variant's tag and its payload.</summary>
public sealed class SumValue : AlgebraicValue
{
    internal SumValue(byte tag, AlgebraicValue payload)
    {
        Tag = tag;
        Payload = payload ?? throw new ArgumentNullException(nameof(payload));
    }

    /// <summary>The variant's index in its sum type.</summary>
    public byte Tag { get; }

    /// <summary>The variant's payload (the unit product for unit variants).</summary>
    public AlgebraicValue Payload { get; }

    /// <inheritdoc />
    public override AlgebraicTypeTag Kind => AlgebraicTypeTag.Sum;

    /// <inheritdoc />
    public override void WriteBsatn(BsatnWriter writer)
    {
        writer.WriteSumTag(Tag);
        Payload.WriteBsatn(writer);
    }

    /// <inheritdoc />
    public override bool Equals(AlgebraicValue? other) => other is SumValue s && s.Tag == Tag && s.Payload.Equals(Payload);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Tag, Payload);

    private protected override int CompareSameKind(AlgebraicValue other)
    {
        var s = (SumValue)other;
        var c = Tag.CompareTo(s.Tag);
        return c != 0 ? c : Payload.CompareTo(s.Payload);
    }

    internal override void AppendTo(StringBuilder sb)
    {
        sb.Append('#').Append(Tag).Append('(');
        Payload.AppendTo(sb);
        sb.Append(')');
    }
}

/// <summary>An array value: elements of one type.</summary>
public sealed class ArrayValue : AlgebraicValue
{
    private readonly AlgebraicValue[] _elements;

    internal ArrayValue(AlgebraicValue[] elements) => _elements = elements;

    /// <summary>The elements in order.</summary>
    public IReadOnlyList<AlgebraicValue> Elements => _elements;

    /// <summary>Number of elements.</summary>
    public int Count => _elements.Length;

    /// <summary>The element at <paramref name="index"/>.</summary>
    public AlgebraicValue this[int index] => _elements[index];

    /// <inheritdoc />
    public override AlgebraicTypeTag Kind => AlgebraicTypeTag.Array;

    /// <summary>The elements as bytes, when this is an array of u8.</summary>
    public byte[] ToByteArray()
    {
        var bytes = new byte[_elements.Length];
        for (var i = 0; i < bytes.Length; i++)
            bytes[i] = _elements[i].AsU8();
        return bytes;
    }

    /// <inheritdoc />
    public override void WriteBsatn(BsatnWriter writer)
    {
        writer.WriteArrayLength(_elements.Length);
        foreach (var e in _elements)
            e.WriteBsatn(writer);
    }

    /// <inheritdoc />
    public override bool Equals(AlgebraicValue? other) =>
        other is ArrayValue a && a._elements.AsSpan().SequenceEqual(_elements);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(_elements.Length);
        foreach (var e in _elements)
            h.Add(e);
        return h.ToHashCode();
    }

    private protected override int CompareSameKind(AlgebraicValue other) =>
        ProductValue.CompareSequences(_elements, ((ArrayValue)other)._elements);

    internal override void AppendTo(StringBuilder sb)
    {
        sb.Append('[');
        for (var i = 0; i < _elements.Length; i++)
        {
            if (i > 0)
                sb.Append(", ");
            _elements[i].AppendTo(sb);
        }
        sb.Append(']');
    }
}
