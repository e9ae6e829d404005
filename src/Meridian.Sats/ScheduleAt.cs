using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using Meridian.Sats.Values;

namespace Meridian.Sats;

/// <summary>
/// When a scheduled row fires: every <see cref="Interval"/>, or once at <see cref="Time"/>.
/// BSATN: tag 0 + i64 interval µs, or tag 1 + i64 time µs.
/// </summary>
public readonly struct ScheduleAt : IEquatable<ScheduleAt>
{
    private readonly long _micros;

    private ScheduleAt(bool isInterval, long micros)
    {
        IsInterval = isInterval;
        _micros = micros;
    }

    /// <summary>True for a repeating interval, false for a one-off time.</summary>
    public bool IsInterval { get; }

    /// <summary>The interval (only meaningful when <see cref="IsInterval"/>).</summary>
    public TimeDuration Interval =>
        IsInterval ? new TimeDuration(_micros) : throw new InvalidOperationException("This schedule is a point in time, not an interval.");

    /// <summary>The time (only meaningful when not <see cref="IsInterval"/>).</summary>
    public Timestamp Time => !IsInterval ? new Timestamp(_micros) : throw new InvalidOperationException("This schedule is an interval, not a point in time.");

    /// <summary>The SATS type.</summary>
    public static SumType AlgebraicType => Types.AlgebraicType.ScheduleAt;

    /// <summary>Repeats every <paramref name="interval"/>.</summary>
    public static ScheduleAt Every(TimeDuration interval) => new(true, interval.Microseconds);

    /// <summary>Fires once at <paramref name="time"/>.</summary>
    public static ScheduleAt At(Timestamp time) => new(false, time.MicrosecondsSinceUnixEpoch);

    /// <summary>Writes the BSATN encoding.</summary>
    public void WriteBsatn(BsatnWriter writer)
    {
        writer.WriteSumTag(IsInterval ? (byte)0 : (byte)1);
        writer.WriteI64(_micros);
    }

    /// <summary>Reads the BSATN encoding.</summary>
    public static ScheduleAt ReadBsatn(ref BsatnReader reader)
    {
        var tag = reader.ReadSumTag(2, "ScheduleAt");
        return new ScheduleAt(tag == 0, reader.ReadI64());
    }

    /// <summary>As a SATS value.</summary>
    public AlgebraicValue ToValue() =>
        AlgebraicValue.Sum(IsInterval ? (byte)0 : (byte)1, AlgebraicValue.Product(AlgebraicValue.I64(_micros)));

    /// <summary>From a SATS value.</summary>
    public static ScheduleAt FromValue(AlgebraicValue value)
    {
        var sum = value.AsSum();
        return new ScheduleAt(sum.Tag == 0, sum.Payload.AsProduct()[0].AsI64());
    }

    /// <inheritdoc />
    public bool Equals(ScheduleAt other) => IsInterval == other.IsInterval && _micros == other._micros;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ScheduleAt other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(IsInterval, _micros);

    /// <inheritdoc />
    public override string ToString() => IsInterval ? $"every {Interval}" : $"at {Time}";

    /// <summary>Equality.</summary>
    public static bool operator ==(ScheduleAt left, ScheduleAt right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(ScheduleAt left, ScheduleAt right) => !left.Equals(right);
}
