using System.Globalization;
using System.Numerics;
using Meridian.Sats.Numerics;
using Meridian.Sats.Types;
using Meridian.Sats.Values;
using Meridian.Storage.Schema;

namespace Meridian.Query.Tests.Execution;

/// <summary>
/// Every integer width and sign, compared in place on row bytes (a scan) and through an index range
/// (a btree): both must order values numerically, across byte boundaries and signs.
/// </summary>
public sealed class IntegerOrderTests
{
    private static readonly string[] Operators = ["=", "!=", "<", "<=", ">", ">="];

    public static TheoryData<string> Types => new() { "i8", "u8", "i16", "u16", "i32", "u32", "i64", "u64", "i128", "u128", "i256", "u256" };

    private static (AlgebraicType Type, BigInteger Min, BigInteger Max) Describe(string type)
    {
        var bits = int.Parse(type[1..], CultureInfo.InvariantCulture);
        var signed = type[0] == 'i';
        var min = signed ? -(BigInteger.One << (bits - 1)) : BigInteger.Zero;
        var max = signed ? (BigInteger.One << (bits - 1)) - 1 : (BigInteger.One << bits) - 1;
        var tag = Enum.Parse<AlgebraicTypeTag>(type.ToUpperInvariant());
        return (AlgebraicType.Primitive(tag), min, max);
    }

    private static AlgebraicValue Value(AlgebraicTypeTag tag, BigInteger v) => tag switch
    {
        AlgebraicTypeTag.I8 => AlgebraicValue.I8((sbyte)v),
        AlgebraicTypeTag.U8 => AlgebraicValue.U8((byte)v),
        AlgebraicTypeTag.I16 => AlgebraicValue.I16((short)v),
        AlgebraicTypeTag.U16 => AlgebraicValue.U16((ushort)v),
        AlgebraicTypeTag.I32 => AlgebraicValue.I32((int)v),
        AlgebraicTypeTag.U32 => AlgebraicValue.U32((uint)v),
        AlgebraicTypeTag.I64 => AlgebraicValue.I64((long)v),
        AlgebraicTypeTag.U64 => AlgebraicValue.U64((ulong)v),
        AlgebraicTypeTag.I128 => AlgebraicValue.I128((Int128)v),
        AlgebraicTypeTag.U128 => AlgebraicValue.U128((UInt128)v),
        AlgebraicTypeTag.I256 => AlgebraicValue.I256(Int256.FromBigInteger(v)),
        _ => AlgebraicValue.U256(UInt256.FromBigInteger(v)),
    };

    [Theory]
    [MemberData(nameof(Types))]
    public void Integers_of_every_width_compare_numerically_with_and_without_an_index(string type)
    {
        var (columnType, min, max) = Describe(type);
        // Values around zero, the extremes, and byte and word boundaries where little-endian bytes misorder.
        var candidates = new BigInteger[] { -(BigInteger.One << 128), -65537, -256, -129, -128, -2, -1, 0, 1, 2, 127, 128, 255, 256, 257, 65535, 65536, BigInteger.One << 64, (BigInteger.One << 128) - 1, BigInteger.One << 128 };
        var values = candidates.Concat([min, min + 1, max - 1, max]).Where(v => v >= min && v <= max).Distinct().Order().ToList();

        using var db = new TestDatabase();
        var indexed = db.Create("indexed", [("v", columnType)], indexes: [new IndexSchema("indexed_v", [0])]);
        var plain = db.Create("plain", [("v", columnType)]);
        var rows = values.Select(v => AlgebraicValue.Product(Value(columnType.Tag, v))).ToArray();
        db.Insert(indexed, rows);
        db.Insert(plain, rows);

        foreach (var literal in values)
        {
            foreach (var op in Operators)
            {
                var expected = values.Where(v => op switch
                {
                    "=" => v == literal,
                    "!=" => v != literal,
                    "<" => v < literal,
                    "<=" => v <= literal,
                    ">" => v > literal,
                    _ => v >= literal,
                }).Select(v => $"({Value(columnType.Tag, v)})").Order(StringComparer.Ordinal).ToList();
                var text = literal.ToString(CultureInfo.InvariantCulture);
                Assert.True(expected.SequenceEqual(db.SortedRows($"SELECT * FROM indexed WHERE v {op} {text}")), $"{type}: indexed v {op} {text}");
                Assert.True(expected.SequenceEqual(db.SortedRows($"SELECT * FROM plain WHERE v {op} {text}")), $"{type}: plain v {op} {text}");
            }
        }
        Assert.Contains("index range", db.Explain("SELECT * FROM indexed WHERE v > 0"), StringComparison.Ordinal);
        Assert.Contains("scan plain", db.Explain("SELECT * FROM plain WHERE v > 0"), StringComparison.Ordinal);
    }
}
