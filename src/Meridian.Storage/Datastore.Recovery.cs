using System.Diagnostics;
using Meridian.Sats.Bsatn;
using Meridian.Storage.Devices;
using Meridian.Storage.Log;
using Meridian.Storage.Snapshots;
using Meridian.Storage.Tables;

namespace Meridian.Storage;

public sealed partial class Datastore
{
    /// <summary>
    /// Opens (or creates) a durable datastore on <see cref="DatastoreOptions.Device"/>: loads the newest
    /// valid snapshot at or below the end of the log, replays the log after it, cuts a torn tail
    /// (a partial or bad-checksum final commit), and refuses to start on any other corruption with a
    /// <see cref="StorageCorruptionException"/> naming the file and byte offset (unless
    /// <see cref="DatastoreOptions.TruncateCorruptLog"/> asks to cut the log there).
    /// </summary>
    public static Datastore Open(DatastoreOptions options)
    {
        var store = new Datastore(DbState.Empty(), options.Clock) { _options = options };
        var report = new RecoveryReport();
        var openSegment = store.Recover(options, report);
        report.NextOffset = store._state.NextOffset;
        store.Recovery = report;
        store._lastSnapshotOffset = report.SnapshotOffset ?? 0;
        IDurableLog log = new CommitLog(options.Device, options, store._state.NextOffset, openSegment);
        store._log = options.DurableLog is { } layer ? layer(log) : log;
        return store;
    }

    /// <summary>What recovery found and did (null for an in-memory datastore).</summary>
    public RecoveryReport? Recovery { get; private set; }

    internal static List<(ulong Offset, string Name)> ListSegments(IStorageDevice device) =>
        device.ListFiles()
            .Select(n => LogFormat.TryParseSegmentName(n, out var o) ? (o, n) : (ulong.MaxValue, n))
            .Where(s => s.Item1 != ulong.MaxValue)
            .OrderBy(s => s.Item1)
            .ToList();

    private string? Recover(DatastoreOptions options, RecoveryReport report)
    {
        var device = options.Device;
        foreach (var name in device.ListFiles())
        {
            if (name.EndsWith(SnapshotFormat.TempSuffix, StringComparison.Ordinal))
                device.Delete(name);
        }
        var segments = ListSegments(device);
        string? openSegment = null;
        ulong logEnd = 0;
        if (segments.Count > 0)
            (logEnd, openSegment) = ValidateLastSegment(device, segments[^1], options, report);

        var snapshots = device.ListFiles()
            .Select(n => SnapshotFormat.TryParseName(n, out var o) ? (o, n) : (ulong.MaxValue, n))
            .Where(s => s.Item1 != ulong.MaxValue)
            .OrderByDescending(s => s.Item1)
            .ToList();
        DbState? loaded = null;
        foreach (var (offset, name) in snapshots)
        {
            // With no log at all (a restored backup) the newest valid snapshot is the whole history;
            // otherwise a snapshot past the end of the log may hold transactions a crash took back.
            if (segments.Count > 0 && offset >= logEnd)
            {
                report.SkippedSnapshots.Add($"{name}: newer than the end of the log (next offset {logEnd})");
                continue;
            }
            if (segments.Count > 0 && offset + 1 < segments[0].Offset)
            {
                report.SkippedSnapshots.Add($"{name}: older than the first log segment");
                continue;
            }
            var watch = Stopwatch.StartNew();
            try
            {
                loaded = SnapshotReader.Load(device, name, out var rows);
                report.SnapshotOffset = offset;
                report.SnapshotRows = rows;
                report.SnapshotLoadTime = watch.Elapsed;
                break;
            }
            catch (Exception e) when (e is StorageCorruptionException or IOException or BsatnDecodeException or ArgumentException)
            {
                report.SkippedSnapshots.Add($"{name}: {e.Message}");
            }
        }

        var start = loaded?.NextOffset ?? 0;
        if (loaded is null && segments.Count > 0 && segments[0].Offset > 0)
            throw new StorageCorruptionException(
                segments[0].Name, 0, $"the log starts at offset {segments[0].Offset} and no usable snapshot covers the transactions before it");
        if (loaded is not null)
            _state = loaded;
        if (start < logEnd)
        {
            var watch = Stopwatch.StartNew();
            openSegment = Replay(device, segments, start, logEnd, options, report) ?? openSegment;
            report.ReplayTime = watch.Elapsed;
        }
        return openSegment;
    }

    private static (ulong End, string Name) ValidateLastSegment(
        IStorageDevice device, (ulong Offset, string Name) segment, DatastoreOptions options, RecoveryReport report)
    {
        long cut;
        string why;
        ulong expected = segment.Offset;
        using (var file = device.Open(segment.Name, create: false))
        {
            if (file.Length < LogFormat.HeaderSize)
            {
                // Crashed while creating the segment: nothing in it was ever durable.
                cut = 0;
                why = "incomplete segment header";
            }
            else
            {
                using var reader = new SegmentReader(device.Open(segment.Name, create: false), options.MaxSegmentSize);
                if (reader.ReadHeaderProblem() is { } headerProblem)
                    throw new StorageCorruptionException(segment.Name, 0, headerProblem);
                SegmentProblem? problem;
                while (reader.TryRead(out var commit, out problem))
                {
                    if (commit.Offset != expected)
                        throw new StorageCorruptionException(
                            segment.Name, commit.Position, $"expected a commit with offset {expected} but found {commit.Offset}");
                    expected += (ulong)commit.Count;
                }
                if (problem is not { } p)
                {
                    if (reader.PreallocatedTail > 0)
                    {
                        // The log preallocates zeros ahead of its writes; the reopened log appends at the file's end.
                        file.SetLength(reader.Position);
                        file.Sync();
                    }
                    return (expected, segment.Name);
                }
                var later = reader.FindLaterValidCommit(p.Position, expected);
                if (later >= 0)
                {
                    if (!options.TruncateCorruptLog)
                        throw new StorageCorruptionException(
                            segment.Name, p.Position, $"{p.Problem}; a valid commit follows at byte {later}, so this is not a torn tail");
                    report.Repaired = $"{segment.Name}: cut at byte {p.Position} ({p.Problem}), "
                        + $"dropping {reader.Length - p.Position} byte(s) including a valid commit at byte {later}";
                }
                cut = p.Position;
                why = p.Problem;
            }
            var dropped = file.Length - cut;
            if (cut == 0)
            {
                file.SetLength(0);
                Span<byte> header = stackalloc byte[LogFormat.HeaderSize];
                LogFormat.WriteHeader(header);
                file.Write(0, header);
            }
            else
            {
                file.SetLength(cut);
            }
            file.Sync();
            report.TruncatedTail ??= $"{segment.Name} at byte {cut}: {dropped} byte(s) dropped ({why})";
        }
        return (expected, segment.Name);
    }

    /// <summary>Replays [start, logEnd); returns the segment to keep appending to when repair cut the log short.</summary>
    private string? Replay(
        IStorageDevice device, List<(ulong Offset, string Name)> segments, ulong start, ulong logEnd, DatastoreOptions options, RecoveryReport report)
    {
        var si = segments.FindLastIndex(s => s.Offset <= start);
        if (si < 0)
            throw new StorageCorruptionException(segments[0].Name, 0, $"no segment holds offset {start}");
        var tx = BeginReplay();
        var expected = segments[si].Offset;
        string? cutSegment = null;
        try
        {
            for (; si < segments.Count && cutSegment is null; si++)
            {
                var (first, name) = segments[si];
                if (first != expected)
                    throw new StorageCorruptionException(
                        name, 0, $"the segment starts at offset {first} but the previous one ends at {expected} (missing or extra transactions)");
                var isLast = si == segments.Count - 1;
                using var reader = new SegmentReader(device.Open(name, create: false), options.MaxSegmentSize);
                if (reader.ReadHeaderProblem() is { } headerProblem)
                    throw new StorageCorruptionException(name, 0, headerProblem);
                while (!(isLast && expected == logEnd))
                {
                    if (!reader.TryRead(out var commit, out var problem))
                    {
                        if (problem is not { } p)
                        {
                            if (isLast)
                                throw new StorageCorruptionException(
                                    name, reader.Position, $"the segment ends at offset {expected}, before the validated end {logEnd}");
                            break;
                        }
                        if (!options.TruncateCorruptLog)
                            throw new StorageCorruptionException(name, p.Position, p.Problem);
                        CutLog(device, segments, si, p.Position, report, p.Problem);
                        cutSegment = name;
                        break;
                    }
                    if (commit.Offset != expected)
                        throw new StorageCorruptionException(name, commit.Position, $"expected a commit with offset {expected} but found {commit.Offset}");
                    if (commit.Offset >= start)
                    {
                        string? problemText;
                        try
                        {
                            problemText = TxRecordReplay.Apply(commit.Record.Span, tx);
                        }
                        catch (Exception e) when (e is BsatnDecodeException or StorageException or ArgumentException)
                        {
                            problemText = e.Message;
                        }
                        if (problemText is not null)
                            throw new StorageCorruptionException(name, commit.Position, $"transaction {commit.Offset} cannot be replayed: {problemText}");
                        report.ReplayedTransactions++;
                    }
                    expected += (ulong)commit.Count;
                }
            }
            tx.CommitReplay(expected);
        }
        finally
        {
            tx.Rollback();
        }
        return cutSegment;
    }

    private static void CutLog(
        IStorageDevice device, List<(ulong Offset, string Name)> segments, int index, long position, RecoveryReport report, string problem)
    {
        using (var file = device.Open(segments[index].Name, create: false))
        {
            report.Repaired = $"{segments[index].Name}: cut at byte {position} ({problem}), dropping {file.Length - position} byte(s)"
                + (index + 1 < segments.Count ? $" and {segments.Count - index - 1} later segment(s)" : "");
            file.SetLength(position);
            file.Sync();
        }
        for (var i = index + 1; i < segments.Count; i++)
            device.Delete(segments[i].Name);
        device.SyncDirectory();
    }
}
