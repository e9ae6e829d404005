using System.Buffers.Binary;
using System.Text;
using Meridian.Sats;
using Meridian.Sats.Types;
using Meridian.Sats.Values;
using Meridian.Server.PgWire;

namespace Meridian.Server.Tests.PgWire;

/// <summary>SATS types to PostgreSQL types and values to text, checked against upstream's own encoder tests (crates/pg/src/encoder.rs).</summary>
public sealed class PgValueFormatTests
{
    private static string Text(AlgebraicType type, AlgebraicValue value)
    {
        var column = PgColumn.For("c", type, Typespace.Empty);
        var w = new PgWriter();
        PgValueFormat.WriteText(w, column, value);
        return Encoding.UTF8.GetString(w.Written.Span);
    }

    private static byte[] Binary(AlgebraicType type, AlgebraicValue value)
    {
        var w = new PgWriter();
        PgValueFormat.WriteBinary(w, PgColumn.For("c", type, Typespace.Empty), value);
        return w.Written.ToArray();
    }

    [Fact]
    public void Types_map_to_the_oids_upstream_reports()
    {
        (AlgebraicType Type, int Oid)[] cases =
        [
            (AlgebraicType.String, 1043), (AlgebraicType.Bool, 16),
            (AlgebraicType.U8, 21), (AlgebraicType.I8, 21), (AlgebraicType.I16, 21),
            (AlgebraicType.U16, 23), (AlgebraicType.I32, 23), (AlgebraicType.U32, 20), (AlgebraicType.I64, 20),
            (AlgebraicType.U64, 1700), (AlgebraicType.I128, 1700), (AlgebraicType.U128, 1700), (AlgebraicType.I256, 1700), (AlgebraicType.U256, 1700),
            (AlgebraicType.F32, 700), (AlgebraicType.F64, 701),
            (AlgebraicType.Bytes, 17), (AlgebraicType.Array(AlgebraicType.String), 1015), (AlgebraicType.Array(AlgebraicType.Bool), 1000),
            (AlgebraicType.Array(AlgebraicType.I16), 1005), (AlgebraicType.Array(AlgebraicType.I32), 1007), (AlgebraicType.Array(AlgebraicType.I64), 1016),
            (AlgebraicType.Array(AlgebraicType.U64), 1231),
            (AlgebraicType.Identity, 17), (AlgebraicType.ConnectionId, 17), (AlgebraicType.Timestamp, 1114), (AlgebraicType.TimeDuration, 1186),
            (AlgebraicType.Uuid, 2950),
            (AlgebraicType.Sum(("A", AlgebraicType.Unit), ("B", AlgebraicType.Unit)), 3500),
            (AlgebraicType.Option(AlgebraicType.I64), 114), (AlgebraicType.Product(("x", AlgebraicType.I32)), 114),
            (AlgebraicType.Array(AlgebraicType.Product(("x", AlgebraicType.I32))), 114),
        ];
        foreach (var (type, oid) in cases)
            Assert.True(PgColumn.For("c", type, Typespace.Empty).Oid == oid, $"{type}: {PgColumn.For("c", type, Typespace.Empty).Oid}, expected {oid}");
    }

    [Fact]
    public void Primitives_render_as_upstream_renders_them()
    {
        Assert.Equal("1", Text(AlgebraicType.U8, AlgebraicValue.U8(1)));
        Assert.Equal("-1", Text(AlgebraicType.I8, AlgebraicValue.I8(-1)));
        Assert.Equal("-8", Text(AlgebraicType.I128, AlgebraicValue.I128(-8)));
        Assert.Equal("-10", Text(AlgebraicType.I256, AlgebraicValue.I256(-10)));
        Assert.Equal("12.34", Text(AlgebraicType.F32, AlgebraicValue.F32(12.34f)));
        Assert.Equal("56.78", Text(AlgebraicType.F64, AlgebraicValue.F64(56.78)));
        Assert.Equal("1e+20", Text(AlgebraicType.F64, AlgebraicValue.F64(1e20)));
        Assert.Equal("NaN", Text(AlgebraicType.F64, AlgebraicValue.F64(double.NaN)));
        Assert.Equal("-Infinity", Text(AlgebraicType.F32, AlgebraicValue.F32(float.NegativeInfinity)));
        Assert.Equal("test", Text(AlgebraicType.String, AlgebraicValue.String("test")));
        Assert.Equal("t", Text(AlgebraicType.Bool, AlgebraicValue.Bool(true)));
    }

    [Fact]
    public void Sums_records_and_options_render_as_upstream_json()
    {
        var option = AlgebraicType.Option(AlgebraicType.I64);
        Assert.Equal("{\"some\": 1}", Text(option, AlgebraicValue.OptionSome(AlgebraicValue.I64(1))));
        Assert.Equal("{\"none\": {}}", Text(option, AlgebraicValue.OptionNone));
        var result = AlgebraicType.Result(AlgebraicType.I64, AlgebraicType.String);
        Assert.Equal("{\"err\": \"error\"}", Text(result, AlgebraicValue.Sum(1, AlgebraicValue.String("error"))));

        var color = AlgebraicType.Sum(("Gray", AlgebraicType.I64));
        var nested = AlgebraicType.Option(color);
        Assert.Equal("{\"some\": {\"Gray\": 2}}", Text(nested, AlgebraicValue.OptionSome(AlgebraicValue.Sum(0, AlgebraicValue.I64(2)))));

        var inner = AlgebraicType.Product((null, color), (null, nested));
        var product = AlgebraicType.Product(("x", inner), ("y", AlgebraicType.String));
        var value = AlgebraicValue.Product(
            AlgebraicValue.Product(AlgebraicValue.Sum(0, AlgebraicValue.I64(1)), AlgebraicValue.OptionSome(AlgebraicValue.Sum(0, AlgebraicValue.I64(2)))),
            AlgebraicValue.String("a"));
        Assert.Equal("{\"x\": {\"col_0\": {\"Gray\": 1}, \"col_1\": {\"some\": {\"Gray\": 2}}}, \"y\": \"a\"}", Text(product, value));

        var names = AlgebraicType.Sum(("A", AlgebraicType.Unit), ("B", AlgebraicType.Unit), ("C", AlgebraicType.Unit));
        Assert.Equal("C", Text(names, AlgebraicValue.Sum(2, AlgebraicValue.Unit)));
        Assert.Equal("C", Encoding.UTF8.GetString(Binary(names, AlgebraicValue.Sum(2, AlgebraicValue.Unit))));

        // Unlike upstream, strings inside JSON are escaped, so the text always parses.
        Assert.Equal("{\"s\": \"say \\\"hi\\\"\\n\"}", Text(AlgebraicType.Product(("s", AlgebraicType.String)),
            AlgebraicValue.Product(AlgebraicValue.String("say \"hi\"\n"))));
        Assert.Equal("[{\"x\": 1}, {\"x\": 2}]", Text(AlgebraicType.Array(AlgebraicType.Product(("x", AlgebraicType.I32))),
            AlgebraicValue.Array(AlgebraicValue.Product(AlgebraicValue.I32(1)), AlgebraicValue.Product(AlgebraicValue.I32(2)))));
    }

    [Fact]
    public void Special_types_render_as_upstream_renders_them()
    {
        Assert.Equal("\\x" + new string('0', 64), Text(AlgebraicType.Identity, Identity.Zero.ToValue()));
        Assert.Equal("\\x" + new string('0', 32), Text(AlgebraicType.ConnectionId, ConnectionId.Zero.ToValue()));
        Assert.Equal("P0D", Text(AlgebraicType.TimeDuration, new TimeDuration(0).ToValue()));
        Assert.Equal("-PT90.25S", Text(AlgebraicType.TimeDuration, new TimeDuration(-90_250_000).ToValue()));
        Assert.Equal("1970-01-19T18:42:25.800+00:00", Text(AlgebraicType.Timestamp, new Timestamp(1622545800000).ToValue()));
        Assert.Equal("1970-01-01T00:00:00.000001+00:00", Text(AlgebraicType.Timestamp, new Timestamp(1).ToValue()));
        Assert.Equal("2026-12-02T10:00:00+00:00", Text(AlgebraicType.Timestamp, Timestamp.Parse("2026-12-02T10:00:00Z").ToValue()));
        Assert.Equal("\\x74657374", Text(AlgebraicType.Bytes, AlgebraicValue.Bytes("test"u8)));
        Assert.Equal("{\"who\": \"0x" + new string('0', 64) + "\", \"at\": \"1970-01-01T00:00:00+00:00\"}",
            Text(AlgebraicType.Product(("who", AlgebraicType.Identity), ("at", AlgebraicType.Timestamp)),
                AlgebraicValue.Product(Identity.Zero.ToValue(), new Timestamp(0).ToValue())));
    }

    [Fact]
    public void Arrays_of_primitives_render_as_postgres_array_literals_and_binary_arrays()
    {
        var words = AlgebraicType.Array(AlgebraicType.String);
        Assert.Equal("{plain,\"two words\",\"q\\\"uote\",\"\",\"null\"}", Text(words, AlgebraicValue.Array(
            AlgebraicValue.String("plain"), AlgebraicValue.String("two words"), AlgebraicValue.String("q\"uote"),
            AlgebraicValue.String(""), AlgebraicValue.String("null"))));
        Assert.Equal("{1,-2}", Text(AlgebraicType.Array(AlgebraicType.I32), AlgebraicValue.Array(AlgebraicValue.I32(1), AlgebraicValue.I32(-2))));
        Assert.Equal("{}", Text(AlgebraicType.Array(AlgebraicType.I32), AlgebraicValue.Array()));

        var binary = Binary(AlgebraicType.Array(AlgebraicType.I32), AlgebraicValue.Array(AlgebraicValue.I32(1), AlgebraicValue.I32(-2)));
        int[] header = [1, 0, 23, 2, 1];
        Assert.Equal(header, Enumerable.Range(0, 5).Select(i => BinaryPrimitives.ReadInt32BigEndian(binary.AsSpan(i * 4))));
        Assert.Equal([4, 1, 4, -2], Enumerable.Range(5, 4).Select(i => BinaryPrimitives.ReadInt32BigEndian(binary.AsSpan(i * 4))));
    }

    [Fact]
    public void Numeric_binary_uses_base_10000_digits_with_their_weight()
    {
        static short[] Words(byte[] bytes) =>
            Enumerable.Range(0, bytes.Length / 2).Select(i => BinaryPrimitives.ReadInt16BigEndian(bytes.AsSpan(i * 2))).ToArray();
        Assert.Equal([0, 0, 0, 0], Words(Binary(AlgebraicType.U64, AlgebraicValue.U64(0))));
        Assert.Equal([1, 0, 0, 0, 7], Words(Binary(AlgebraicType.U64, AlgebraicValue.U64(7))));
        // 1_0000_0000: one digit 1 at weight 2 (trailing zero digits are implied).
        Assert.Equal([1, 2, 0, 0, 1], Words(Binary(AlgebraicType.U64, AlgebraicValue.U64(100_000_000))));
        // -12345678: digits 1234 and 5678, weight 1, negative.
        Assert.Equal([2, 1, 0x4000, 0, 1234, 5678], Words(Binary(AlgebraicType.I128, AlgebraicValue.I128(-12_345_678))));
    }
}
