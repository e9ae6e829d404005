using FsCheck;
using FsCheck.Fluent;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Json;
using Meridian.Sats.Tests.Support;
using Meridian.Sats.Types;
using Meridian.Sats.Values;
using Xunit.Abstractions;

namespace Meridian.Sats.Tests.Bsatn;

public class BsatnPropertyTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_value_of_a_random_type_round_trips_through_bsatn() =>
        Properties.ForAll(output, "bsatn round trip", SatsGen.TypedValue(), tv =>
        {
            var bytes = tv.Value.ToBsatn();
            var decoded = AlgebraicValue.FromBsatn(bytes, tv.Type);
            Assert.Equal(tv.Value, decoded);
            Assert.Equal(bytes, decoded.ToBsatn());
        }, maxTest: 500);

    [Fact]
    public void Every_primitive_round_trips_through_bsatn() =>
        Properties.ForAll(output, "primitive round trip", SatsGen.Primitive.SelectMany(t => SatsGen.Value(t).Select(v => (t, v))), tv =>
            Assert.Equal(tv.v, AlgebraicValue.FromBsatn(tv.v.ToBsatn(), tv.t)), maxTest: 1000);

    [Fact]
    public void Every_truncation_of_a_valid_encoding_fails_with_a_decode_error() =>
        Properties.ForAll(output, "truncation", SatsGen.TypedValue(), tv =>
        {
            var bytes = tv.Value.ToBsatn();
            for (var cut = 0; cut < bytes.Length; cut++)
            {
                var prefix = bytes.AsSpan(0, cut).ToArray();
                var e = Assert.Throws<BsatnDecodeException>(() => AlgebraicValue.FromBsatn(prefix, tv.Type));
                Assert.InRange(e.Offset, 0, cut);
            }
        }, maxTest: 200);

    [Fact]
    public void Random_bytes_decode_or_fail_only_with_a_decode_error()
    {
        var gen = from tv in SatsGen.TypedValue()
                  from bytes in Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf()
                  select (tv.Type, bytes);
        Properties.ForAll(output, "random bytes", gen, input =>
        {
            try
            {
                var value = AlgebraicValue.FromBsatn(input.bytes, input.Type);
                Assert.Equal(input.bytes, value.ToBsatn());
            }
            catch (BsatnDecodeException)
            {
                // The only failure allowed.
            }
        }, maxTest: 2000);
    }

    [Fact]
    public void Random_types_round_trip_through_the_meta_type_in_bsatn_and_json() =>
        Properties.ForAll(output, "meta-type round trip", SatsGen.Type(4), type =>
        {
            Assert.Equal(type, AlgebraicType.FromBsatn(type.ToBsatn()));
            Assert.Equal(type, SatsJson.ParseType(SatsJson.TypeToJson(type)));
        }, maxTest: 300);

    [Fact]
    public void Random_bytes_fed_to_the_type_decoder_fail_only_with_a_decode_error() =>
        Properties.ForAll(output, "random type bytes", Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf(), bytes =>
        {
            try
            {
                var type = AlgebraicType.FromBsatn(bytes);
                Assert.Equal(bytes, type.ToBsatn());
            }
            catch (BsatnDecodeException)
            {
            }
        }, maxTest: 2000);
}
