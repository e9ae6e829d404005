using System.Text;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Numerics;
using Meridian.Sats.Types;

namespace Meridian.Sats.Values;

/// <summary>
/// A SATS value of any type, for code that only knows the type at run time (SQL results, HTTP JSON
/// arguments, commit-log inspection). Values compare structurally; values of the same type are
/// totally ordered. A value encodes to BSATN on its own; decoding needs the type.
/// </summary>
public abstract partial class AlgebraicValue : IEquatable<AlgebraicValue>, IComparable<AlgebraicValue>
{
    private protected AlgebraicValue()
    {
    }

    /// <summary>The kind of value: a primitive tag, Product, Sum or Array (never Ref).</summary>
    public abstract AlgebraicTypeTag Kind { get; }

    /// <summary>Appends this value's BSATN encoding.</summary>
    public abstract void WriteBsatn(BsatnWriter writer);

    /// <summary>This value's BSATN encoding as a new array.</summary>
    public byte[] ToBsatn()
    {
        var w = new BsatnWriter(64);
        WriteBsatn(w);
        return w.ToArray();
    }

    /// <inheritdoc />
    public abstract bool Equals(AlgebraicValue? other);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is AlgebraicValue v && Equals(v);

    /// <inheritdoc />
    public abstract override int GetHashCode();

    /// <summary>
    /// Orders values of the same type: numbers numerically, strings by code point (as their UTF-8 bytes), products and arrays
    /// lexicographically, sums by tag then payload. Values of different kinds order by kind.
    /// </summary>
    public int CompareTo(AlgebraicValue? other)
    {
        if (other is null)
            return 1;
        if (other.Kind != Kind)
            return Kind.CompareTo(other.Kind);
        return CompareSameKind(other);
    }

    private protected abstract int CompareSameKind(AlgebraicValue other);

    /// <summary>Equality.</summary>
    public static bool operator ==(AlgebraicValue? left, AlgebraicValue? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(AlgebraicValue? left, AlgebraicValue? right) => !(left == right);

    /// <summary>Orders as <see cref="CompareTo"/>; null sorts first.</summary>
    public static bool operator <(AlgebraicValue? left, AlgebraicValue? right) => Compare(left, right) < 0;

    /// <summary>Orders as <see cref="CompareTo"/>; null sorts first.</summary>
    public static bool operator <=(AlgebraicValue? left, AlgebraicValue? right) => Compare(left, right) <= 0;

    /// <summary>Orders as <see cref="CompareTo"/>; null sorts first.</summary>
    public static bool operator >(AlgebraicValue? left, AlgebraicValue? right) => Compare(left, right) > 0;

    /// <summary>Orders as <see cref="CompareTo"/>; null sorts first.</summary>
    public static bool operator >=(AlgebraicValue? left, AlgebraicValue? right) => Compare(left, right) >= 0;

    private static int Compare(AlgebraicValue? left, AlgebraicValue? right) =>
        left is null ? (right is null ? 0 : -1) : left.CompareTo(right);

    /// <summary>A compact debugging representation (not SATS-JSON).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        AppendTo(sb);
        return sb.ToString();
    }

    internal abstract void AppendTo(StringBuilder sb);

    // ---- construction ----

    /// <summary>A bool value.</summary>
    public static AlgebraicValue Bool(bool v) => v ? PrimitiveValue<bool>.True : PrimitiveValue<bool>.False;

    /// <summary>An i8 value.</summary>
    public static AlgebraicValue I8(sbyte v) => new PrimitiveValue<sbyte>(AlgebraicTypeTag.I8, v);

    /// <summary>A u8 value.</summary>
    public static AlgebraicValue U8(byte v) => new PrimitiveValue<byte>(AlgebraicTypeTag.U8, v);

    /// <summary>An i16 value.</summary>
    public static AlgebraicValue I16(short v) => new PrimitiveValue<short>(AlgebraicTypeTag.I16, v);

    /// <summary>A u16 value.</summary>
    public static AlgebraicValue U16(ushort v) => new PrimitiveValue<ushort>(AlgebraicTypeTag.U16, v);

    /// <summary>An i32 value.</summary>
    public static AlgebraicValue I32(int v) => new PrimitiveValue<int>(AlgebraicTypeTag.I32, v);

    /// <summary>A u32 value.</summary>
    public static AlgebraicValue U32(uint v) => new PrimitiveValue<uint>(AlgebraicTypeTag.U32, v);

    /// <summary>An i64 value.</summary>
    public static AlgebraicValue I64(long v) => new PrimitiveValue<long>(AlgebraicTypeTag.I64, v);

    /// <summary>A u64 value.</summary>
    public static AlgebraicValue U64(ulong v) => new PrimitiveValue<ulong>(AlgebraicTypeTag.U64, v);

    /// <summary>An i128 value.</summary>
    public static AlgebraicValue I128(Int128 v) => new PrimitiveValue<Int128>(AlgebraicTypeTag.I128, v);

    /// <summary>A u128 value.</summary>
    public static AlgebraicValue U128(UInt128 v) => new PrimitiveValue<UInt128>(AlgebraicTypeTag.U128, v);

    /// <summary>An i256 value.</summary>
    public static AlgebraicValue I256(Int256 v) => new PrimitiveValue<Int256>(AlgebraicTypeTag.I256, v);

    /// <summary>A u256 value.</summary>
    public static AlgebraicValue U256(UInt256 v) => new PrimitiveValue<UInt256>(AlgebraicTypeTag.U256, v);

    /// <summary>An f32 value.</summary>
    public static AlgebraicValue F32(float v) => new PrimitiveValue<float>(AlgebraicTypeTag.F32, v);

    /// <summary>An f64 value.</summary>
    public static AlgebraicValue F64(double v) => new PrimitiveValue<double>(AlgebraicTypeTag.F64, v);

    /// <summary>A string value.</summary>
    public static AlgebraicValue String(string v) => new StringValue(v);

    /// <summary>A product value with the given elements.</summary>
    public static ProductValue Product(params AlgebraicValue[] elements) => new(elements);

    /// <summary>The unit value, a product with no elements.</summary>
    public static ProductValue Unit { get; } = new([]);

    /// <summary>A sum value: variant <paramref name="tag"/> carrying <paramref name="payload"/>.</summary>
    public static SumValue Sum(byte tag, AlgebraicValue payload) => new(tag, payload);

    /// <summary>An array value.</summary>
    public static ArrayValue Array(params AlgebraicValue[] elements) => new(elements);

    /// <summary>A byte array (array of u8) value.</summary>
    public static ArrayValue Bytes(ReadOnlySpan<byte> bytes)
    {
        var items = new AlgebraicValue[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
            items[i] = U8(bytes[i]);
        return new ArrayValue(items);
    }

    /// <summary><c>some(v)</c> of an Option.</summary>
    public static SumValue OptionSome(AlgebraicValue v) => new(0, v);

    /// <summary><c>none</c> of an Option.</summary>
    public static SumValue OptionNone { get; } = new(1, Unit);

    // ---- access ----

    /// <summary>The bool inside; throws if this is not a bool.</summary>
    public bool AsBool() => As<bool>(AlgebraicTypeTag.Bool);

    /// <summary>The i8 inside.</summary>
    public sbyte AsI8() => As<sbyte>(AlgebraicTypeTag.I8);

    /// <summary>The u8 inside.</summary>
    public byte AsU8() => As<byte>(AlgebraicTypeTag.U8);

    /// <summary>The i16 inside.</summary>
    public short AsI16() => As<short>(AlgebraicTypeTag.I16);

    /// <summary>The u16 inside.</summary>
    public ushort AsU16() => As<ushort>(AlgebraicTypeTag.U16);

    /// <summary>The i32 inside.</summary>
    public int AsI32() => As<int>(AlgebraicTypeTag.I32);

    /// <summary>The u32 inside.</summary>
    public uint AsU32() => As<uint>(AlgebraicTypeTag.U32);

    /// <summary>The i64 inside.</summary>
    public long AsI64() => As<long>(AlgebraicTypeTag.I64);

    /// <summary>The u64 inside.</summary>
    public ulong AsU64() => As<ulong>(AlgebraicTypeTag.U64);

    /// <summary>The i128 inside.</summary>
    public Int128 AsI128() => As<Int128>(AlgebraicTypeTag.I128);

    /// <summary>The u128 inside.</summary>
    public UInt128 AsU128() => As<UInt128>(AlgebraicTypeTag.U128);

    /// <summary>The i256 inside.</summary>
    public Int256 AsI256() => As<Int256>(AlgebraicTypeTag.I256);

    /// <summary>The u256 inside.</summary>
    public UInt256 AsU256() => As<UInt256>(AlgebraicTypeTag.U256);

    /// <summary>The f32 inside.</summary>
    public float AsF32() => As<float>(AlgebraicTypeTag.F32);

    /// <summary>The f64 inside.</summary>
    public double AsF64() => As<double>(AlgebraicTypeTag.F64);

    /// <summary>The string inside.</summary>
    public string AsString() => this is StringValue s ? s.Value : throw WrongKind(AlgebraicTypeTag.String);

    /// <summary>This value as a product.</summary>
    public ProductValue AsProduct() => this as ProductValue ?? throw WrongKind(AlgebraicTypeTag.Product);

    /// <summary>This value as a sum.</summary>
    public SumValue AsSum() => this as SumValue ?? throw WrongKind(AlgebraicTypeTag.Sum);

    /// <summary>This value as an array.</summary>
    public ArrayValue AsArray() => this as ArrayValue ?? throw WrongKind(AlgebraicTypeTag.Array);

    private T As<T>(AlgebraicTypeTag kind)
        where T : struct, IEquatable<T>, IComparable<T> =>
        this is PrimitiveValue<T> p && p.Kind == kind ? p.Value : throw WrongKind(kind);

    private InvalidOperationException WrongKind(AlgebraicTypeTag wanted) =>
        new($"Expected a {wanted} value but found a {Kind} value.");
}
