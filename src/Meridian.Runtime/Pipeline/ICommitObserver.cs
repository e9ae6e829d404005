using Meridian.Storage;

namespace Meridian.Runtime.Pipeline;

/// <summary>
/// Something that follows a database's commits in order, off the writer: the scheduler, the
/// subscriptions, the metrics (and later the SQLite mirror and replication). Called on the pipeline's
/// one loop, so an observer needs no lock against itself; a slow observer delays the ones after it,
/// never the writer.
/// </summary>
internal interface ICommitObserver
{
    /// <summary>A commit, with the committed version before it.</summary>
    void OnCommit(CommitRecord commit, CommittedState before);
}
