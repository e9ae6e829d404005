using System.Text;

namespace Meridian.Server.Sessions;

/// <summary>Close reasons as the WebSocket protocol allows them.</summary>
internal static class CloseReasons
{
    /// <summary>Most UTF-8 bytes a close reason may have.</summary>
    public const int MaxBytes = 123;

    /// <summary>The reason, cut (on a character boundary, with "...") to fit <see cref="MaxBytes"/>.</summary>
    public static string Truncate(string reason)
    {
        var bytes = Encoding.UTF8.GetBytes(reason);
        return bytes.Length <= MaxBytes ? reason : Encoding.UTF8.GetString(bytes, 0, MaxBytes - 3).TrimEnd('\uFFFD') + "...";
    }
}
