using Meridian.Sats.Bsatn;
using Meridian.Sats.Json;
using Meridian.Sats.Tests.Support;
using Meridian.Sats.Types;
using Meridian.Sats.Values;
using Xunit.Abstractions;

namespace Meridian.Sats.Tests.Bsatn;

public class BsatnPropertyTests
{
    public BsatnPropertyTests(ITestOutputHelper output) => TestSeed.Print(output);

    [ReplayableProperty(MaxTest = 500)]
    public void Every_value_of_a_random_type_round_trips_through_bsatn(TypedValue tv)
    {
        var bytes = tv.Value.ToBsatn();
        var decoded = AlgebraicValue.FromBsatn(bytes, tv.Type);
        Assert.Equal(tv.Value, decoded);
        Assert.Equal(bytes, decoded.ToBsatn());
    }

    [ReplayableProperty(MaxTest = 1000)]
    public void Every_primitive_round_trips_through_bsatn(PrimitiveTypedValue tv) =>
        Assert.Equal(tv.Value, AlgebraicValue.FromBsatn(tv.Value.ToBsatn(), tv.Type));

    [ReplayableProperty(MaxTest = 200)]
    public void Every_truncation_of_a_valid_encoding_fails_with_a_decode_error(TypedValue tv)
    {
        var bytes = tv.Value.ToBsatn();
        for (var cut = 0; cut < bytes.Length; cut++)
        {
            var prefix = bytes.AsSpan(0, cut).ToArray();
            var e = Assert.Throws<BsatnDecodeException>(() => AlgebraicValue.FromBsatn(prefix, tv.Type));
            Assert.InRange(e.Offset, 0, cut);
        }
    }

    [ReplayableProperty(MaxTest = 2000)]
    public void Random_bytes_decode_or_fail_only_with_a_decode_error(TypedValue typed, byte[] bytes)
    {
        try
        {
            var value = AlgebraicValue.FromBsatn(bytes, typed.Type);
            Assert.Equal(bytes, value.ToBsatn());
        }
        catch (BsatnDecodeException)
        {
            // The only failure allowed.
        }
    }

    [ReplayableProperty(MaxTest = 300)]
    public void Random_types_round_trip_through_the_meta_type_in_bsatn_and_json(AlgebraicType type)
    {
        Assert.Equal(type, AlgebraicType.FromBsatn(type.ToBsatn()));
        Assert.Equal(type, SatsJson.ParseType(SatsJson.TypeToJson(type)));
    }

    [ReplayableProperty(MaxTest = 2000)]
    public void Random_bytes_fed_to_the_type_decoder_fail_only_with_a_decode_error(byte[] bytes)
    {
        try
        {
            var type = AlgebraicType.FromBsatn(bytes);
            Assert.Equal(bytes, type.ToBsatn());
        }
        catch (BsatnDecodeException)
        {
            // The only failure allowed.
        }
    }
}
