using System.Text;
using Meridian.Sats.Values;

namespace Meridian.Sats.Tests.Values;

/// <summary>String values order by code point, as their UTF-8 bytes do (and so as string index keys and query predicates).</summary>
public class StringOrderTests
{
    [Fact]
    public void A_character_above_U_FFFF_sorts_after_the_characters_from_U_E000_to_U_FFFF()
    {
        var grinning = AlgebraicValue.String("\U0001F600"); // UTF-16: D83D DE00
        foreach (var bmp in new[] { "\uE000", "\uF8FF", "\uFFFD", "\uFFFF" })
        {
            var value = AlgebraicValue.String(bmp);
            Assert.True(value.CompareTo(grinning) < 0, $"U+{(int)bmp[0]:X4} should sort before U+1F600");
            Assert.True(grinning.CompareTo(value) > 0, $"U+1F600 should sort after U+{(int)bmp[0]:X4}");
            Assert.True(value < grinning);
        }
        // Below the surrogates UTF-16 and code point order agree.
        Assert.True(AlgebraicValue.String("\uD7FF").CompareTo(grinning) < 0);
        Assert.True(AlgebraicValue.String("a\U0001F600").CompareTo(AlgebraicValue.String("a\uFFFD")) > 0);
    }

    [Fact]
    public void Strings_sort_as_their_UTF8_bytes()
    {
        string[] strings =
        [
            "", "a", "ab", "a\u0000", "Z", "\u00E9", "\u07FF", "\u0800", "\uD7FF", "\uE000", "\uFFFD", "\uFFFF",
            "\U00010000", "\U0001F600", "\U0010FFFF", "x\U0001F600y", "x\uFFFFy", "x\U00010000", "xy",
        ];

        var byValue = strings.Select(AlgebraicValue.String).Order().Select(v => ((StringValue)v).Value).ToList();
        var byBytes = strings.OrderBy(s => Encoding.UTF8.GetBytes(s), Comparer<byte[]>.Create((x, y) => x.AsSpan().SequenceCompareTo(y))).ToList();

        Assert.Equal(byBytes, byValue);
    }

    [Fact]
    public void Equal_strings_compare_equal_and_a_prefix_sorts_first()
    {
        Assert.Equal(0, AlgebraicValue.String("\U0001F600x").CompareTo(AlgebraicValue.String("\U0001F600x")));
        Assert.True(AlgebraicValue.String("\U0001F600").CompareTo(AlgebraicValue.String("\U0001F600\u0000")) < 0);
    }
}
