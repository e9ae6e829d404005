using Meridian.Runtime.Execution;
using Meridian.Runtime.Subscriptions;
using Meridian.Sats;

namespace Meridian.Runtime.Tests;

/// <summary>Records what the database tells a client, in order.</summary>
internal sealed class FakeSession(Identity identity) : IClientSession
{
    public Identity Identity { get; } = identity;

    public ConnectionId ConnectionId { get; } = ConnectionId.Random();

    public List<object> Messages { get; } = [];

    private void Add(object message)
    {
        lock (Messages)
            Messages.Add(message);
    }

    public void OnSubscribeApplied(uint requestId, uint querySetId, IReadOnlyList<TableRowsResult> rows, ulong? offset) => Add(("applied", requestId, querySetId, rows));

    public void OnUnsubscribeApplied(uint requestId, uint querySetId, IReadOnlyList<TableRowsResult>? rows, ulong? offset) => Add(("unapplied", requestId, querySetId, rows));

    public void OnSubscriptionError(uint? requestId, uint querySetId, string message) => Add(("error", requestId, querySetId, message));

    public void OnTransactionUpdate(ulong? offset, IReadOnlyList<QuerySetDelta> querySets) => Add(querySets);

    public void OnReducerResult(uint requestId, ReducerCallResult result) => Add(result);

    public void OnOneOffQueryResult(uint requestId, IReadOnlyList<TableRowsResult>? rows, string? error, ulong? offset) => Add(("oneoff", rows, error));
}
