namespace Meridian.Client;

/// <summary>What the remaining queued calls do when one fails (<see cref="CallQueuePolicy.OnFailure"/>).</summary>
public enum QueuedCallFailureMode
{
    /// <summary>Send the others anyway; each reports its own outcome.</summary>
    Continue = 0,

    /// <summary>
    /// Send queued calls one at a time, and after a failure send none of the rest: they are
    /// discarded and reported as <see cref="QueuedCallOutcome.Discarded"/>.
    /// </summary>
    Stop = 1,
}

/// <summary>Limits of the queue of calls made while disconnected.</summary>
public sealed class CallQueuePolicy
{
    /// <summary>The most calls the queue holds; a call beyond it fails at once (1,000 by default).</summary>
    public int MaxLength { get; init; } = 1000;

    /// <summary>
    /// Calls older than this when the connection returns are not sent but reported as
    /// <see cref="QueuedCallOutcome.Expired"/>; null keeps them however old.
    /// </summary>
    public TimeSpan? MaxAge { get; init; }

    /// <summary>What the remaining calls do when one fails (<see cref="QueuedCallFailureMode.Continue"/> by default).</summary>
    public QueuedCallFailureMode OnFailure { get; init; } = QueuedCallFailureMode.Continue;

    /// <summary>Throws when a setting is out of range.</summary>
    internal void Validate()
    {
        if (MaxLength < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxLength), MaxLength, "The queue must hold at least one call.");
        if (MaxAge is { } age && age <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(MaxAge), MaxAge, "The maximum age must be positive.");
        if (OnFailure is not (QueuedCallFailureMode.Continue or QueuedCallFailureMode.Stop))
            throw new ArgumentOutOfRangeException(nameof(OnFailure), OnFailure, "Unknown failure mode.");
    }
}

/// <summary>A reducer call made while disconnected, waiting to be sent.</summary>
/// <param name="Sequence">Its place in the queue (increasing, kept across restarts by the offline cache).</param>
/// <param name="ReducerName">The reducer's name on the wire.</param>
/// <param name="Args">The BSATN of its arguments.</param>
/// <param name="QueuedAt">When the app made the call.</param>
/// <param name="ArgsObject">The generated arguments object, or null for a call loaded from the offline cache.</param>
public sealed record QueuedCall(long Sequence, string ReducerName, byte[] Args, DateTimeOffset QueuedAt, object? ArgsObject)
{
    /// <summary>The call for messages: <c>#3 set_score { Id = 1, ... }</c>.</summary>
    public override string ToString() => ArgsObject is null ? $"#{Sequence} {ReducerName}" : $"#{Sequence} {ReducerName} {ArgsObject}";
}

/// <summary>How a queued call ended.</summary>
public enum QueuedCallOutcome
{
    /// <summary>The reducer committed.</summary>
    Committed = 0,

    /// <summary>The reducer refused the call (it returned an error): the server's state moved on while the client was away.</summary>
    Conflict = 1,

    /// <summary>The call could not run, or the reducer panicked.</summary>
    Failed = 2,

    /// <summary>The call was older than <see cref="CallQueuePolicy.MaxAge"/> when the connection returned, and was not sent.</summary>
    Expired = 3,

    /// <summary>The call was not sent because a queued call before it failed (<see cref="QueuedCallFailureMode.Stop"/>).</summary>
    Discarded = 4,

    /// <summary>The connection was lost after the call was sent and before its answer: it may or may not have run.</summary>
    Unknown = 5,
}

/// <summary>The outcome of a queued call.</summary>
/// <param name="Call">The call.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Error">The reducer's or the client's message, or null when it committed.</param>
public sealed record QueuedCallResult(QueuedCall Call, QueuedCallOutcome Outcome, string? Error)
{
    /// <summary>Whether the server refused the call because its state moved on.</summary>
    public bool IsConflict => Outcome == QueuedCallOutcome.Conflict;

    /// <summary>A message naming the call and the error.</summary>
    public override string ToString() => Error is null ? $"{Call}: {Outcome}" : $"{Call}: {Outcome}: {Error}";
}
