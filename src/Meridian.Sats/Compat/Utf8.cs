#if !NET8_0_OR_GREATER
using System.Text;

namespace System.Text.Unicode;

/// <summary>
/// .NET 8's <c>Utf8.IsValid</c> (Rows/RowLayout validates strings with it), for targets that lack it;
/// callers name it the same way on every target.
/// </summary>
internal static class Utf8
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>True when <paramref name="value"/> is well-formed UTF-8.</summary>
    public static bool IsValid(ReadOnlySpan<byte> value)
    {
        try
        {
            Strict.GetCharCount(value);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
#endif
