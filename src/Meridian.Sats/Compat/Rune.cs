#if !NETCOREAPP3_0_OR_GREATER

namespace Meridian.Sats;

/// <summary>
/// The part of <c>System.Text.Rune</c> (a Unicode scalar value) that Meridian uses, for targets that
/// lack it; it lives in this namespace so that code importing <c>System.Text</c> binds to it unchanged.
/// </summary>
internal readonly struct Rune : IEquatable<Rune>
{
    private const int ReplacementChar = 0xFFFD;

    private Rune(int value) => Value = value;

    /// <summary>The scalar value.</summary>
    public int Value { get; }

    /// <summary>The invariant upper-case mapping (the rune itself when it has none).</summary>
    public static Rune ToUpperInvariant(Rune rune) => Map(rune, s => s.ToUpperInvariant(), char.ToUpperInvariant);

    /// <summary>The invariant lower-case mapping (the rune itself when it has none).</summary>
    public static Rune ToLowerInvariant(Rune rune) => Map(rune, s => s.ToLowerInvariant(), char.ToLowerInvariant);

    /// <summary>The rune as UTF-16.</summary>
    public override string ToString() => char.ConvertFromUtf32(Value);

    /// <inheritdoc />
    public bool Equals(Rune other) => Value == other.Value;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Rune other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Value;

    /// <summary>Equality.</summary>
    public static bool operator ==(Rune left, Rune right) => left.Value == right.Value;

    /// <summary>Inequality.</summary>
    public static bool operator !=(Rune left, Rune right) => left.Value != right.Value;

    /// <summary>Splits UTF-16 text into runes; an unpaired surrogate becomes U+FFFD, as the BCL does.</summary>
    internal static IEnumerable<Rune> Enumerate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (!char.IsSurrogate(c))
                yield return new Rune(c);
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                yield return new Rune(char.ConvertToUtf32(c, text[++i]));
            else
                yield return new Rune(ReplacementChar);
        }
    }

    private static Rune Map(Rune rune, Func<string, string> mapString, Func<char, char> mapChar)
    {
        if (rune.Value <= char.MaxValue)
            return new Rune(mapChar((char)rune.Value));
        // Outside the BMP the mapping goes through a surrogate pair, kept only when it is one rune again.
        var mapped = mapString(rune.ToString());
        return mapped.Length == 2 && char.IsSurrogatePair(mapped[0], mapped[1])
            ? new Rune(char.ConvertToUtf32(mapped[0], mapped[1]))
            : rune;
    }
}

/// <summary><c>string.EnumerateRunes</c> for targets that lack it.</summary>
internal static class StringRunes
{
    extension(string text)
    {
        /// <summary>The runes of the string, in order.</summary>
        public IEnumerable<Rune> EnumerateRunes() => Rune.Enumerate(text);
    }
}
#endif
