using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using SpacetimeDB.BSATN;

namespace SpacetimeDB;

/// <summary>Microseconds since the Unix epoch; special product <c>{ __timestamp_micros_since_unix_epoch__: I64 }</c>.</summary>
/// <param name="MicrosecondsSinceUnixEpoch">The instant.</param>
public readonly record struct Timestamp(long MicrosecondsSinceUnixEpoch) : IComparable<Timestamp>
{
    /// <summary>1970-01-01T00:00:00Z.</summary>
    [SuppressMessage("Naming", "CA1707", Justification = "Upstream's name for the constant.")]
    public static readonly Timestamp UNIX_EPOCH = new(0);

    /// <summary>From a <see cref="DateTimeOffset"/> (sub-microsecond ticks truncated).</summary>
    public static implicit operator Timestamp(DateTimeOffset time) => new((time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10);

    /// <summary>To a <see cref="DateTimeOffset"/> in UTC.</summary>
    public static implicit operator DateTimeOffset(Timestamp t) => DateTimeOffset.UnixEpoch.AddTicks(t.MicrosecondsSinceUnixEpoch * 10);

    /// <summary>The instant as a <see cref="DateTimeOffset"/>.</summary>
    public DateTimeOffset ToStd() => this;

    /// <summary>The duration from <paramref name="earlier"/> to this instant.</summary>
    public TimeDuration TimeDurationSince(Timestamp earlier) => new(checked(MicrosecondsSinceUnixEpoch - earlier.MicrosecondsSinceUnixEpoch));

    /// <summary>The duration since the epoch.</summary>
    public TimeDuration ToTimeDurationSinceUnixEpoch() => new(MicrosecondsSinceUnixEpoch);

    /// <summary>The instant a duration after the epoch.</summary>
    public static Timestamp FromTimeDurationSinceUnixEpoch(TimeDuration d) => new(d.Microseconds);

    /// <summary>The time since the epoch as a <see cref="TimeSpan"/>.</summary>
    public TimeSpan ToTimeSpanSinceUnixEpoch() => TimeSpan.FromTicks(MicrosecondsSinceUnixEpoch * 10);

    /// <summary>The instant a <see cref="TimeSpan"/> after the epoch.</summary>
    public static Timestamp FromTimeSpanSinceUnixEpoch(TimeSpan span) => new(span.Ticks / 10);

    /// <summary>Adds a duration (checked).</summary>
    public static Timestamp operator +(Timestamp t, TimeDuration d) => new(checked(t.MicrosecondsSinceUnixEpoch + d.Microseconds));

    /// <summary>Subtracts a duration (checked).</summary>
    public static Timestamp operator -(Timestamp t, TimeDuration d) => new(checked(t.MicrosecondsSinceUnixEpoch - d.Microseconds));

    /// <summary>Earlier than.</summary>
    public static bool operator <(Timestamp a, Timestamp b) => a.MicrosecondsSinceUnixEpoch < b.MicrosecondsSinceUnixEpoch;

    /// <summary>Later than.</summary>
    public static bool operator >(Timestamp a, Timestamp b) => a.MicrosecondsSinceUnixEpoch > b.MicrosecondsSinceUnixEpoch;

    /// <summary>Less than or equal.</summary>
    public static bool operator <=(Timestamp a, Timestamp b) => a.CompareTo(b) <= 0;

    /// <summary>Greater than or equal.</summary>
    public static bool operator >=(Timestamp a, Timestamp b) => a.CompareTo(b) >= 0;

    /// <inheritdoc />
    public int CompareTo(Timestamp other) => MicrosecondsSinceUnixEpoch.CompareTo(other.MicrosecondsSinceUnixEpoch);

    /// <summary>ISO-8601 with microseconds and offset.</summary>
    public override string ToString() => ((DateTimeOffset)this).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture);

    /// <summary>Serializer.</summary>
    public readonly struct BSATN : IReadWrite<Timestamp>
    {
        /// <inheritdoc />
        public Timestamp Read(ref BsatnReader reader) => new(reader.ReadI64());

        /// <inheritdoc />
        public void Write(BsatnWriter writer, Timestamp value) => writer.WriteI64(value.MicrosecondsSinceUnixEpoch);

        /// <inheritdoc />
        public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.Timestamp;
    }
}

/// <summary>A signed duration in microseconds; special product <c>{ __time_duration_micros__: I64 }</c>.</summary>
/// <param name="Microseconds">The length.</param>
public readonly record struct TimeDuration(long Microseconds) : IComparable<TimeDuration>
{
    /// <summary>Zero.</summary>
    public static readonly TimeDuration ZERO = new(0);

    /// <summary>From milliseconds.</summary>
    public static TimeDuration FromMilliseconds(double ms) => new((long)(ms * 1_000));

    /// <summary>From seconds.</summary>
    public static TimeDuration FromSeconds(double s) => new((long)(s * 1_000_000));

    /// <summary>From minutes.</summary>
    public static TimeDuration FromMinutes(double m) => new((long)(m * 60_000_000));

    /// <summary>From hours.</summary>
    public static TimeDuration FromHours(double h) => new((long)(h * 3_600_000_000));

    /// <summary>From days.</summary>
    public static TimeDuration FromDays(double d) => new((long)(d * 86_400_000_000));

    /// <summary>From a <see cref="TimeSpan"/> (100 ns ticks truncated to µs).</summary>
    public static implicit operator TimeDuration(TimeSpan span) => new(span.Ticks / 10);

    /// <summary>To a <see cref="TimeSpan"/>.</summary>
    public static implicit operator TimeSpan(TimeDuration d) => TimeSpan.FromTicks(d.Microseconds * 10);

    /// <summary>Adds two durations (checked).</summary>
    public static TimeDuration operator +(TimeDuration a, TimeDuration b) => new(checked(a.Microseconds + b.Microseconds));

    /// <summary>Subtracts two durations (checked). Upstream adds here; Meridian subtracts.</summary>
    public static TimeDuration operator -(TimeDuration a, TimeDuration b) => new(checked(a.Microseconds - b.Microseconds));

    /// <inheritdoc />
    public int CompareTo(TimeDuration other) => Microseconds.CompareTo(other.Microseconds);

    /// <summary>Less than.</summary>
    public static bool operator <(TimeDuration a, TimeDuration b) => a.CompareTo(b) < 0;

    /// <summary>Less than or equal.</summary>
    public static bool operator <=(TimeDuration a, TimeDuration b) => a.CompareTo(b) <= 0;

    /// <summary>Greater than.</summary>
    public static bool operator >(TimeDuration a, TimeDuration b) => a.CompareTo(b) > 0;

    /// <summary>Greater than or equal.</summary>
    public static bool operator >=(TimeDuration a, TimeDuration b) => a.CompareTo(b) >= 0;

    /// <summary><c>+secs.micros</c> or <c>-secs.micros</c>.</summary>
    public override string ToString()
    {
        var sign = Microseconds < 0 ? "-" : "+";
        var abs = Microseconds == long.MinValue ? (ulong)long.MaxValue + 1 : (ulong)Math.Abs(Microseconds);
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{abs / 1_000_000}.{abs % 1_000_000:D6}");
    }

    /// <summary>Serializer.</summary>
    public readonly struct BSATN : IReadWrite<TimeDuration>
    {
        /// <inheritdoc />
        public TimeDuration Read(ref BsatnReader reader) => new(reader.ReadI64());

        /// <inheritdoc />
        public void Write(BsatnWriter writer, TimeDuration value) => writer.WriteI64(value.Microseconds);

        /// <inheritdoc />
        public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.TimeDuration;
    }
}
