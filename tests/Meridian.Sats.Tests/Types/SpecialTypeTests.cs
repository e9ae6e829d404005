using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using Meridian.Sats.Values;
using T = Meridian.Sats.Types.AlgebraicType;

namespace Meridian.Sats.Tests.Types;

public class SpecialTypeTests
{
    [Theory]
    [InlineData("example.com", "123", "c200ef884364c1a99be0298dc68f2004e6b97c09d1b1658b7db22f51fb662059")]
    [InlineData("localhost", "test-subject", "c200b3ce65d91b79ecfb7d881cd65bf8da2f647d590af1474ad19faa7aa87e38")]
    [InlineData("issuer", "server", "c20077f774179cabd1fa3471168506b93dc3a44a49ddd9511123c3b0b076b811")]
    public void Identity_from_claims_matches_the_spec_vectors(string issuer, string subject, string hex) =>
        Assert.Equal(hex, Identity.FromClaims(issuer, subject).ToHexString());

    [Fact]
    public void Identity_bsatn_is_the_hex_bytes_reversed()
    {
        var id = Identity.FromClaims("localhost", "test-subject");
        var w = new BsatnWriter();
        id.WriteBsatn(w);
        Assert.Equal(id.ToBigEndianBytes().Reverse().ToArray(), w.ToArray());
        var r = new BsatnReader(w.WrittenSpan);
        Assert.Equal(id, Identity.ReadBsatn(ref r));
    }

    [Fact]
    public void Identity_parses_with_or_without_0x_and_rejects_other_lengths()
    {
        var id = Identity.FromClaims("issuer", "server");
        Assert.Equal(id, Identity.FromHexString("0x" + id.ToHexString()));
        Assert.Equal(id, Identity.FromHexString(id.ToHexString().ToUpperInvariant()));
        Assert.False(Identity.TryParse("c200", out _));
        Assert.False(Identity.TryParse(new string('g', 64), out _));
    }

    [Fact]
    public void Connection_ids_are_random_non_zero_and_print_as_32_hex_digits()
    {
        var a = ConnectionId.Random();
        var b = ConnectionId.Random();
        Assert.NotEqual(a, b);
        Assert.False(a.IsZero);
        Assert.Equal(32, a.ToHexString().Length);
        Assert.Equal(a, ConnectionId.FromHexString(a.ToHexString()));
        Assert.Equal("0102030405060708090a0b0c0d0e0f10", ConnectionId.FromHexString("0x0102030405060708090a0b0c0d0e0f10").ToHexString());
    }

    [Fact]
    public void Timestamps_convert_to_and_from_date_time_offset_and_iso_8601()
    {
        var ts = new Timestamp(1_700_000_000_123_456);
        Assert.Equal(new DateTimeOffset(2023, 11, 14, 22, 13, 20, TimeSpan.Zero).AddTicks(1_234_560), ts.ToDateTimeOffset());
        Assert.Equal(ts, Timestamp.FromDateTimeOffset(ts.ToDateTimeOffset()));
        Assert.Equal("2023-11-14T22:13:20.123456+00:00", ts.ToString());
        Assert.Equal(ts, Timestamp.Parse("2023-11-14T22:13:20.123456Z"));
        Assert.Equal(ts, Timestamp.Parse("2023-11-14T23:13:20.123456+01:00"));
        Assert.Equal(new Timestamp(-1), Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch.AddTicks(-10)));
        Assert.Equal(new TimeDuration(5), new Timestamp(10).Since(new Timestamp(5)));
        Assert.Equal(new Timestamp(15), new Timestamp(10) + new TimeDuration(5));
    }

    [Fact]
    public void Durations_convert_and_print_as_signed_seconds()
    {
        Assert.Equal(new TimeDuration(1_500_000), TimeDuration.FromTimeSpan(TimeSpan.FromSeconds(1.5)));
        Assert.Equal(TimeSpan.FromMilliseconds(2), new TimeDuration(2000).ToTimeSpan());
        Assert.Equal("+1.500000", new TimeDuration(1_500_000).ToString());
        Assert.Equal("-0.000001", new TimeDuration(-1).ToString());
    }

    [Fact]
    public void Schedule_at_encodes_as_the_spec_sum()
    {
        var every = ScheduleAt.Every(new TimeDuration(1000));
        Assert.Equal("00" + "e803000000000000", Convert.ToHexStringLower(every.ToValue().ToBsatn()));
        var at = ScheduleAt.At(new Timestamp(1));
        Assert.Equal("01" + "0100000000000000", Convert.ToHexStringLower(at.ToValue().ToBsatn()));
        Assert.Equal(every, ScheduleAt.FromValue(AlgebraicValue.FromBsatn(every.ToValue().ToBsatn(), T.ScheduleAt)));
        Assert.Throws<InvalidOperationException>(() => at.Interval);
    }

    [Fact]
    public void Uuid_text_is_the_u128_printed_big_endian()
    {
        var uuid = Uuid.FromGuid(Guid.Parse("01234567-89ab-cdef-0123-456789abcdef"));
        Assert.Equal(UInt128.Parse("0123456789abcdef0123456789abcdef", System.Globalization.NumberStyles.HexNumber, null), uuid.Value);
        Assert.Equal("01234567-89ab-cdef-0123-456789abcdef", uuid.ToString());
        Assert.Equal(Guid.Parse("01234567-89ab-cdef-0123-456789abcdef"), uuid.ToGuid());
    }

    [Fact]
    public void Special_types_are_recognised_by_structure()
    {
        Assert.Equal(SpecialTypeKind.Identity, T.Product(("__identity__", T.U256)).SpecialKind);
        Assert.Equal(SpecialTypeKind.ConnectionId, T.ConnectionId.SpecialKind);
        Assert.Equal(SpecialTypeKind.Timestamp, T.Timestamp.SpecialKind);
        Assert.Equal(SpecialTypeKind.TimeDuration, T.TimeDuration.SpecialKind);
        Assert.Equal(SpecialTypeKind.Uuid, T.Uuid.SpecialKind);
        Assert.Equal(SpecialTypeKind.Option, T.Option(T.String).SpecialKind);
        Assert.Equal(SpecialTypeKind.Result, T.Result(T.U8, T.String).SpecialKind);
        Assert.Equal(SpecialTypeKind.ScheduleAt, T.ScheduleAt.SpecialKind);
        Assert.Equal(SpecialTypeKind.None, T.Product(("__identity__", T.U128)).SpecialKind);
        Assert.Equal(SpecialTypeKind.None, T.Sum(("none", T.Unit), ("some", T.U8)).SpecialKind);
        Assert.Equal(SpecialTypeKind.None, T.Product(("id", T.U256)).SpecialKind);
    }

    [Fact]
    public void Type_meta_encoding_matches_the_spec_tags()
    {
        // Product { elements: [ { name: some("x"), U32 } ] } = 02 | 01000000 | 00 01000000 78 | 0b
        Assert.Equal("02" + "01000000" + "00" + "01000000" + "78" + "0b", Convert.ToHexStringLower(T.Product(("x", T.U32)).ToBsatn()));
        Assert.Equal("03" + "07", Convert.ToHexStringLower(T.Bytes.ToBsatn()));
        Assert.Equal("00" + "05000000", Convert.ToHexStringLower(T.Ref(5).ToBsatn()));
        Assert.Equal("01" + "01000000" + "01" + "04", Convert.ToHexStringLower(T.Sum((null, T.String)).ToBsatn()));
    }

    [Fact]
    public void Values_of_one_type_are_totally_ordered()
    {
        Assert.True(AlgebraicValue.I32(-5).CompareTo(AlgebraicValue.I32(3)) < 0);
        Assert.True(AlgebraicValue.String("a").CompareTo(AlgebraicValue.String("b")) < 0);
        var first = AlgebraicValue.Product(AlgebraicValue.U8(1), AlgebraicValue.U8(9));
        var second = AlgebraicValue.Product(AlgebraicValue.U8(2), AlgebraicValue.U8(0));
        Assert.True(first.CompareTo(second) < 0);
        Assert.True(AlgebraicValue.OptionSome(AlgebraicValue.U8(200)).CompareTo(AlgebraicValue.OptionNone) < 0);
        Assert.True(AlgebraicValue.I256(-1L).CompareTo(AlgebraicValue.I256(1L)) < 0);
    }
}
