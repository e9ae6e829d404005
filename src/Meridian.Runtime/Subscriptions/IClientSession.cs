using Meridian.Runtime.Execution;
using Meridian.Sats;

namespace Meridian.Runtime.Subscriptions;

/// <summary>
/// A connected client as the database sees it. The database calls these from its commit pipeline and
/// from the threads that answer requests; for one client it calls them in the order the client must
/// receive the messages. Implementations must only enqueue (never block or send inline), and must
/// accept calls from any thread. An <c>offset</c> says which transaction a message reflects: with
/// confirmed reads it is sent only once that transaction is durable.
/// </summary>
public interface IClientSession
{
    /// <summary>The client's identity.</summary>
    Identity Identity { get; }

    /// <summary>The client's connection id.</summary>
    ConnectionId ConnectionId { get; }

    /// <summary>A subscription is live with these initial rows, as of transaction <paramref name="offset"/>.</summary>
    void OnSubscribeApplied(uint requestId, uint querySetId, IReadOnlyList<TableRowsResult> rows, ulong? offset);

    /// <summary>A subscription was dropped; rows (as of <paramref name="offset"/>) when the client asked for them.</summary>
    void OnUnsubscribeApplied(uint requestId, uint querySetId, IReadOnlyList<TableRowsResult>? rows, ulong? offset);

    /// <summary>A subscription failed (request id null when it broke during an update).</summary>
    void OnSubscriptionError(uint? requestId, uint querySetId, string message);

    /// <summary>
    /// Committed changes to the client's query sets (never empty) from a transaction the client did not call. Within one
    /// commit, every client whose set holds one changed query gets the same (immutable) table list for it, so an
    /// implementation may encode the message once and share it.
    /// </summary>
    void OnTransactionUpdate(ulong? offset, IReadOnlyList<QuerySetDelta> querySets);

    /// <summary>The result of the client's own reducer call.</summary>
    void OnReducerResult(uint requestId, ReducerCallResult result);

    /// <summary>The result of a one-off query (rows as of transaction <paramref name="offset"/>), or its error.</summary>
    void OnOneOffQueryResult(uint requestId, IReadOnlyList<TableRowsResult>? rows, string? error, ulong? offset);
}
