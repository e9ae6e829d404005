using Meridian.Sats;
using Meridian.Storage.Changesets;
using Meridian.Storage.Devices;
using Meridian.Storage.Log;
using Meridian.Storage.Snapshots;
using Meridian.Storage.Tables;

namespace Meridian.Storage.History;

/// <summary>One line of history: a logged transaction without its rows.</summary>
/// <param name="Offset">Transaction offset.</param>
/// <param name="CommitTime">When it committed.</param>
/// <param name="ReducerName">Reducer that ran, if the transaction came from a call.</param>
/// <param name="Caller">The caller's identity, if any.</param>
/// <param name="Error">The reducer's error, for failed calls.</param>
/// <param name="Tables">Per changed table: name, rows inserted, rows deleted.</param>
/// <param name="SchemaChanges">Tables it created, dropped or altered (a publish or a migration); empty for most transactions.</param>
public sealed record TransactionSummary(
    ulong Offset,
    Timestamp CommitTime,
    string? ReducerName,
    Identity? Caller,
    string? Error,
    IReadOnlyList<(string Table, int Inserted, int Deleted)> Tables,
    IReadOnlyList<SchemaChange> SchemaChanges);

/// <summary>
/// Reads a commit log (and snapshots) without changing them: lists transactions and rebuilds the
/// state as of any offset. Safe to use on a copy of a data directory, or next to a running
/// datastore (it reads only whole, checksummed commits and stops at a torn tail).
/// </summary>
public sealed class HistoryReader(IStorageDevice device, long maxSegmentSize = 1L << 30)
{
    /// <summary>Every transaction from <paramref name="fromOffset"/> on, fully decoded.</summary>
    public IEnumerable<Changeset> ReadTransactions(ulong fromOffset = 0)
    {
        foreach (var (commit, _) in ReadCommits(fromOffset))
            yield return TxRecordCodec.Read(commit.Record.Span, commit.Offset);
    }

    /// <summary>A summary of every transaction from <paramref name="fromOffset"/> on.</summary>
    public IEnumerable<TransactionSummary> List(ulong fromOffset = 0)
    {
        foreach (var cs in ReadTransactions(fromOffset))
        {
            yield return new TransactionSummary(
                cs.Offset!.Value,
                cs.CommitTime,
                cs.Call?.ReducerName,
                cs.Call?.Caller,
                cs.Call?.Error,
                cs.Tables.Select(t => (t.TableName, t.Inserts.Count, t.Deletes.Count)).ToArray(),
                cs.SchemaChanges);
        }
    }

    /// <summary>
    /// The committed state right after transaction <paramref name="offset"/>: the newest snapshot at
    /// or below it (when one is valid) plus a replay of the log up to it.
    /// </summary>
    public CommittedState StateAt(ulong offset)
    {
        DbState? start = null;
        var snapshots = device.ListFiles()
            .Where(n => SnapshotFormat.TryParseName(n, out var o) && o <= offset)
            .OrderByDescending(n => n, StringComparer.Ordinal);
        foreach (var name in snapshots)
        {
            try
            {
                start = SnapshotReader.Load(device, name, out _);
                break;
            }
            catch (Exception e) when (e is StorageCorruptionException or IOException)
            {
                // Try an older snapshot, then the log alone (a running datastore may prune one meanwhile).
            }
        }
        var store = Datastore.FromState(start ?? DbState.Empty());
        var from = start?.NextOffset ?? 0;
        if (from <= offset)
        {
            var tx = store.BeginReplay();
            var next = from;
            foreach (var (commit, file) in ReadCommits(from))
            {
                if (commit.Offset != next)
                    throw new ArgumentOutOfRangeException(
                        nameof(offset), $"The history before offset {commit.Offset} is not kept, so offset {offset} cannot be rebuilt.");
                if (commit.Offset > offset)
                    break;
                if (TxRecordReplay.Apply(commit.Record.Span, tx) is { } problem)
                    throw new StorageCorruptionException(file, commit.Position, $"transaction {commit.Offset} cannot be replayed: {problem}");
                next = commit.Offset + 1;
            }
            if (next <= offset)
                throw new ArgumentOutOfRangeException(nameof(offset), $"The log ends before offset {offset} (next offset {next}).");
            tx.CommitReplay(next);
        }
        return store.Committed;
    }

    private IEnumerable<(RawCommit Commit, string File)> ReadCommits(ulong fromOffset)
    {
        var segments = Datastore.ListSegments(device);
        var si = Math.Max(0, segments.FindLastIndex(s => s.Offset <= fromOffset));
        for (; si < segments.Count; si++)
        {
            var name = segments[si].Name;
            using var reader = new SegmentReader(device.Open(name, create: false), maxSegmentSize);
            if (reader.ReadHeaderProblem() is { } headerProblem)
            {
                if (si == segments.Count - 1 && reader.Length < LogFormat.HeaderSize)
                    yield break;
                throw new StorageCorruptionException(name, 0, headerProblem);
            }
            SegmentProblem? problem;
            while (reader.TryRead(out var commit, out problem))
            {
                if (commit.Offset >= fromOffset)
                    yield return (commit, name);
            }
            if (problem is { } p && si < segments.Count - 1)
                throw new StorageCorruptionException(name, p.Position, p.Problem);
        }
    }
}
