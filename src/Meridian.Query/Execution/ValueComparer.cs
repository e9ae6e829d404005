using System.Buffers.Binary;
using Meridian.Query.Sql;
using Meridian.Sats.Numerics;
using Meridian.Sats.Types;
using Meridian.Sats.Values;

namespace Meridian.Query.Execution;

/// <summary>
/// Compares two BSATN values of one type without decoding them into <see cref="AlgebraicValue"/>s
/// where the type allows: integers are read in place, strings compare their UTF-8 bytes (code point
/// order, as indexes order them), and equality of any type without floats is byte equality (BSATN
/// is canonical). Floats keep their numeric semantics (<c>-0 = 0</c>), and ordering of composite
/// values decodes them.
/// </summary>
internal sealed class ValueComparer
{
    private enum Kind : byte
    {
        Bytes, // unsigned byte order equals value order: bool, u8
        I8,
        U16,
        I16,
        U32,
        I32,
        U64,
        I64,
        U128,
        I128,
        U256,
        I256,
        F32,
        F64,
        String,
        Decode,
    }

    private readonly Kind _kind;
    private readonly bool _bytewiseEquality;
    private readonly AlgebraicType _type;
    private readonly Typespace _typespace;

    private ValueComparer(AlgebraicType type, Typespace typespace)
    {
        _type = type;
        _typespace = typespace;
        _kind = type.Tag switch
        {
            AlgebraicTypeTag.Bool or AlgebraicTypeTag.U8 => Kind.Bytes,
            AlgebraicTypeTag.I8 => Kind.I8,
            AlgebraicTypeTag.U16 => Kind.U16,
            AlgebraicTypeTag.I16 => Kind.I16,
            AlgebraicTypeTag.U32 => Kind.U32,
            AlgebraicTypeTag.I32 => Kind.I32,
            AlgebraicTypeTag.U64 => Kind.U64,
            AlgebraicTypeTag.I64 => Kind.I64,
            AlgebraicTypeTag.U128 => Kind.U128,
            AlgebraicTypeTag.I128 => Kind.I128,
            AlgebraicTypeTag.U256 => Kind.U256,
            AlgebraicTypeTag.I256 => Kind.I256,
            AlgebraicTypeTag.F32 => Kind.F32,
            AlgebraicTypeTag.F64 => Kind.F64,
            AlgebraicTypeTag.String => Kind.String,
            _ => Kind.Decode,
        };
        _bytewiseEquality = !ContainsFloat(type, typespace, 0);
    }

    /// <summary>A comparer for values of <paramref name="type"/> (resolved or not).</summary>
    public static ValueComparer For(AlgebraicType type, Typespace typespace) => new(typespace.Resolve(type), typespace);

    /// <summary>True when equal values always have equal bytes (no floats inside), so bytes can key hash tables.</summary>
    public bool BytewiseEquality => _bytewiseEquality;

    /// <summary>Whether <c>a op b</c> holds.</summary>
    public bool Test(ReadOnlySpan<byte> a, SqlComparison op, ReadOnlySpan<byte> b) => op switch
    {
        SqlComparison.Eq => Equal(a, b),
        SqlComparison.NotEq => !Equal(a, b),
        SqlComparison.Lt => Compare(a, b) < 0,
        SqlComparison.LtEq => Compare(a, b) <= 0,
        SqlComparison.Gt => Compare(a, b) > 0,
        _ => Compare(a, b) >= 0,
    };

    public bool Equal(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) =>
        _bytewiseEquality ? a.SequenceEqual(b) : Decode(a).Equals(Decode(b));

    public int Compare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => _kind switch
    {
        Kind.Bytes => a[0].CompareTo(b[0]),
        Kind.I8 => ((sbyte)a[0]).CompareTo((sbyte)b[0]),
        Kind.U16 => BinaryPrimitives.ReadUInt16LittleEndian(a).CompareTo(BinaryPrimitives.ReadUInt16LittleEndian(b)),
        Kind.I16 => BinaryPrimitives.ReadInt16LittleEndian(a).CompareTo(BinaryPrimitives.ReadInt16LittleEndian(b)),
        Kind.U32 => BinaryPrimitives.ReadUInt32LittleEndian(a).CompareTo(BinaryPrimitives.ReadUInt32LittleEndian(b)),
        Kind.I32 => BinaryPrimitives.ReadInt32LittleEndian(a).CompareTo(BinaryPrimitives.ReadInt32LittleEndian(b)),
        Kind.U64 => BinaryPrimitives.ReadUInt64LittleEndian(a).CompareTo(BinaryPrimitives.ReadUInt64LittleEndian(b)),
        Kind.I64 => BinaryPrimitives.ReadInt64LittleEndian(a).CompareTo(BinaryPrimitives.ReadInt64LittleEndian(b)),
        Kind.U128 => BinaryPrimitives.ReadUInt128LittleEndian(a).CompareTo(BinaryPrimitives.ReadUInt128LittleEndian(b)),
        Kind.I128 => BinaryPrimitives.ReadInt128LittleEndian(a).CompareTo(BinaryPrimitives.ReadInt128LittleEndian(b)),
        Kind.U256 => UInt256.ReadLittleEndian(a).CompareTo(UInt256.ReadLittleEndian(b)),
        Kind.I256 => Int256.ReadLittleEndian(a).CompareTo(Int256.ReadLittleEndian(b)),
        Kind.F32 => BinaryPrimitives.ReadSingleLittleEndian(a).CompareTo(BinaryPrimitives.ReadSingleLittleEndian(b)),
        Kind.F64 => BinaryPrimitives.ReadDoubleLittleEndian(a).CompareTo(BinaryPrimitives.ReadDoubleLittleEndian(b)),
        Kind.String => a[4..].SequenceCompareTo(b[4..]),
        _ => Decode(a).CompareTo(Decode(b)),
    };

    private AlgebraicValue Decode(ReadOnlySpan<byte> bytes) => AlgebraicValue.FromBsatn(bytes, _type, _typespace);

    private static bool ContainsFloat(AlgebraicType type, Typespace typespace, int depth)
    {
        if (depth > AlgebraicValue.MaxDepth)
            return true;
        type = typespace.Resolve(type);
        return type switch
        {
            ProductType p => p.Elements.Any(e => ContainsFloat(e.Type, typespace, depth + 1)),
            SumType s => s.Variants.Any(v => ContainsFloat(v.Type, typespace, depth + 1)),
            ArrayType a => ContainsFloat(a.ElementType, typespace, depth + 1),
            _ => type.Tag is AlgebraicTypeTag.F32 or AlgebraicTypeTag.F64,
        };
    }
}
