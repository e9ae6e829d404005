using Meridian.Client.Mirror;
using Meridian.Sats;
using Meridian.Sats.Numerics;
using Meridian.Sats.Types;
using Meridian.Sats.Values;
using Xunit.Abstractions;

namespace Meridian.Client.Tests.Mirror;

/// <summary>
/// The JSON text the mirror stores in TEXT columns of arrays, products and sums: its on-disk format,
/// pinned value by value (readers of mirror files parse it, so it may not drift).
/// </summary>
public sealed class MirrorJsonFormTests(ITestOutputHelper output)
{
    private static readonly SumType Color = AlgebraicType.Sum(("Red", AlgebraicType.Unit), ("DeepBlue", AlgebraicType.Unit));
    private static readonly ProductType Point = AlgebraicType.Product(("x", AlgebraicType.I32), ("y", AlgebraicType.I32));
    private static readonly Typespace Types = new([Point, Color]);

    // The + of a time zone is escaped as \u002B (System.Text.Json's default encoder), as mirror files always had it.
    public static TheoryData<string, string> Cases() => new()
    {
        {
            "specials",
            """["0000000000000000000000000000000000000000000000000000000000000abc","000000000000000000000000000000ff",""" +
            "\"2023-11-14T22:13:20.123456\\u002B00:00\",1500000,\"01234567-89ab-cdef-0123-456789abcdef\"]"
        },
        { "options", """[7,null,{"x":1,"y":2},null]""" },
        { "enums", """["DeepBlue",{"Dot":{"x":1,"y":-2}},{"Empty":{}},{"Circle":2.5}]""" },
        {
            "wide",
            """["-170141183460469231731687303715884105728","340282366920938463463374607431768211455","-1",""" +
            "\"115792089237316195423570985008687907853269984665640564039457584007913129639935\"]"
        },
        { "floats", """[0.1,2.5,"NaN","Infinity","-Infinity"]""" },
        { "nested", """{"bytes":"dead","empty":{},"pair":[1,"a"],"lists":[[1,2],[]],"flag":true,"u64":18446744073709551615}""" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_mirror_writes_each_shape_as_it_always_has(string name, string expected)
    {
        var (value, type) = Case(name);
        var json = SqliteValueMapper.ToJson(value, type, Types);
        output.WriteLine(json);
        Assert.Equal(expected, json);
    }

    private static (AlgebraicValue, AlgebraicType) Case(string name) => name switch
    {
        "specials" => (AlgebraicValue.Product(
                new Identity(new UInt256(0, 0xabc)).ToValue(),
                new ConnectionId(0xff).ToValue(),
                new Timestamp(1_700_000_000_123_456).ToValue(),
                new TimeDuration(1_500_000).ToValue(),
                Uuid.FromGuid(Guid.Parse("01234567-89ab-cdef-0123-456789abcdef")).ToValue()),
            AlgebraicType.Product(
                (null, AlgebraicType.Identity), (null, AlgebraicType.ConnectionId), (null, AlgebraicType.Timestamp),
                (null, AlgebraicType.TimeDuration), (null, AlgebraicType.Uuid))),
        "options" => (AlgebraicValue.Product(
                AlgebraicValue.OptionSome(AlgebraicValue.I32(7)),
                AlgebraicValue.OptionNone,
                AlgebraicValue.OptionSome(AlgebraicValue.Product(AlgebraicValue.I32(1), AlgebraicValue.I32(2))),
                AlgebraicValue.OptionNone),
            AlgebraicType.Product(
                (null, AlgebraicType.Option(AlgebraicType.I32)), (null, AlgebraicType.Option(AlgebraicType.String)),
                (null, AlgebraicType.Option(AlgebraicType.Ref(0))), (null, AlgebraicType.Option(AlgebraicType.Ref(0))))),
        "enums" => (AlgebraicValue.Product(
                AlgebraicValue.Sum(1, AlgebraicValue.Unit),
                AlgebraicValue.Sum(0, AlgebraicValue.Product(AlgebraicValue.I32(1), AlgebraicValue.I32(-2))),
                AlgebraicValue.Sum(1, AlgebraicValue.Unit),
                AlgebraicValue.Sum(2, AlgebraicValue.F64(2.5))),
            AlgebraicType.Product(
                (null, AlgebraicType.Ref(1)), (null, Shape), (null, Shape), (null, Shape))),
        "wide" => (AlgebraicValue.Product(
                AlgebraicValue.I128(Int128.MinValue), AlgebraicValue.U128(UInt128.MaxValue),
                AlgebraicValue.I256(new Int256(UInt128.MaxValue, UInt128.MaxValue)), AlgebraicValue.U256(new UInt256(UInt128.MaxValue, UInt128.MaxValue))),
            AlgebraicType.Product((null, AlgebraicType.I128), (null, AlgebraicType.U128), (null, AlgebraicType.I256), (null, AlgebraicType.U256))),
        "floats" => (AlgebraicValue.Product(
                AlgebraicValue.F32(0.1f), AlgebraicValue.F64(2.5), AlgebraicValue.F64(double.NaN),
                AlgebraicValue.F32(float.PositiveInfinity), AlgebraicValue.F64(double.NegativeInfinity)),
            AlgebraicType.Product(
                (null, AlgebraicType.F32), (null, AlgebraicType.F64), (null, AlgebraicType.F64), (null, AlgebraicType.F32), (null, AlgebraicType.F64))),
        "nested" => (AlgebraicValue.Product(
                AlgebraicValue.Bytes([0xde, 0xad]),
                AlgebraicValue.Unit,
                AlgebraicValue.Product(AlgebraicValue.U8(1), AlgebraicValue.String("a")),
                AlgebraicValue.Array(AlgebraicValue.Array(AlgebraicValue.I64(1), AlgebraicValue.I64(2)), AlgebraicValue.Array()),
                AlgebraicValue.Bool(true),
                AlgebraicValue.U64(ulong.MaxValue)),
            AlgebraicType.Product(
                ("bytes", AlgebraicType.Bytes), ("empty", AlgebraicType.Unit),
                ("pair", AlgebraicType.Product((null, AlgebraicType.U8), (null, AlgebraicType.String))),
                ("lists", AlgebraicType.Array(AlgebraicType.Array(AlgebraicType.I64))), ("flag", AlgebraicType.Bool), ("u64", AlgebraicType.U64))),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static SumType Shape => AlgebraicType.Sum(("Dot", AlgebraicType.Ref(0)), ("Empty", AlgebraicType.Unit), ("Circle", AlgebraicType.F64));
}
