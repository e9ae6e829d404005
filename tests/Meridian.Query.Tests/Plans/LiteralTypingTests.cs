using System.Numerics;
using Meridian.Query.Plans;
using Meridian.Sats;
using Meridian.Sats.Numerics;
using Meridian.Sats.Types;
using Meridian.Sats.Values;
using static Meridian.Query.Tests.TestDatabase;

namespace Meridian.Query.Tests.Plans;

public sealed class LiteralTypingTests : IDisposable
{
    private static readonly Identity Sender = Identity.FromHexString("00000000000000000000000000000000000000000000000000000000deadbeef");
    private readonly TestDatabase _db = new();

    public LiteralTypingTests()
    {
        _db.Create("lit",
        [
            ("b", AlgebraicType.Bool), ("i8", AlgebraicType.I8), ("u8", AlgebraicType.U8), ("i16", AlgebraicType.I16), ("u16", AlgebraicType.U16),
            ("i32", AlgebraicType.I32), ("u32", AlgebraicType.U32), ("i64", AlgebraicType.I64), ("u64", AlgebraicType.U64),
            ("i128", AlgebraicType.I128), ("u128", AlgebraicType.U128), ("i256", AlgebraicType.I256), ("u256", AlgebraicType.U256),
            ("f32", AlgebraicType.F32), ("f64", AlgebraicType.F64), ("str", AlgebraicType.String), ("bytes", AlgebraicType.Bytes),
            ("id", AlgebraicType.Identity), ("conn", AlgebraicType.ConnectionId), ("ts", AlgebraicType.Timestamp), ("dur", AlgebraicType.TimeDuration),
            ("uuid", AlgebraicType.Uuid), ("opt", AlgebraicType.Option(AlgebraicType.U32)), ("pair", AlgebraicType.Product(("x", AlgebraicType.U8), ("y", AlgebraicType.U8))),
            ("color", AlgebraicType.Sum(("red", AlgebraicType.Unit), ("green", AlgebraicType.Unit))), ("refopt", AlgebraicType.Ref(0)),
        ], typespace: new Typespace([AlgebraicType.Option(AlgebraicType.I32)]));
    }

    public void Dispose() => _db.Dispose();

    private BoundExpr.Literal Bind(string column, string literal)
    {
        var plan = (LogicalPlan.Project)_db.Bind($"SELECT * FROM lit WHERE {column} = {literal}", Sender);
        var comparison = (BoundExpr.Comparison)((LogicalPlan.Filter)plan.Input).Predicate;
        var bound = Assert.IsType<BoundExpr.Literal>(comparison.Right);
        Assert.Equal(comparison.Left.Type, bound.Type);
        return bound;
    }

    public static TheoryData<string, string, AlgebraicValue> Integers => new()
    {
        { "i8", "-128", AlgebraicValue.I8(-128) },
        { "i8", "127", AlgebraicValue.I8(127) },
        { "u8", "255", AlgebraicValue.U8(255) },
        { "u8", "0xff", AlgebraicValue.U8(255) },
        { "u8", "X'0a'", AlgebraicValue.U8(10) },
        { "i16", "-32768", AlgebraicValue.I16(short.MinValue) },
        { "u16", "65535", AlgebraicValue.U16(ushort.MaxValue) },
        { "i32", "-1", AlgebraicValue.I32(-1) },
        { "u32", "+1", AlgebraicValue.U32(1) },
        { "u32", "1e3", AlgebraicValue.U32(1000) },
        { "u32", "1E3", AlgebraicValue.U32(1000) },
        { "u32", "1.0", AlgebraicValue.U32(1) },
        { "i32", "-120e-1", AlgebraicValue.I32(-12) },
        { "i64", "-9223372036854775808", AlgebraicValue.I64(long.MinValue) },
        { "u64", "18446744073709551615", AlgebraicValue.U64(ulong.MaxValue) },
        { "u64", "0x10", AlgebraicValue.U64(16) },
        { "i128", "-170141183460469231731687303715884105728", AlgebraicValue.I128(Int128.MinValue) },
        { "u128", "340282366920938463463374607431768211455", AlgebraicValue.U128(UInt128.MaxValue) },
        { "i256", "-5", AlgebraicValue.I256(Int256.FromBigInteger(-5)) },
        { "u256", "1e40", AlgebraicValue.U256(UInt256.FromBigInteger(BigInteger.Pow(10, 40))) },
        { "u256", "0x" + new string('f', 64), AlgebraicValue.U256(UInt256.MaxValue) },
    };

    [Theory]
    [MemberData(nameof(Integers))]
    public void Integer_literals_take_the_width_and_sign_of_their_column(string column, string literal, AlgebraicValue expected)
    {
        Assert.Equal(expected, Bind(column, literal).Value);
    }

    [Fact]
    public void Float_literals_keep_infinity_signed_zero_and_decimal_forms()
    {
        Assert.Equal(float.PositiveInfinity, Bind("f32", "1e40").Value.AsF32());
        Assert.Equal(0.5f, Bind("f32", ".5").Value.AsF32());
        Assert.Equal(105.3, Bind("f64", "1053e-1").Value.AsF64());
        Assert.Equal(7.0, Bind("f64", "7").Value.AsF64());
        var negativeZero = Bind("f64", "-0.0").Value.AsF64();
        Assert.True(double.IsNegative(negativeZero) && negativeZero == 0, "-0.0 keeps its sign bit");
    }

    [Fact]
    public void Bool_and_string_literals_bind_to_their_columns()
    {
        Assert.Equal(AlgebraicValue.Bool(true), Bind("b", "TRUE").Value);
        Assert.Equal(AlgebraicValue.Bool(false), Bind("b", "false").Value);
        Assert.Equal(AlgebraicValue.String("it's ü 日本 😀"), Bind("str", "'it''s ü 日本 😀'").Value);
        Assert.Equal(AlgebraicValue.String(""), Bind("str", "''").Value);
    }

    [Fact]
    public void Bytes_literals_accept_hex_in_either_form_strings_of_hex_and_the_sender()
    {
        Assert.Equal(AlgebraicValue.Bytes([0xAB, 0xCD]), Bind("bytes", "0xABCD").Value);
        Assert.Equal(AlgebraicValue.Bytes([0x0A]), Bind("bytes", "X'0a'").Value);
        Assert.Equal(AlgebraicValue.Bytes([0x0A, 0xBC]), Bind("bytes", "0xabc").Value);
        Assert.Equal(AlgebraicValue.Bytes([0xAB, 0xCD]), Bind("bytes", "'abcd'").Value);
        Assert.Equal(AlgebraicValue.Bytes([0xAB, 0xCD]), Bind("bytes", "'0xABCD'").Value);
        Assert.Equal(AlgebraicValue.Bytes(Sender.ToBigEndianBytes()), Bind("bytes", ":sender").Value);
    }

    [Fact]
    public void Identity_literals_accept_the_sender_short_hex_and_64_digit_strings()
    {
        var one = new Identity(1UL);
        Assert.Equal(Sender.ToValue(), Bind("id", ":sender").Value);
        Assert.Equal(one.ToValue(), Bind("id", "0x01").Value);
        Assert.Equal(one.ToValue(), Bind("id", $"'{one.ToHexString()}'").Value);
        Assert.Equal(one.ToValue(), Bind("id", $"'0x{one.ToHexString()}'").Value);
        Assert.Equal(Sender.ToValue(), Bind("id", "0xDEADBEEF").Value);
    }

    [Fact]
    public void Connection_id_timestamp_duration_and_uuid_literals_bind()
    {
        Assert.Equal(new ConnectionId(2UL).ToValue(), Bind("conn", "0x02").Value);
        Assert.Equal(new ConnectionId(0xABCUL).ToValue(), Bind("conn", "'00000000000000000000000000000abc'").Value);
        Assert.Equal(Timestamp.FromDateTimeOffset(new DateTimeOffset(2024, 1, 2, 3, 4, 5, 123, TimeSpan.Zero)).ToValue(), Bind("ts", "'2024-01-02T03:04:05.123Z'").Value);
        Assert.Equal(Timestamp.FromDateTimeOffset(new DateTimeOffset(2025, 2, 10, 13, 45, 30, TimeSpan.Zero)).ToValue(), Bind("ts", "'2025-02-10 15:45:30+02:00'").Value);
        Assert.Equal(new Timestamp(1_700_000_000_000_000).ToValue(), Bind("ts", "1700000000000000").Value);
        Assert.Equal(new TimeDuration(-5_000_000).ToValue(), Bind("dur", "-5e6").Value);
        Assert.Equal(Uuid.FromGuid(Guid.Parse("01234567-89ab-cdef-0123-456789abcdef")).ToValue(), Bind("uuid", "'01234567-89ab-cdef-0123-456789abcdef'").Value);
        Assert.Equal(new Uuid(42UL).ToValue(), Bind("uuid", "0x2a").Value);
    }

    [Fact]
    public void Null_is_none_and_other_literals_are_some_for_option_columns_also_through_a_typespace_reference()
    {
        Assert.Equal(AlgebraicValue.OptionNone, Bind("opt", "NULL").Value);
        Assert.Equal(AlgebraicValue.OptionSome(AlgebraicValue.U32(5)), Bind("opt", "5").Value);
        Assert.Equal(AlgebraicValue.OptionNone, Bind("refopt", "NULL").Value);
        Assert.Equal(AlgebraicValue.OptionSome(AlgebraicValue.I32(-7)), Bind("refopt", "-7").Value);
        Assert.Equal(AlgebraicType.Option(AlgebraicType.I32), Bind("refopt", "1").Type);
    }

    [Theory]
    [InlineData("u8", "256")]
    [InlineData("u8", "-1")]
    [InlineData("u8", "1e3")]
    [InlineData("u8", "0x100")]
    [InlineData("i8", "-129")]
    [InlineData("i8", "128")]
    [InlineData("i8", "0xff")]
    [InlineData("i64", "9223372036854775808")]
    [InlineData("u64", "-1")]
    [InlineData("u128", "340282366920938463463374607431768211456")]
    [InlineData("u256", "1e78")]
    [InlineData("i256", "-1e77")]
    [InlineData("ts", "9223372036854775808")]
    [InlineData("opt", "4294967296")]
    public void Integers_out_of_their_columns_range_are_refused(string column, string literal)
    {
        var message = Error(() => Bind(column, literal));
        Assert.StartsWith($"{literal} is not a valid value for column '{column}' of type ", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("u32", "1.5", "expected a whole number")]
    [InlineData("u32", "1e-3", "expected a whole number")]
    [InlineData("i32", "-0.25", "expected a whole number")]
    [InlineData("u256", "1e101", "the number is too large")]
    [InlineData("id", "'abc'", "is not an identity")]
    [InlineData("id", "0x" + "11111111111111111111111111111111111111111111111111111111111111111", "is not an identity")]
    [InlineData("ts", "'yesterday'", "is not an ISO-8601 timestamp")]
    [InlineData("uuid", "'nope'", "expected a UUID")]
    [InlineData("bytes", "'xyz'", "is not a valid value for column 'bytes' of type bytes")]
    public void Malformed_literals_are_refused_with_the_reason(string column, string literal, string reason)
    {
        var message = Error(() => Bind(column, literal));
        Assert.Contains(reason, message, StringComparison.Ordinal);
        Assert.Contains($"column '{column}'", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pair", "1", "1 cannot be compared with column 'pair' of type product.")]
    [InlineData("color", "0", "0 cannot be compared with column 'color' of type sum.")]
    [InlineData("b", "1", "1 cannot be compared with column 'b' of type bool.")]
    [InlineData("f64", "'1'", "'1' cannot be compared with column 'f64' of type f64.")]
    [InlineData("f32", "0x01", "0x01 cannot be compared with column 'f32' of type f32.")]
    [InlineData("str", "TRUE", "TRUE cannot be compared with column 'str' of type string.")]
    [InlineData("dur", "'5'", "'5' cannot be compared with column 'dur' of type TimeDuration.")]
    [InlineData("conn", ":sender", ":sender cannot be compared with column 'conn' of type ConnectionId.")]
    [InlineData("ts", "0x01", "0x01 cannot be compared with column 'ts' of type Timestamp.")]
    [InlineData("str", "NULL", "NULL cannot be compared with column 'str' of type string; only optional columns can be NULL.")]
    public void Literals_of_the_wrong_kind_are_refused(string column, string literal, string message)
    {
        Assert.Equal(message, Error(() => Bind(column, literal)));
    }

    [Fact]
    public void The_sender_parameter_takes_the_callers_identity()
    {
        var someone = new Identity(77UL);
        var plan = (LogicalPlan.Project)_db.Bind("SELECT * FROM lit WHERE id = :sender", someone);
        var literal = (BoundExpr.Literal)((BoundExpr.Comparison)((LogicalPlan.Filter)plan.Input).Predicate).Right;
        Assert.Equal(someone.ToValue(), literal.Value);
        Assert.Equal(literal.Value.ToBsatn(), literal.Bsatn);
    }
}
