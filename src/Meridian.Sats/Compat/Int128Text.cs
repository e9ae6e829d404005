#if !NET7_0_OR_GREATER
using System.Globalization;
using System.Numerics;

namespace Meridian.Sats.Numerics;

/// <summary>Text conversions and range constants shared by the compat <see cref="Int128"/> and <see cref="UInt128"/>.</summary>
internal static class Int128Text
{
    internal static readonly BigInteger TwoTo128 = BigInteger.One << 128;
    internal static readonly BigInteger UInt128Max = TwoTo128 - 1;
    internal static readonly BigInteger Int128Max = (BigInteger.One << 127) - 1;
    internal static readonly BigInteger Int128Min = -(BigInteger.One << 127);

    internal enum ParseStatus
    {
        Ok,
        Format,
        Overflow,
    }

    /// <summary>
    /// Formats 128 bits as the BCL does: hex and binary formats print the bits (two's complement for a
    /// negative signed value); every other format is the decimal value, formatted by
    /// <see cref="BigInteger"/>, whose only difference from the BCL's integers is G with a precision.
    /// </summary>
    internal static string Format(UInt128 bits, bool negative, string? format, IFormatProvider? provider)
    {
        var kind = string.IsNullOrEmpty(format) ? 'G' : format![0];
        var precision = -1;
        if (format is { Length: > 1 } && !int.TryParse(format.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out precision))
            precision = -1;
        if (kind is 'X' or 'x' or 'B' or 'b')
        {
            if (format!.Length > 1 && precision < 0)
                throw new FormatException($"Format specifier '{format}' is invalid.");
            return Digits(bits, kind is 'B' or 'b' ? 1 : 4, kind == 'x', Math.Max(precision, 0));
        }
        var value = negative ? (BigInteger)bits - TwoTo128 : (BigInteger)bits;
        return kind is 'G' or 'g' && precision > 0
            ? GeneralWithPrecision(value, precision, kind == 'g', provider)
            : value.ToString(format, provider);
    }

    // The digits of the bits in base 2 (1 bit per digit) or 16 (4 bits), without leading zeros.
    private static string Digits(UInt128 bits, int bitsPerDigit, bool lowerCase, int minDigits)
    {
        var alphabet = lowerCase ? "0123456789abcdef" : "0123456789ABCDEF";
        var count = 128 / bitsPerDigit;
        var mask = (1 << bitsPerDigit) - 1;
        Span<char> text = stackalloc char[128];
        for (var i = 0; i < count; i++)
        {
            var shift = 128 - (bitsPerDigit * (i + 1));
            text[i] = alphabet[(int)(ulong)(bits >> shift) & mask];
        }
        var first = 0;
        while (first < count - 1 && text[first] == '0')
            first++;
        var significant = count - first;
        var digits = new string(text[first..count]);
        return minDigits > significant ? new string('0', minDigits - significant) + digits : digits;
    }

    // G with a precision: plain digits when they fit, else scientific with that many significant
    // digits, trailing zeros dropped and a two-digit exponent (BigInteger's E gives three and keeps zeros).
    private static string GeneralWithPrecision(BigInteger value, int precision, bool lowerCase, IFormatProvider? provider)
    {
        if (BigInteger.Abs(value).ToString(CultureInfo.InvariantCulture).Length <= precision)
            return value.ToString("D", provider);
        var e = lowerCase ? 'e' : 'E';
        var scientific = value.ToString(e + (precision - 1).ToString(CultureInfo.InvariantCulture), provider);
        var at = scientific.LastIndexOf(e);
        var mantissa = scientific[..at];
        var separator = NumberFormatInfo.GetInstance(provider).NumberDecimalSeparator;
        if (mantissa.Contains(separator, StringComparison.Ordinal))
        {
            mantissa = mantissa.TrimEnd('0');
            if (mantissa.EndsWith(separator, StringComparison.Ordinal))
                mantissa = mantissa[..^separator.Length];
        }
        var exponent = scientific[(at + 1)..];
        var digitsAt = exponent.Length;
        while (digitsAt > 0 && exponent[digitsAt - 1] is >= '0' and <= '9')
            digitsAt--;
        return mantissa + e + exponent[..digitsAt] + exponent[digitsAt..].TrimStart('0').PadLeft(2, '0');
    }

    /// <summary>Parses and throws as the BCL's Parse methods do.</summary>
    internal static UInt128 Parse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider? provider, bool signed) =>
        TryParse(s, style, provider, signed, out var bits) switch
        {
            ParseStatus.Ok => bits,
            ParseStatus.Overflow => throw new OverflowException($"Value was either too large or too small for {(signed ? "an Int128" : "a UInt128")}."),
            _ => throw new FormatException($"The input string '{s.ToString()}' was not in a correct format."),
        };

    /// <summary>
    /// Parses into the 128 bits of the result. Hex text is the bits themselves (so 32 digits with the
    /// top bit set are a negative signed value, as with the BCL); decimal text goes through
    /// <see cref="BigInteger"/>, which honours every decimal <see cref="NumberStyles"/> flag.
    /// </summary>
    internal static ParseStatus TryParse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider? provider, bool signed, out UInt128 bits)
    {
        bits = default;
        if ((style & NumberStyles.AllowHexSpecifier) != 0)
            return TryParseHex(s, style, out bits);
        if (!BigInteger.TryParse(s, style, provider, out var value))
            return ParseStatus.Format;
        var inRange = signed
            ? value >= Int128Min && value <= Int128Max
            : value.Sign >= 0 && value <= UInt128Max;
        if (!inRange)
            return ParseStatus.Overflow;
        bits = (UInt128)(value.Sign < 0 ? value + TwoTo128 : value);
        return ParseStatus.Ok;
    }

    private static ParseStatus TryParseHex(ReadOnlySpan<char> s, NumberStyles style, out UInt128 bits)
    {
        bits = default;
        if ((style & ~NumberStyles.HexNumber) != 0)
            throw new ArgumentException("With AllowHexSpecifier, only AllowLeadingWhite and AllowTrailingWhite may be set too.", nameof(style));
        if ((style & NumberStyles.AllowLeadingWhite) != 0)
        {
            while (!s.IsEmpty && IsWhite(s[0]))
                s = s[1..];
        }
        if ((style & NumberStyles.AllowTrailingWhite) != 0)
        {
            while (!s.IsEmpty && IsWhite(s[^1]))
                s = s[..^1];
        }
        if (s.IsEmpty)
            return ParseStatus.Format;
        foreach (var c in s)
        {
            if (HexValue(c) < 0)
                return ParseStatus.Format;
        }
        // Leading zeros do not count against the 32 digits that fit.
        while (s.Length > 1 && s[0] == '0')
            s = s[1..];
        if (s.Length > 32)
            return ParseStatus.Overflow;
        foreach (var c in s)
            bits = (bits << 4) | (uint)HexValue(c);
        return ParseStatus.Ok;
    }

    // The BCL's whitespace for number parsing: space and \t through \r.
    private static bool IsWhite(char c) => c == ' ' || (c >= '\t' && c <= '\r');

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
#endif
