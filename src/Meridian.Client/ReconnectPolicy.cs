namespace Meridian.Client;

/// <summary>
/// How a lost connection is opened again: attempt <c>n</c> waits
/// <c>min(MaxDelay, InitialDelay * Multiplier^(n-1))</c>, spread by ± <see cref="Jitter"/> of itself so
/// that many clients of a restarted server do not all come back in the same instant.
/// </summary>
public sealed class ReconnectPolicy
{
    /// <summary>The wait before the first attempt after a loss (0.5 s by default).</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between attempts (30 s by default).</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How much each wait grows over the one before (2 by default).</summary>
    public double Multiplier { get; init; } = 2;

    /// <summary>The fraction (0 to 1) by which each wait is randomly lengthened or shortened (0.2 by default).</summary>
    public double Jitter { get; init; } = 0.2;

    /// <summary>How many attempts follow a loss before the connection goes <see cref="ConnectionState.Offline"/>; null (the default) never gives up.</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>The seed of the jitter's random numbers, for reproducible waits; null seeds from the clock.</summary>
    public int? Seed { get; init; }

    /// <summary>Throws when a setting is out of range.</summary>
    internal void Validate()
    {
        if (InitialDelay < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(InitialDelay), InitialDelay, "The initial delay must not be negative.");
        if (MaxDelay < InitialDelay)
            throw new ArgumentOutOfRangeException(nameof(MaxDelay), MaxDelay, "The maximum delay must not be shorter than the initial delay.");
        if (double.IsNaN(Multiplier) || Multiplier < 1)
            throw new ArgumentOutOfRangeException(nameof(Multiplier), Multiplier, "The multiplier must be at least 1.");
        if (double.IsNaN(Jitter) || Jitter < 0 || Jitter > 1)
            throw new ArgumentOutOfRangeException(nameof(Jitter), Jitter, "The jitter must be between 0 and 1.");
        if (MaxAttempts is < 0)
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "The number of attempts must not be negative.");
    }

    /// <summary>The wait before attempt <paramref name="attempt"/> (1 for the first after a loss).</summary>
    public TimeSpan DelayBefore(int attempt, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (attempt < 1)
            throw new ArgumentOutOfRangeException(nameof(attempt), attempt, "Attempts count from 1.");
        var ticks = (double)InitialDelay.Ticks;
        for (var i = 1; i < attempt && ticks < MaxDelay.Ticks; i++)
            ticks *= Multiplier;
        ticks = Math.Min(ticks, MaxDelay.Ticks);
        ticks *= 1 + Jitter * (2 * random.NextDouble() - 1);
        return TimeSpan.FromTicks((long)Math.Max(0, ticks));
    }
}

/// <summary>Where the connection stands, for a UI: "Reconnecting (attempt 3, in 4 s), 2 calls queued".</summary>
/// <param name="State">The state.</param>
/// <param name="Reason">Why the last connection ended or the last attempt failed, or null.</param>
/// <param name="Attempt">While reconnecting: the number of the attempt that runs or comes next (1 is the first after the loss).</param>
/// <param name="NextDelay">While reconnecting: the wait chosen before that attempt.</param>
/// <param name="QueuedCalls">Reducer calls waiting to be sent or answered (queued calls, <see cref="DbConnectionBuilder{T}.WithQueuedCalls"/>).</param>
public sealed record ConnectionStatus(ConnectionState State, Exception? Reason, int Attempt, TimeSpan? NextDelay, int QueuedCalls)
{
    /// <summary>A short description for a status line.</summary>
    public override string ToString()
    {
        var text = State switch
        {
            ConnectionState.Reconnecting when NextDelay is { } delay =>
                $"Reconnecting (attempt {Attempt}, after {delay.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} s)",
            ConnectionState.Disconnected or ConnectionState.Offline when Reason is not null => $"{State}: {Reason.Message}",
            _ => State.ToString(),
        };
        return QueuedCalls == 0 ? text : $"{text}, {QueuedCalls} call{(QueuedCalls == 1 ? "" : "s")} queued";
    }
}
