using System.Globalization;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using Meridian.Sats.Values;

namespace Meridian.Sats;

/// <summary>A point in time: microseconds since 1970-01-01T00:00:00Z (BSATN: i64 little-endian).</summary>
public readonly struct Timestamp : IEquatable<Timestamp>, IComparable<Timestamp>
{
    private const long TicksPerMicrosecond = 10;

    /// <summary>Microseconds since the Unix epoch (negative before it).</summary>
    public long MicrosecondsSinceUnixEpoch { get; }

    /// <summary>Creates a timestamp.</summary>
    public Timestamp(long microsecondsSinceUnixEpoch) => MicrosecondsSinceUnixEpoch = microsecondsSinceUnixEpoch;

    /// <summary>1970-01-01T00:00:00Z.</summary>
    public static Timestamp UnixEpoch => default;

    /// <summary>The SATS type of a timestamp.</summary>
    public static ProductType AlgebraicType => Types.AlgebraicType.Timestamp;

    /// <summary>Now, according to <paramref name="clock"/> (the system clock when null).</summary>
    public static Timestamp Now(TimeProvider? clock = null) => FromDateTimeOffset((clock ?? TimeProvider.System).GetUtcNow());

    /// <summary>From a <see cref="DateTimeOffset"/>, truncated to whole microseconds.</summary>
    public static Timestamp FromDateTimeOffset(DateTimeOffset time) =>
        new((time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TicksPerMicrosecond);

    /// <summary>As a UTC <see cref="DateTimeOffset"/>; throws when outside years 1–9999.</summary>
    public DateTimeOffset ToDateTimeOffset()
    {
        var ticks = checked(DateTimeOffset.UnixEpoch.UtcTicks + (MicrosecondsSinceUnixEpoch * TicksPerMicrosecond));
        return new DateTimeOffset(ticks, TimeSpan.Zero);
    }

    /// <summary>Parses ISO-8601 text (e.g. <c>2024-01-02T03:04:05.123456Z</c> or with an offset).</summary>
    public static bool TryParse(string text, out Timestamp timestamp)
    {
        timestamp = default;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var dto))
            return false;
        timestamp = FromDateTimeOffset(dto);
        return true;
    }

    /// <summary>Parses ISO-8601 text.</summary>
    public static Timestamp Parse(string text) =>
        TryParse(text, out var ts) ? ts : throw new FormatException($"'{text}' is not an ISO-8601 timestamp.");

    /// <summary>ISO-8601 in UTC with microseconds, e.g. <c>2023-11-14T22:13:20.000000+00:00</c>.</summary>
    public override string ToString()
    {
        try
        {
            return ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or OverflowException)
        {
            return MicrosecondsSinceUnixEpoch.ToString(CultureInfo.InvariantCulture) + "µs";
        }
    }

    /// <summary>The duration from <paramref name="earlier"/> to this.</summary>
    public TimeDuration Since(Timestamp earlier) => new(checked(MicrosecondsSinceUnixEpoch - earlier.MicrosecondsSinceUnixEpoch));

    /// <summary>Later by a duration.</summary>
    public static Timestamp operator +(Timestamp t, TimeDuration d) => new(checked(t.MicrosecondsSinceUnixEpoch + d.Microseconds));

    /// <summary>Earlier by a duration.</summary>
    public static Timestamp operator -(Timestamp t, TimeDuration d) => new(checked(t.MicrosecondsSinceUnixEpoch - d.Microseconds));

    /// <summary>Writes the BSATN encoding.</summary>
    public void WriteBsatn(BsatnWriter writer) => writer.WriteI64(MicrosecondsSinceUnixEpoch);

    /// <summary>Reads the BSATN encoding.</summary>
    public static Timestamp ReadBsatn(ref BsatnReader reader) => new(reader.ReadI64());

    /// <summary>As a SATS value of <see cref="AlgebraicType"/>.</summary>
    public AlgebraicValue ToValue() => AlgebraicValue.Product(AlgebraicValue.I64(MicrosecondsSinceUnixEpoch));

    /// <summary>From a SATS value of <see cref="AlgebraicType"/>.</summary>
    public static Timestamp FromValue(AlgebraicValue value) => new(value.AsProduct()[0].AsI64());

    /// <inheritdoc />
    public bool Equals(Timestamp other) => MicrosecondsSinceUnixEpoch == other.MicrosecondsSinceUnixEpoch;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Timestamp other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => MicrosecondsSinceUnixEpoch.GetHashCode();

    /// <inheritdoc />
    public int CompareTo(Timestamp other) => MicrosecondsSinceUnixEpoch.CompareTo(other.MicrosecondsSinceUnixEpoch);

    /// <summary>Equality.</summary>
    public static bool operator ==(Timestamp left, Timestamp right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Timestamp left, Timestamp right) => !left.Equals(right);

    /// <summary>Ordering.</summary>
    public static bool operator <(Timestamp left, Timestamp right) => left.CompareTo(right) < 0;

    /// <summary>Ordering.</summary>
    public static bool operator >(Timestamp left, Timestamp right) => left.CompareTo(right) > 0;

    /// <summary>Ordering.</summary>
    public static bool operator <=(Timestamp left, Timestamp right) => left.CompareTo(right) <= 0;

    /// <summary>Ordering.</summary>
    public static bool operator >=(Timestamp left, Timestamp right) => left.CompareTo(right) >= 0;
}
