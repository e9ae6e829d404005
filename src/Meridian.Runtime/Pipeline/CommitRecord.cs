using Meridian.Runtime.Execution;
using Meridian.Runtime.Subscriptions;
using Meridian.Storage;
using Meridian.Storage.Changesets;

namespace Meridian.Runtime.Pipeline;

/// <summary>One commit as the pipeline hands it to observers: the immutable changeset and the committed version it produced.</summary>
/// <param name="Changeset">What the transaction changed.</param>
/// <param name="After">The committed version right after it (the one before is the previous record's).</param>
/// <param name="Origin">The client call that produced it, to be answered in order with the updates (null for others).</param>
internal sealed record CommitRecord(Changeset Changeset, CommittedState After, CallOrigin? Origin);

/// <summary>The client that called the reducer behind a commit, and the answer it gets (with its own updates added).</summary>
/// <param name="Session">The caller's session.</param>
/// <param name="RequestId">The caller's request id.</param>
/// <param name="Result">The outcome, before the caller's own updates are known.</param>
internal sealed record CallOrigin(IClientSession Session, uint RequestId, ReducerCallResult Result)
{
    /// <summary>What the caller was sent (set by the pipeline once it has the caller's updates).</summary>
    public ReducerCallResult? Answer { get; set; }
}
