using Meridian.Runtime.Subscriptions;
using Meridian.Sats;

namespace Meridian.Runtime.Execution;

/// <summary>How a reducer call ended.</summary>
public enum ReducerStatus
{
    /// <summary>It ran and committed.</summary>
    Committed = 0,
    /// <summary>It ran and threw: the transaction was rolled back; <see cref="ReducerCallResult.Error"/> is the message.</summary>
    Failed = 1,
    /// <summary>It could not run: unknown reducer, bad arguments, not callable, or the database refuses writes.</summary>
    NotRun = 2,
}

/// <summary>Why a reducer call did not run (for HTTP status codes).</summary>
public enum ReducerNotRunReason
{
    /// <summary>No such reducer.</summary>
    NotFound = 0,
    /// <summary>The arguments do not decode, or the reducer is a lifecycle or private one.</summary>
    BadRequest = 1,
    /// <summary>The database cannot accept writes (its commit log failed).</summary>
    Unavailable = 2,
}

/// <summary>The outcome of a reducer call as its caller sees it.</summary>
/// <param name="Status">Committed, failed or not run.</param>
/// <param name="Error">The error text, when not committed.</param>
/// <param name="Timestamp">When the reducer started (its <c>ctx.Timestamp</c>).</param>
/// <param name="Duration">How long it ran.</param>
/// <param name="Offset">The transaction's offset in the commit log, when one was written.</param>
/// <param name="OwnUpdates">The caller's own affected query sets.</param>
public sealed record ReducerCallResult(ReducerStatus Status, string? Error, Timestamp Timestamp, TimeSpan Duration, ulong? Offset, IReadOnlyList<QuerySetDelta> OwnUpdates)
{
    /// <summary>The kind of failure for a call that did not run.</summary>
    public ReducerNotRunReason? NotRunReason { get; init; }
}
