using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Numerics;
using Meridian.Sats.Tests.Support;
using Xunit.Abstractions;

namespace Meridian.NetStandard.Tests;

/// <summary>
/// The compat <see cref="Int128"/> (Meridian.Sats.Numerics, netstandard2.1) checked value by value
/// against the BCL's <see cref="System.Int128"/>, which this net10.0 process also has.
/// </summary>
public class Int128CompatTests(ITestOutputHelper output)
{
    private static readonly string?[] Formats =
    [
        null, "", "G", "g", "G1", "g3", "G5", "G39", "G50", "D", "d", "D45", "N0", "N2", "E3", "F1", "R",
        "x", "X", "x32", "X40", "x1", "b", "B130",
    ];

    private static readonly string[] Texts =
    [
        "", " ", "0", "-0", "+7", " -42 ", "-", "1-", "0x10", "12a", "ff", "7fffffffffffffffffffffffffffffff",
        "80000000000000000000000000000000", "ffffffffffffffffffffffffffffffff", "1ffffffffffffffffffffffffffffffff",
        "170141183460469231731687303715884105727", "170141183460469231731687303715884105728",
        "-170141183460469231731687303715884105728", "-170141183460469231731687303715884105729",
        "(5)", "-1,000", "\t-9\r\n",
    ];

    private static Int128 Ours(System.Int128 value) => new((ulong)(value >> 64), (ulong)value);

    private static System.Int128 Bcl(Int128 value) => new((ulong)(value >> 64), (ulong)value);

    private List<System.Int128> Samples(string name, int count = 400)
    {
        var random = new Random(unchecked((int)Properties.NewSeed(output, name)));
        var samples = new List<System.Int128>
        {
            System.Int128.Zero, System.Int128.One, System.Int128.NegativeOne, System.Int128.MinValue, System.Int128.MaxValue,
            long.MinValue, long.MaxValue, (System.Int128)long.MinValue - 1, (System.Int128)ulong.MaxValue + 1, -10, 10,
        };
        while (samples.Count < count)
        {
            var bits = new System.Int128((ulong)random.NextInt64(long.MinValue, long.MaxValue), (ulong)random.NextInt64(long.MinValue, long.MaxValue));
            samples.Add(bits >> random.Next(128)); // Small magnitudes as often as large ones, of either sign.
        }
        return samples;
    }

    [Fact]
    public void BigInteger_conversions_agree_with_the_BCL()
    {
        foreach (var bcl in Samples(nameof(BigInteger_conversions_agree_with_the_BCL)))
        {
            var ours = Ours(bcl);
            Assert.Equal((BigInteger)bcl, (BigInteger)ours);
            Assert.Equal(ours, (Int128)(BigInteger)bcl);
            Assert.Equal(System.Int128.IsNegative(bcl), Int128.IsNegative(ours));
        }
        Assert.Throws<OverflowException>(() => (Int128)((BigInteger)System.Int128.MinValue - 1));
        Assert.Throws<OverflowException>(() => (Int128)((BigInteger)System.Int128.MaxValue + 1));
    }

    [Fact]
    public void Formatting_agrees_with_the_BCL()
    {
        foreach (var bcl in Samples(nameof(Formatting_agrees_with_the_BCL), 200))
        {
            var ours = Ours(bcl);
            Assert.Equal(bcl.ToString(), ours.ToString());
            Assert.Equal(bcl.ToString(CultureInfo.InvariantCulture), ours.ToString(CultureInfo.InvariantCulture));
            foreach (var format in Formats)
            {
                Assert.Equal(bcl.ToString(format, CultureInfo.InvariantCulture), ours.ToString(format, CultureInfo.InvariantCulture));
                Assert.Equal(bcl.ToString(format), ours.ToString(format));
            }
        }
    }

    [Fact]
    public void Parsing_agrees_with_the_BCL()
    {
        var texts = new List<string>(Texts);
        foreach (var bcl in Samples(nameof(Parsing_agrees_with_the_BCL), 100))
        {
            texts.Add(bcl.ToString(CultureInfo.InvariantCulture));
            texts.Add(bcl.ToString("x", CultureInfo.InvariantCulture));
            texts.Add(bcl.ToString("X32", CultureInfo.InvariantCulture));
        }
        NumberStyles[] styles = [NumberStyles.Integer, NumberStyles.None, NumberStyles.HexNumber, NumberStyles.AllowParentheses, NumberStyles.Number];
        foreach (var text in texts)
        {
            foreach (var style in styles)
            {
                var bclOk = System.Int128.TryParse(text, style, CultureInfo.InvariantCulture, out var bclValue);
                var ourOk = Int128.TryParse(text, style, CultureInfo.InvariantCulture, out var ourValue);
                Assert.True(bclOk == ourOk, $"TryParse(\"{text}\", {style}): BCL {bclOk}, compat {ourOk}");
                Assert.Equal(bclValue, Bcl(ourValue));
                Assert.Equal(ExceptionOf(() => System.Int128.Parse(text, style, CultureInfo.InvariantCulture)), ExceptionOf(() => Int128.Parse(text, style, CultureInfo.InvariantCulture)));
            }
            Assert.Equal(System.Int128.TryParse(text.AsSpan(), out var plain), Int128.TryParse(text.AsSpan(), out var ourPlain));
            Assert.Equal(plain, Bcl(ourPlain));
        }
    }

    [Fact]
    public void Arithmetic_comparison_and_bit_operations_agree_with_the_BCL()
    {
        var samples = Samples(nameof(Arithmetic_comparison_and_bit_operations_agree_with_the_BCL), 120);
        for (var i = 0; i < samples.Count; i++)
        {
            var a = samples[i];
            var x = Ours(a);
            Assert.Equal(-a, Bcl(-x));
            Assert.Equal(~a, Bcl(~x));
            Assert.Equal(a + 1, Bcl(++x));
            Assert.Equal(a, Bcl(--x));
            foreach (var b in samples)
            {
                var y = Ours(b);
                Assert.Equal(a + b, Bcl(x + y));
                Assert.Equal(a - b, Bcl(x - y));
                Assert.Equal(a & b, Bcl(x & y));
                Assert.Equal(a | b, Bcl(x | y));
                Assert.Equal(a ^ b, Bcl(x ^ y));
                Assert.Equal(Math.Sign(a.CompareTo(b)), Math.Sign(x.CompareTo(y)));
                Assert.Equal(a == b, x == y);
                Assert.Equal(a > b, x > y);
                Assert.Equal(a <= b, x <= y);
            }
            // Shift amounts outside 0..127 are taken modulo 128, as the BCL does; >> copies the sign bit.
            var shift = (i * 7 % 400) - 130;
            Assert.Equal(a << shift, Bcl(x << shift));
            Assert.Equal(a >> shift, Bcl(x >> shift));
            Assert.Equal(a >>> shift, Bcl(x >>> shift));
        }
    }

    [Fact]
    public void Integer_conversions_agree_with_the_BCL()
    {
        long[] longs = [0, 1, -1, long.MinValue, long.MaxValue, int.MinValue, -12345678901];
        foreach (var v in longs)
        {
            Assert.Equal((System.Int128)v, Bcl(v));
            Assert.Equal((System.Int128)(int)v, Bcl((int)v));
            Assert.Equal((System.Int128)(short)v, Bcl((short)v));
            Assert.Equal((System.Int128)(sbyte)v, Bcl((sbyte)v));
            Assert.Equal((System.Int128)(ulong)v, Bcl((ulong)v));
            Assert.Equal((System.Int128)(uint)v, Bcl((uint)v));
            Assert.Equal((System.Int128)(ushort)v, Bcl((ushort)v));
            Assert.Equal((System.Int128)(byte)v, Bcl((byte)v));
            Assert.Equal((System.Int128)(char)v, Bcl((char)v));
        }
        foreach (var bcl in Samples(nameof(Integer_conversions_agree_with_the_BCL), 100))
        {
            var ours = Ours(bcl);
            Assert.Equal((long)bcl, (long)ours);
            Assert.Equal((ulong)bcl, (ulong)ours);
            Assert.Equal((int)bcl, (int)ours);
            Assert.Equal((uint)bcl, (uint)ours);
            Assert.Equal((short)bcl, (short)ours);
            Assert.Equal((ushort)bcl, (ushort)ours);
            Assert.Equal((sbyte)bcl, (sbyte)ours);
            Assert.Equal((byte)bcl, (byte)ours);
            Assert.Equal((char)bcl, (char)ours);
            Assert.Equal((System.UInt128)bcl, new System.UInt128((ulong)((UInt128)ours >> 64), (ulong)(UInt128)ours));
        }
    }

    [Fact]
    public void Bsatn_bytes_and_256_bit_widening_agree_with_the_BCL()
    {
        var writer = new BsatnWriter();
        var expected = new byte[16];
        foreach (var bcl in Samples(nameof(Bsatn_bytes_and_256_bit_widening_agree_with_the_BCL)))
        {
            writer.Reset();
            writer.WriteI128(Ours(bcl));
            BinaryPrimitives.WriteInt128LittleEndian(expected, bcl);
            Assert.Equal(expected, writer.ToArray());
            var reader = new BsatnReader(expected);
            Assert.Equal(Ours(bcl), reader.ReadI128());

            // Int256 widens by sign extension, through the compat types on this target.
            Int256 wide = Ours(bcl);
            Assert.Equal((BigInteger)bcl, wide.ToBigInteger());
        }
    }

    private static Type? ExceptionOf(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception e)
        {
            return e.GetType();
        }
    }
}
