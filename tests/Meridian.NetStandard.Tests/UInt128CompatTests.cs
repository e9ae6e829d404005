using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Tests.Support;
using Xunit.Abstractions;

namespace Meridian.NetStandard.Tests;

/// <summary>
/// The compat <see cref="UInt128"/> (Meridian.Sats.Numerics, netstandard2.1) checked value by value
/// against the BCL's <see cref="System.UInt128"/>, which this net10.0 process also has.
/// </summary>
public class UInt128CompatTests(ITestOutputHelper output)
{
    private static readonly string?[] Formats =
    [
        null, "", "G", "g", "G1", "g3", "G5", "G39", "G50", "D", "d", "D45", "N0", "N2", "E3", "F1", "R",
        "x", "X", "x32", "X40", "x1", "b", "B130",
    ];

    private static readonly string[] Texts =
    [
        "", " ", "0", "-0", "+7", " 42 ", "-1", "1-", "0x10", "12a", "ff", "FF", "ffffffffffffffffffffffffffffffff",
        "1ffffffffffffffffffffffffffffffff", "0000000000ffffffffffffffffffffffffffffffff",
        "340282366920938463463374607431768211455", "340282366920938463463374607431768211456",
        "00000000000000000000000000000000000000000000000001", "1,000", "1e3", "\t9\r\n",
    ];

    private static UInt128 Ours(System.UInt128 value) => new((ulong)(value >> 64), (ulong)value);

    private static System.UInt128 Bcl(UInt128 value) => new((ulong)(value >> 64), (ulong)value);

    private List<System.UInt128> Samples(string name, int count = 400)
    {
        var random = new Random(unchecked((int)Properties.NewSeed(output, name)));
        var samples = new List<System.UInt128>
        {
            System.UInt128.Zero, System.UInt128.One, System.UInt128.MaxValue, ulong.MaxValue,
            (System.UInt128)ulong.MaxValue + 1, System.UInt128.One << 127, (System.UInt128.One << 127) - 1, 10, 255, 256,
        };
        while (samples.Count < count)
        {
            var bits = new System.UInt128((ulong)random.NextInt64(long.MinValue, long.MaxValue), (ulong)random.NextInt64(long.MinValue, long.MaxValue));
            samples.Add(bits >> random.Next(128)); // Small values as often as large ones.
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
            Assert.Equal(ours, (UInt128)(BigInteger)bcl);
        }
        Assert.Throws<OverflowException>(() => (UInt128)BigInteger.MinusOne);
        Assert.Throws<OverflowException>(() => (UInt128)(BigInteger.One << 128));
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
            Assert.Equal(((IFormattable)bcl).ToString("x", null), ((IFormattable)ours).ToString("x", null));
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
        NumberStyles[] styles = [NumberStyles.Integer, NumberStyles.None, NumberStyles.HexNumber, NumberStyles.AllowHexSpecifier, NumberStyles.AllowThousands];
        foreach (var text in texts)
        {
            foreach (var style in styles)
            {
                var bclOk = System.UInt128.TryParse(text, style, CultureInfo.InvariantCulture, out var bclValue);
                var ourOk = UInt128.TryParse(text, style, CultureInfo.InvariantCulture, out var ourValue);
                Assert.True(bclOk == ourOk, $"TryParse(\"{text}\", {style}): BCL {bclOk}, compat {ourOk}");
                Assert.Equal(bclValue, Bcl(ourValue));
                Assert.Equal(ExceptionOf(() => System.UInt128.Parse(text, style, CultureInfo.InvariantCulture)), ExceptionOf(() => UInt128.Parse(text, style, CultureInfo.InvariantCulture)));
            }
            Assert.Equal(System.UInt128.TryParse(text, out var plain), UInt128.TryParse(text, out var ourPlain));
            Assert.Equal(plain, Bcl(ourPlain));
            Assert.Equal(ExceptionOf(() => System.UInt128.Parse(text)), ExceptionOf(() => UInt128.Parse(text)));
        }
        Assert.False(UInt128.TryParse((string?)null, out _));
        Assert.Throws<ArgumentException>(() => UInt128.Parse("1", NumberStyles.AllowHexSpecifier | NumberStyles.AllowLeadingSign, null));
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
                Assert.Equal(a < b, x < y);
                Assert.Equal(a >= b, x >= y);
                Assert.Equal(a.Equals(b), x.Equals((object)y));
            }
            // Shift amounts outside 0..127 are taken modulo 128, as the BCL does.
            var shift = (i * 7 % 400) - 130;
            Assert.Equal(a << shift, Bcl(x << shift));
            Assert.Equal(a >> shift, Bcl(x >> shift));
            Assert.Equal(a >>> shift, Bcl(x >>> shift));
            Assert.Equal(x.GetHashCode(), Ours(a).GetHashCode());
        }
        Assert.Throws<ArgumentException>(() => UInt128.One.CompareTo("1"));
        Assert.Equal(1, UInt128.One.CompareTo(null));
    }

    [Fact]
    public void Integer_conversions_agree_with_the_BCL()
    {
        long[] longs = [0, 1, -1, long.MinValue, long.MaxValue, int.MinValue, 12345678901];
        foreach (var v in longs)
        {
            Assert.Equal((System.UInt128)v, Bcl((UInt128)v));
            Assert.Equal((System.UInt128)(int)v, Bcl((UInt128)(int)v));
            Assert.Equal((System.UInt128)(short)v, Bcl((UInt128)(short)v));
            Assert.Equal((System.UInt128)(sbyte)v, Bcl((UInt128)(sbyte)v));
            Assert.Equal((System.UInt128)(ulong)v, Bcl((ulong)v));
            Assert.Equal((System.UInt128)(uint)v, Bcl((uint)v));
            Assert.Equal((System.UInt128)(ushort)v, Bcl((ushort)v));
            Assert.Equal((System.UInt128)(byte)v, Bcl((byte)v));
            Assert.Equal((System.UInt128)(char)v, Bcl((char)v));
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
            Assert.Equal((System.Int128)bcl, new System.Int128((ulong)((Int128)ours >> 64), (ulong)(Int128)ours));
        }
    }

    [Fact]
    public void Bsatn_bytes_agree_with_the_BCLs_BinaryPrimitives()
    {
        var writer = new BsatnWriter();
        var expected = new byte[16];
        foreach (var bcl in Samples(nameof(Bsatn_bytes_agree_with_the_BCLs_BinaryPrimitives)))
        {
            writer.Reset();
            writer.WriteU128(Ours(bcl));
            BinaryPrimitives.WriteUInt128LittleEndian(expected, bcl);
            Assert.Equal(expected, writer.ToArray());
            var reader = new BsatnReader(expected);
            Assert.Equal(Ours(bcl), reader.ReadU128());
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
