using Meridian.Sats.Json;
using Meridian.Sats.Numerics;
using Meridian.Sats.Tests.Support;
using Meridian.Sats.Types;
using Meridian.Sats.Values;
using Xunit.Abstractions;
using T = Meridian.Sats.Types.AlgebraicType;
using V = Meridian.Sats.Values.AlgebraicValue;

namespace Meridian.Sats.Tests.Json;

public class SatsJsonTests
{
    public SatsJsonTests(ITestOutputHelper output) => TestSeed.Print(output);

    private static readonly Identity Alice = Identity.FromHexString("c200b3ce65d91b79ecfb7d881cd65bf8da2f647d590af1474ad19faa7aa87e38");

    [ReplayableProperty(MaxTest = 500)]
    public void Random_values_round_trip_through_typed_json(TypedValue tv) => AssertJsonRoundTrip(tv, SatsJsonForm.Typed);

    [ReplayableProperty(MaxTest = 500)]
    public void Random_values_round_trip_through_untyped_json(TypedValue tv) => AssertJsonRoundTrip(tv, SatsJsonForm.Untyped);

    private static void AssertJsonRoundTrip(TypedValue tv, SatsJsonForm form)
    {
        var json = SatsJson.ValueToJson(tv.Value, tv.Type, form: form);
        Assert.Equal(tv.Value, SatsJson.ParseValue(json, tv.Type));
    }

    [Fact]
    public void Untyped_values_match_the_spec_examples()
    {
        Assert.Equal("[\"0xc200b3ce65d91b79ecfb7d881cd65bf8da2f647d590af1474ad19faa7aa87e38\"]", SatsJson.ValueToJson(Alice.ToValue(), T.Identity));
        Assert.Equal("[1700000000000000]", SatsJson.ValueToJson(new Timestamp(1_700_000_000_000_000).ToValue(), T.Timestamp));
        Assert.Equal("[0,5]", SatsJson.ValueToJson(V.OptionSome(V.U32(5)), T.Option(T.U32)));
        Assert.Equal("[1,[]]", SatsJson.ValueToJson(V.OptionNone, T.Option(T.U32)));
    }

    [Fact]
    public void Typed_values_use_objects_and_variant_names()
    {
        var person = T.Product(("id", T.U32), ("name", T.String), ("nick", T.Option(T.String)));
        var value = V.Product(V.U32(7), V.String("Ann"), V.OptionNone);
        Assert.Equal("{\"id\":7,\"name\":\"Ann\",\"nick\":{\"none\":[]}}", SatsJson.ValueToJson(value, person, form: SatsJsonForm.Typed));
        Assert.Equal("[7,\"Ann\",[1,[]]]", SatsJson.ValueToJson(value, person));
    }

    [Fact]
    public void Big_integers_are_numbers_up_to_128_bits_and_hex_strings_above()
    {
        Assert.Equal("340282366920938463463374607431768211455", SatsJson.ValueToJson(V.U128(UInt128.MaxValue), T.U128));
        Assert.Equal("-170141183460469231731687303715884105728", SatsJson.ValueToJson(V.I128(Int128.MinValue), T.I128));
        Assert.Equal("\"0x1\"", SatsJson.ValueToJson(V.U256(1UL), T.U256));
        Assert.Equal("\"0x0\"", SatsJson.ValueToJson(V.U256(UInt256.Zero), T.U256));
        Assert.Equal("\"-0x2\"", SatsJson.ValueToJson(V.I256(-2L), T.I256));
    }

    [Fact]
    public void Byte_arrays_are_hex_and_accept_number_arrays()
    {
        Assert.Equal("\"00ff10\"", SatsJson.ValueToJson(V.Bytes([0, 255, 16]), T.Bytes));
        Assert.Equal(V.Bytes([1, 2]), SatsJson.ParseValue("[1, 2]", T.Bytes));
        Assert.Equal(V.Bytes([0xab]), SatsJson.ParseValue("\"0xAB\"", T.Bytes));
    }

    [Theory]
    [InlineData("\"c200b3ce65d91b79ecfb7d881cd65bf8da2f647d590af1474ad19faa7aa87e38\"")]
    [InlineData("\"0xc200b3ce65d91b79ecfb7d881cd65bf8da2f647d590af1474ad19faa7aa87e38\"")]
    [InlineData("[\"0xc200b3ce65d91b79ecfb7d881cd65bf8da2f647d590af1474ad19faa7aa87e38\"]")]
    [InlineData("{\"__identity__\": \"0xc200b3ce65d91b79ecfb7d881cd65bf8da2f647d590af1474ad19faa7aa87e38\"}")]
    public void An_identity_is_accepted_in_every_lenient_form(string json) =>
        Assert.Equal(Alice.ToValue(), SatsJson.ParseValue(json, T.Identity));

    [Theory]
    [InlineData("[0, 5]")]
    [InlineData("{\"some\": 5}")]
    [InlineData("{\"0\": 5}")]
    public void A_sum_is_accepted_as_tag_pair_or_by_name_or_index(string json) =>
        Assert.Equal(V.OptionSome(V.U8(5)), SatsJson.ParseValue(json, T.Option(T.U8)));

    [Fact]
    public void A_product_is_accepted_as_array_or_object_and_an_enum_as_a_name()
    {
        var type = T.Product(("a", T.U8), ("b", T.String));
        Assert.Equal(V.Product(V.U8(1), V.String("x")), SatsJson.ParseValue("[1, \"x\"]", type));
        Assert.Equal(V.Product(V.U8(1), V.String("x")), SatsJson.ParseValue("{\"b\": \"x\", \"a\": 1}", type));
        var color = T.Sum(("Red", T.Unit), ("Green", T.Unit));
        Assert.Equal(V.Sum(1, V.Unit), SatsJson.ParseValue("\"Green\"", color));
        Assert.Equal(V.Sum(1, V.Unit), SatsJson.ParseValue("{\"Green\": []}", color));
    }

    [Fact]
    public void A_timestamp_is_accepted_as_micros_or_iso_8601()
    {
        var expected = new Timestamp(1_700_000_000_000_000).ToValue();
        Assert.Equal(expected, SatsJson.ParseValue("1700000000000000", T.Timestamp));
        Assert.Equal(expected, SatsJson.ParseValue("\"2023-11-14T22:13:20Z\"", T.Timestamp));
        Assert.Equal(expected, SatsJson.ParseValue("{\"__timestamp_micros_since_unix_epoch__\": 1700000000000000}", T.Timestamp));
    }

    [Theory]
    [InlineData("[1]", "expected 2 element(s)")]
    [InlineData("{\"a\": 1}", "missing field \"b\"")]
    [InlineData("{\"a\": 1, \"b\": \"x\", \"c\": 2}", "unknown field \"c\"")]
    [InlineData("[256, \"x\"]", "$[0]: 256 is out of range for u8")]
    [InlineData("[1, 2]", "$[1]: expected a string, got the number 2")]
    [InlineData("[1.5, \"x\"]", "expected an integer (u8)")]
    [InlineData("{not json", "Invalid JSON")]
    public void Bad_input_gets_an_error_that_names_the_place(string json, string message)
    {
        var type = T.Product(("a", T.U8), ("b", T.String));
        var e = Assert.Throws<SatsJsonException>(() => SatsJson.ParseValue(json, type));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Types_use_the_typed_meta_form_of_the_spec()
    {
        var type = T.Product(("x", T.U32), (null, T.Array(T.U8)), ("r", T.Ref(3)));
        Assert.Equal(
            "{\"Product\":{\"elements\":[" +
            "{\"name\":{\"some\":\"x\"},\"algebraic_type\":{\"U32\":[]}}," +
            "{\"name\":{\"none\":[]},\"algebraic_type\":{\"Array\":{\"U8\":[]}}}," +
            "{\"name\":{\"some\":\"r\"},\"algebraic_type\":{\"Ref\":3}}]}}",
            SatsJson.TypeToJson(type));
        Assert.Equal(type, SatsJson.ParseType(SatsJson.TypeToJson(type)));
    }

    [Fact]
    public void Unknown_type_variants_are_rejected_clearly()
    {
        var e = Assert.Throws<SatsJsonException>(() => SatsJson.ParseType("{\"U33\": []}"));
        Assert.Contains("unknown type variant \"U33\"", e.Message, StringComparison.Ordinal);
    }
}
