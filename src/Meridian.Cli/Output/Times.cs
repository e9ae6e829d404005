using System.Globalization;

namespace Meridian.Cli.Output;

/// <summary>
/// The one way the CLI prints a point in time: UTC, ISO 8601 with microseconds and a <c>Z</c>
/// (<c>2026-12-02T18:52:22.123456Z</c>), in SQL values, history, logs and the mirror's progress.
/// </summary>
internal static class Times
{
    private const string Format_ = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    /// <summary><paramref name="time"/> in UTC.</summary>
    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString(Format_, CultureInfo.InvariantCulture);

    /// <summary>Microseconds since the Unix epoch; ones outside the calendar print as <c>N µs</c> since the epoch.</summary>
    public static string FromUnixMicros(long micros)
    {
        try
        {
            return Format(DateTimeOffset.UnixEpoch.AddTicks(checked(micros * 10)));
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or OverflowException)
        {
            return micros.ToString(CultureInfo.InvariantCulture) + " µs since 1970-01-01T00:00:00Z";
        }
    }
}
