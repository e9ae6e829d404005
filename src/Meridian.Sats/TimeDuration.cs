using System.Globalization;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using Meridian.Sats.Values;

namespace Meridian.Sats;

/// <summary>A signed span of time in microseconds (BSATN: i64 little-endian).</summary>
public readonly struct TimeDuration : IEquatable<TimeDuration>, IComparable<TimeDuration>
{
    /// <summary>The length in microseconds.</summary>
    public long Microseconds { get; }

    /// <summary>Creates a duration.</summary>
    public TimeDuration(long microseconds) => Microseconds = microseconds;

    /// <summary>Zero.</summary>
    public static TimeDuration Zero => default;

    /// <summary>The SATS type of a duration.</summary>
    public static ProductType AlgebraicType => Types.AlgebraicType.TimeDuration;

    /// <summary>From a <see cref="TimeSpan"/>, truncated to whole microseconds.</summary>
    public static TimeDuration FromTimeSpan(TimeSpan span) => new(span.Ticks / 10);

    /// <summary>As a <see cref="TimeSpan"/>.</summary>
    public TimeSpan ToTimeSpan() => TimeSpan.FromTicks(checked(Microseconds * 10));

    /// <summary>Text as <c>+secs.micros</c> (or <c>-secs.micros</c>).</summary>
    public override string ToString()
    {
        var sign = Microseconds < 0 ? "-" : "+";
        var abs = Microseconds == long.MinValue ? (ulong)long.MaxValue + 1 : (ulong)Math.Abs(Microseconds);
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{abs / 1_000_000}.{abs % 1_000_000:D6}");
    }

    /// <summary>Sum of two durations.</summary>
    public static TimeDuration operator +(TimeDuration a, TimeDuration b) => new(checked(a.Microseconds + b.Microseconds));

    /// <summary>Difference of two durations.</summary>
    public static TimeDuration operator -(TimeDuration a, TimeDuration b) => new(checked(a.Microseconds - b.Microseconds));

    /// <summary>Writes the BSATN encoding.</summary>
    public void WriteBsatn(BsatnWriter writer) => writer.WriteI64(Microseconds);

    /// <summary>Reads the BSATN encoding.</summary>
    public static TimeDuration ReadBsatn(ref BsatnReader reader) => new(reader.ReadI64());

    /// <summary>As a SATS value of <see cref="AlgebraicType"/>.</summary>
    public AlgebraicValue ToValue() => AlgebraicValue.Product(AlgebraicValue.I64(Microseconds));

    /// <summary>From a SATS value of <see cref="AlgebraicType"/>.</summary>
    public static TimeDuration FromValue(AlgebraicValue value) => new(value.AsProduct()[0].AsI64());

    /// <inheritdoc />
    public bool Equals(TimeDuration other) => Microseconds == other.Microseconds;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is TimeDuration other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Microseconds.GetHashCode();

    /// <inheritdoc />
    public int CompareTo(TimeDuration other) => Microseconds.CompareTo(other.Microseconds);

    /// <summary>Equality.</summary>
    public static bool operator ==(TimeDuration left, TimeDuration right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(TimeDuration left, TimeDuration right) => !left.Equals(right);

    /// <summary>Ordering.</summary>
    public static bool operator <(TimeDuration left, TimeDuration right) => left.CompareTo(right) < 0;

    /// <summary>Ordering.</summary>
    public static bool operator >(TimeDuration left, TimeDuration right) => left.CompareTo(right) > 0;

    /// <summary>Ordering.</summary>
    public static bool operator <=(TimeDuration left, TimeDuration right) => left.CompareTo(right) <= 0;

    /// <summary>Ordering.</summary>
    public static bool operator >=(TimeDuration left, TimeDuration right) => left.CompareTo(right) >= 0;
}
