using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Meridian.Sats.Numerics;
using Meridian.Sats.Types;
using Meridian.Sats.Values;

namespace Meridian.Sats.Tests.Support;

/// <summary>FsCheck generators for random SATS types and values of those types.</summary>
internal static class SatsGen
{
    private static readonly AlgebraicTypeTag[] PrimitiveTags =
    [
        AlgebraicTypeTag.String, AlgebraicTypeTag.Bool, AlgebraicTypeTag.I8, AlgebraicTypeTag.U8,
        AlgebraicTypeTag.I16, AlgebraicTypeTag.U16, AlgebraicTypeTag.I32, AlgebraicTypeTag.U32,
        AlgebraicTypeTag.I64, AlgebraicTypeTag.U64, AlgebraicTypeTag.I128, AlgebraicTypeTag.U128,
        AlgebraicTypeTag.I256, AlgebraicTypeTag.U256, AlgebraicTypeTag.F32, AlgebraicTypeTag.F64,
    ];

    public static Gen<AlgebraicType> Primitive => Gen.Elements(PrimitiveTags).Select(AlgebraicType.Primitive);

    private static readonly AlgebraicType[] Specials =
    [
        AlgebraicType.Identity, AlgebraicType.ConnectionId, AlgebraicType.Timestamp,
        AlgebraicType.TimeDuration, AlgebraicType.Uuid, AlgebraicType.ScheduleAt, AlgebraicType.Unit,
        AlgebraicType.Option(AlgebraicType.Identity), AlgebraicType.Result(AlgebraicType.U32, AlgebraicType.String),
    ];

    /// <summary>Random types nested up to <paramref name="depth"/> levels (no refs).</summary>
    public static Gen<AlgebraicType> Type(int depth = 3)
    {
        if (depth <= 0)
            return Gen.Frequency((6, Primitive), (1, Gen.Elements(Specials)));
        var inner = Type(depth - 1);
        return Gen.Frequency(
            (6, Primitive),
            (1, Gen.Elements(Specials)),
            (2, inner.Select(t => (AlgebraicType)AlgebraicType.Array(t))),
            (1, inner.Select(t => (AlgebraicType)AlgebraicType.Option(t))),
            (3, Product(inner)),
            (2, Sum(inner)));
    }

    private static Gen<AlgebraicType> Product(Gen<AlgebraicType> inner) =>
        from n in Gen.Choose(0, 4)
        from named in Gen.Elements(true, true, false)
        from types in inner.ArrayOf(n)
        select (AlgebraicType)new ProductType(types.Select((t, i) => new ProductTypeElement(named ? $"f{i}" : null, t)));

    private static Gen<AlgebraicType> Sum(Gen<AlgebraicType> inner) =>
        from n in Gen.Choose(1, 4)
        from named in Gen.Elements(true, true, false)
        from types in Gen.OneOf(inner, Gen.Constant((AlgebraicType)AlgebraicType.Unit)).ArrayOf(n)
        select (AlgebraicType)new SumType(types.Select((t, i) => new SumTypeVariant(named ? $"v{i}" : null, t)));

    /// <summary>A random value of <paramref name="type"/>.</summary>
    public static Gen<AlgebraicValue> Value(AlgebraicType type) => type switch
    {
        ProductType p => Gen.CollectToArray(p.Elements.Select(e => Value(e.Type))).Select(vs => (AlgebraicValue)AlgebraicValue.Product(vs)),
        SumType s => Gen.Choose(0, s.Variants.Count - 1)
            .SelectMany(tag => Value(s.Variants[tag].Type).Select(v => (AlgebraicValue)AlgebraicValue.Sum((byte)tag, v))),
        ArrayType a => Gen.Sized(size => Gen.Choose(0, Math.Min(size, 6)))
            .SelectMany(n => Value(a.ElementType).ArrayOf(n))
            .Select(vs => (AlgebraicValue)AlgebraicValue.Array(vs)),
        _ => PrimitiveValue(type.Tag),
    };

    /// <summary>A random type together with a random value of it.</summary>
    public static Gen<(AlgebraicType Type, AlgebraicValue Value)> TypedValue(int depth = 3) =>
        from t in Type(depth)
        from v in Value(t)
        select (t, v);

    private static Gen<ulong> U64 => Gen.Frequency(
        (1, Gen.Elements(0UL, 1UL, ulong.MaxValue, (ulong)long.MaxValue, 255UL, 256UL)),
        (4, Gen.Choose(int.MinValue, int.MaxValue).Two().Select(t => ((ulong)(uint)t.Item1 << 32) | (uint)t.Item2)));

    private static Gen<UInt128> U128 => U64.Two().Select(t => new UInt128(t.Item1, t.Item2));

    private static Gen<UInt256> U256 => U128.Two().Select(t => new UInt256(t.Item1, t.Item2));

    private static Gen<AlgebraicValue> PrimitiveValue(AlgebraicTypeTag tag) => tag switch
    {
        AlgebraicTypeTag.Bool => Gen.Elements(true, false).Select(AlgebraicValue.Bool),
        AlgebraicTypeTag.I8 => U64.Select(v => AlgebraicValue.I8((sbyte)v)),
        AlgebraicTypeTag.U8 => U64.Select(v => AlgebraicValue.U8((byte)v)),
        AlgebraicTypeTag.I16 => U64.Select(v => AlgebraicValue.I16((short)v)),
        AlgebraicTypeTag.U16 => U64.Select(v => AlgebraicValue.U16((ushort)v)),
        AlgebraicTypeTag.I32 => U64.Select(v => AlgebraicValue.I32((int)v)),
        AlgebraicTypeTag.U32 => U64.Select(v => AlgebraicValue.U32((uint)v)),
        AlgebraicTypeTag.I64 => U64.Select(v => AlgebraicValue.I64((long)v)),
        AlgebraicTypeTag.U64 => U64.Select(AlgebraicValue.U64),
        AlgebraicTypeTag.I128 => U128.Select(v => AlgebraicValue.I128((Int128)v)),
        AlgebraicTypeTag.U128 => U128.Select(AlgebraicValue.U128),
        AlgebraicTypeTag.I256 => U256.Select(v => AlgebraicValue.I256(new Int256(v.Upper, v.Lower))),
        AlgebraicTypeTag.U256 => U256.Select(AlgebraicValue.U256),
        AlgebraicTypeTag.F32 => Gen.Frequency(
            (1, Gen.Elements(0f, -0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, float.MaxValue)),
            (4, U64.Select(v => BitConverter.UInt32BitsToSingle((uint)v)))).Select(AlgebraicValue.F32),
        AlgebraicTypeTag.F64 => Gen.Frequency(
            (1, Gen.Elements(0d, -0d, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, double.MaxValue)),
            (4, U64.Select(BitConverter.UInt64BitsToDouble))).Select(AlgebraicValue.F64),
        AlgebraicTypeTag.String => Text.Select(AlgebraicValue.String),
        _ => throw new ArgumentOutOfRangeException(nameof(tag)),
    };

    /// <summary>Strings of valid Unicode scalars: ASCII, Latin, CJK, emoji, quotes and escapes.</summary>
    public static Gen<string> Text =>
        Gen.Frequency(
                (6, Gen.Choose(0x20, 0x7e)),
                (1, Gen.Elements(0, 9, 10, 0x22, 0x5c, 0x7f)),
                (1, Gen.Choose(0xa0, 0x7ff)),
                (1, Gen.Choose(0x4e00, 0x9fff)),
                (1, Gen.Choose(0x1f600, 0x1f64f)))
            .ListOf()
            .Select(cps =>
            {
                var sb = new StringBuilder();
                foreach (var cp in cps)
                    sb.Append(char.ConvertFromUtf32(cp));
                return sb.ToString();
            });
}
