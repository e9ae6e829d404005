using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using Meridian.Sats.Values;

namespace Meridian.Sats.Tests.Bsatn;

public class BsatnReaderTests
{
    private static readonly ProductType Person = AlgebraicType.Product(("id", AlgebraicType.U32), ("age", AlgebraicType.U64), ("name", AlgebraicType.String));

    [Fact]
    public void Primitives_are_little_endian_and_fixed_width()
    {
        var w = new BsatnWriter();
        w.WriteU16(0x0102);
        w.WriteI32(-2);
        w.WriteU64(0x0102030405060708);
        w.WriteBool(true);
        w.WriteF32(1.0f);
        Assert.Equal("0201" + "feffffff" + "0807060504030201" + "01" + "0000803f", Convert.ToHexStringLower(w.WrittenSpan));
    }

    [Fact]
    public void Strings_are_length_prefixed_utf8()
    {
        var w = new BsatnWriter(16);
        w.WriteString("héllo");
        Assert.Equal("06000000" + "68c3a96c6c6f", Convert.ToHexStringLower(w.WrittenSpan));
        var r = new BsatnReader(w.WrittenSpan);
        Assert.Equal("héllo", r.ReadString());
        Assert.True(r.IsAtEnd);
    }

    [Fact]
    public void The_writer_grows_past_its_initial_capacity_and_can_be_reset()
    {
        var w = new BsatnWriter(16);
        var big = new string('x', 10_000);
        w.WriteString(big);
        Assert.Equal(10_004, w.Length);
        w.Reset();
        w.WriteU8(7);
        Assert.Equal([7], w.ToArray());
    }

    [Fact]
    public void A_bool_byte_other_than_0_or_1_is_a_decode_error_naming_the_offset()
    {
        var e = Assert.Throws<BsatnDecodeException>(() => AlgebraicValue.FromBsatn([0x05], AlgebraicType.Bool));
        Assert.Contains("bool", e.Message, StringComparison.Ordinal);
        Assert.Contains("0x05", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, e.Offset);
    }

    [Fact]
    public void An_unknown_sum_tag_is_a_decode_error()
    {
        var e = Assert.Throws<BsatnDecodeException>(() => AlgebraicValue.FromBsatn([0x02, 0x00], AlgebraicType.Option(AlgebraicType.U8)));
        Assert.Contains("tag 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_string_length_beyond_the_input_is_a_decode_error_that_names_the_field()
    {
        byte[] bytes = [1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 0x41];
        var e = Assert.Throws<BsatnDecodeException>(() => AlgebraicValue.FromBsatn(bytes, Person));
        Assert.Contains("String length 2147483647", e.Message, StringComparison.Ordinal);
        Assert.Equal("name", e.Path.TrimStart('.'));
        Assert.Contains("(in name)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_huge_array_length_is_rejected_before_allocating()
    {
        // Claims four billion u64 elements in an 8-byte input.
        byte[] bytes = [0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4];
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<BsatnDecodeException>(() => AlgebraicValue.FromBsatn(bytes, AlgebraicType.Array(AlgebraicType.U64)));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("exceeds", e.Message, StringComparison.Ordinal);
        Assert.True(allocated < 100_000, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Arrays_of_zero_sized_elements_are_capped()
    {
        byte[] bytes = [0xff, 0xff, 0xff, 0xff];
        var e = Assert.Throws<BsatnDecodeException>(() => AlgebraicValue.FromBsatn(bytes, AlgebraicType.Array(AlgebraicType.Unit)));
        Assert.Contains("exceeds", e.Message, StringComparison.Ordinal);
        var three = AlgebraicValue.FromBsatn([3, 0, 0, 0], AlgebraicType.Array(AlgebraicType.Unit));
        Assert.Equal(3, three.AsArray().Count);
    }

    [Fact]
    public void Invalid_utf8_is_a_decode_error()
    {
        byte[] bytes = [2, 0, 0, 0, 0xc3, 0x28];
        var e = Assert.Throws<BsatnDecodeException>(() => AlgebraicValue.FromBsatn(bytes, AlgebraicType.String));
        Assert.Contains("UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Trailing_bytes_are_a_decode_error()
    {
        var e = Assert.Throws<BsatnDecodeException>(() => AlgebraicValue.FromBsatn([1, 0], AlgebraicType.U8));
        Assert.Contains("trailing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deeply_nested_input_is_a_decode_error_not_a_stack_overflow()
    {
        // A recursive list type: &0 = [nil: (), cons: (u8, &0)].
        var ts = new Typespace(
            [AlgebraicType.Sum(("nil", AlgebraicType.Unit), ("cons", AlgebraicType.Product((null, AlgebraicType.U8), (null, AlgebraicType.Ref(0)))))]);
        var bytes = new byte[200_000];
        for (var i = 0; i < bytes.Length; i += 2)
            bytes[i] = 1;
        var e = Assert.Throws<BsatnDecodeException>(() => AlgebraicValue.FromBsatn(bytes, AlgebraicType.Ref(0), ts));
        Assert.Contains("deeper", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deeply_nested_type_encodings_are_rejected()
    {
        var bytes = Enumerable.Repeat((byte)AlgebraicTypeTag.Array, 100_000).Append((byte)AlgebraicTypeTag.U8).ToArray();
        var e = Assert.Throws<BsatnDecodeException>(() => AlgebraicType.FromBsatn(bytes));
        Assert.Contains("deeper", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Recursive_types_decode_through_the_typespace()
    {
        var ts = new Typespace(
            [AlgebraicType.Sum(("nil", AlgebraicType.Unit), ("cons", AlgebraicType.Product((null, AlgebraicType.U8), (null, AlgebraicType.Ref(0)))))]);
        byte[] bytes = [1, 7, 1, 8, 0];
        var v = AlgebraicValue.FromBsatn(bytes, AlgebraicType.Ref(0), ts);
        Assert.Equal("#1((7, #1((8, #0(())))))", v.ToString());
        Assert.Equal(bytes, v.ToBsatn());
    }
}
