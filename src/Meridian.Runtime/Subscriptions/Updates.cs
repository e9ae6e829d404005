using Meridian.Sats;

namespace Meridian.Runtime.Subscriptions;

/// <summary>
/// Rows (BSATN) that one query produced for one commit or one initial evaluation, shared by every
/// client that receives them. <see cref="WireCache"/> lets the server encode them once for all.
/// </summary>
public sealed class SharedRows(IReadOnlyList<ReadOnlyMemory<byte>> rows)
{
    /// <summary>No rows.</summary>
    public static SharedRows Empty { get; } = new([]);

    /// <summary>The rows.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Rows { get; } = rows;

    /// <summary>The rows' wire encoding, filled in by the first sender and reused by the rest.</summary>
    public object? WireCache { get; set; }
}

/// <summary>The rows of one table in a query result.</summary>
/// <param name="TableName">Canonical table name.</param>
/// <param name="Rows">The rows.</param>
public sealed record TableRowsResult(string TableName, SharedRows Rows);

/// <summary>One table's changes within a query set.</summary>
/// <param name="TableName">Canonical table name.</param>
/// <param name="IsEvent">Event table: the inserts are events.</param>
/// <param name="Inserts">Rows that entered the result.</param>
/// <param name="Deletes">Rows that left the result.</param>
public sealed record TableDelta(string TableName, bool IsEvent, SharedRows Inserts, SharedRows Deletes);

/// <summary>The changes of one of a client's query sets.</summary>
/// <param name="QuerySetId">The client's id for the set.</param>
/// <param name="Tables">One entry per affected query/table.</param>
public sealed record QuerySetDelta(uint QuerySetId, IReadOnlyList<TableDelta> Tables);

/// <summary>How a reducer call ended.</summary>
public enum ReducerStatus
{
    /// <summary>It ran and committed.</summary>
    Committed = 0,
    /// <summary>It ran and threw: the transaction was rolled back; <see cref="ReducerCallResult.Error"/> is the message.</summary>
    Failed = 1,
    /// <summary>It could not run: unknown reducer, bad arguments, not callable.</summary>
    NotRun = 2,
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

/// <summary>Why a reducer call did not run (for HTTP status codes).</summary>
public enum ReducerNotRunReason
{
    /// <summary>No such reducer.</summary>
    NotFound = 0,
    /// <summary>The arguments do not decode, or the reducer is a lifecycle or private one.</summary>
    BadRequest = 1,
}

/// <summary>
/// A connected client as the database sees it. The database calls these in commit order while it
/// holds its writer, so implementations must only enqueue (never block or send inline).
/// </summary>
public interface IClientSession
{
    /// <summary>The client's identity.</summary>
    Identity Identity { get; }

    /// <summary>The client's connection id.</summary>
    ConnectionId ConnectionId { get; }

    /// <summary>A subscription is live with these initial rows.</summary>
    void OnSubscribeApplied(uint requestId, uint querySetId, IReadOnlyList<TableRowsResult> rows);

    /// <summary>A subscription was dropped; rows when the client asked for them.</summary>
    void OnUnsubscribeApplied(uint requestId, uint querySetId, IReadOnlyList<TableRowsResult>? rows);

    /// <summary>A subscription failed (request id null when it broke during an update).</summary>
    void OnSubscriptionError(uint? requestId, uint querySetId, string message);

    /// <summary>Committed changes to the client's query sets (never empty) from a transaction the client did not call.</summary>
    void OnTransactionUpdate(ulong? offset, IReadOnlyList<QuerySetDelta> querySets);

    /// <summary>The result of the client's own reducer call.</summary>
    void OnReducerResult(uint requestId, ReducerCallResult result);

    /// <summary>The result of a one-off query.</summary>
    void OnOneOffQueryResult(uint requestId, IReadOnlyList<TableRowsResult>? rows, string? error);
}
