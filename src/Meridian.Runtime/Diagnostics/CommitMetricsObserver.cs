using Meridian.Runtime.Pipeline;
using Meridian.Storage;

namespace Meridian.Runtime.Diagnostics;

/// <summary>Counts a database's commits and the rows they changed, off the writer.</summary>
internal sealed class CommitMetricsObserver(string database, RuntimeMetrics metrics) : ICommitObserver
{
    public void OnCommit(CommitRecord commit, CommittedState before)
    {
        if (commit.Changeset.Offset is null || !metrics.CommitsObserved)
            return;
        int inserted = 0, deleted = 0;
        var tables = commit.Changeset.Tables;
        for (var i = 0; i < tables.Count; i++)
        {
            inserted += tables[i].Inserts.Count;
            deleted += tables[i].Deletes.Count;
        }
        metrics.Committed(database, inserted, deleted);
    }
}
