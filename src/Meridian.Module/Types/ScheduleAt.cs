using System.Diagnostics.CodeAnalysis;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using SpacetimeDB.BSATN;

namespace SpacetimeDB;

/// <summary>When a scheduled row fires: every <c>Interval</c>, or once at <c>Time</c>. Special sum <c>[Interval, Time]</c>.</summary>
public abstract record ScheduleAt : TaggedEnum<(TimeDuration Interval, Timestamp Time)>
{
    private ScheduleAt()
    {
    }

    /// <summary>Repeats every <paramref name="Interval_"/>.</summary>
    /// <param name="Interval_">The period.</param>
    [SuppressMessage("Naming", "CA1707", Justification = "Upstream's payload name, which modules read as Interval_.")]
    public sealed record Interval(TimeDuration Interval_) : ScheduleAt;

    /// <summary>Fires once at <paramref name="Time_"/>.</summary>
    /// <param name="Time_">The instant.</param>
    [SuppressMessage("Naming", "CA1707", Justification = "Upstream's payload name, which modules read as Time_.")]
    public sealed record Time(Timestamp Time_) : ScheduleAt;

    /// <summary>A repeating schedule.</summary>
    public static implicit operator ScheduleAt(TimeDuration d) => new Interval(d);

    /// <summary>A repeating schedule.</summary>
    public static implicit operator ScheduleAt(TimeSpan d) => new Interval(d);

    /// <summary>A one-shot schedule.</summary>
    public static implicit operator ScheduleAt(Timestamp t) => new Time(t);

    /// <summary>A one-shot schedule.</summary>
    public static implicit operator ScheduleAt(DateTimeOffset t) => new Time(t);

    /// <summary>Whole microseconds of <paramref name="interval"/>.</summary>
    public static long ToMicroseconds(TimeSpan interval) => ((TimeDuration)interval).Microseconds;

    /// <summary>The <see cref="TimeSpan"/> of <paramref name="intervalMicros"/> microseconds.</summary>
    public static TimeSpan TimeSpanFromMicroseconds(long intervalMicros) => (TimeSpan)new TimeDuration(intervalMicros);

    /// <summary>Microseconds since the Unix epoch of <paramref name="time"/>.</summary>
    public static long ToMicrosecondsSinceUnixEpoch(DateTimeOffset time) => ((Timestamp)time).MicrosecondsSinceUnixEpoch;

    /// <summary>The instant <paramref name="microsSinceUnixEpoch"/> microseconds after the Unix epoch.</summary>
    public static DateTimeOffset DateTimeOffsetFromMicrosSinceUnixEpoch(long microsSinceUnixEpoch) => new Timestamp(microsSinceUnixEpoch);

    /// <summary>Serializer.</summary>
    public readonly struct BSATN : IReadWrite<ScheduleAt>
    {
        /// <inheritdoc />
        public ScheduleAt Read(ref BsatnReader reader) => reader.ReadSumTag(2, "ScheduleAt") == 0
            ? new Interval(new TimeDuration(reader.ReadI64()))
            : new Time(new Timestamp(reader.ReadI64()));

        /// <inheritdoc />
        public void Write(BsatnWriter writer, ScheduleAt value)
        {
            switch (value)
            {
                case Interval i:
                    writer.WriteSumTag(0);
                    writer.WriteI64(i.Interval_.Microseconds);
                    break;
                case Time t:
                    writer.WriteSumTag(1);
                    writer.WriteI64(t.Time_.MicrosecondsSinceUnixEpoch);
                    break;
                default:
                    throw new ArgumentNullException(nameof(value), "A ScheduleAt field holds null.");
            }
        }

        /// <inheritdoc />
        public AlgebraicType GetAlgebraicType(ITypeRegistrar registrar) => AlgebraicType.ScheduleAt;
    }
}
