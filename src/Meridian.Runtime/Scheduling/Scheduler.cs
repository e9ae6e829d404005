using Meridian.Runtime.Modules;
using Meridian.Runtime.Pipeline;
using Meridian.Sats;
using Meridian.Sats.Types;
using Meridian.Sats.Rows;
using Meridian.Sats.Values;
using Meridian.Storage;
using Meridian.Storage.Changesets;
using Meridian.Storage.Schema;

namespace Meridian.Runtime.Scheduling;

/// <summary>
/// The queue of scheduled-table rows waiting to fire (module-api.md §4). It learns about rows from
/// every commit (an insert schedules, a delete cancels, an update reschedules) and from the
/// committed state at start-up. It follows commits as an observer of the commit pipeline, so it may
/// lag the writer by a few commits: firing re-reads the row from committed state, so a row deleted
/// meanwhile is never fired. Thread-safe: the pipeline, the writer and the timer loop all use it.
/// </summary>
internal sealed class Scheduler : ICommitObserver
{
    /// <summary>One pending firing: which row, and when it is meant to run.</summary>
    internal sealed record Entry(ModuleSchedule Schedule, TableId Table, byte[] IdKey, long DueMicros, long? IntervalMicros);

    private readonly Dictionary<(uint Table, ByteKey Id), Entry> _entries = [];
    private readonly PriorityQueue<Entry, long> _queue = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IReadOnlyList<(ModuleSchedule Schedule, TableId Table)> _schedules = [];

    /// <summary>Completes when the queue changes, so the timer loop can recompute its wait.</summary>
    public Task Changed
    {
        get
        {
            lock (_lock)
                return _changed.Task;
        }
    }

    /// <summary>Replaces the set of scheduled tables (on open and on module update) and reloads every row from <paramref name="state"/>.</summary>
    public void Reset(IReadOnlyList<(ModuleSchedule Schedule, TableId Table)> schedules, StateReader state, Timestamp now)
    {
        lock (_lock)
        {
            _schedules = schedules;
            _entries.Clear();
            _queue.Clear();
            foreach (var (schedule, table) in schedules)
            {
                var cursor = state.Scan(table);
                while (cursor.MoveNext())
                    AddLocked(schedule, table, cursor.Current, now);
            }
            SignalLocked();
        }
    }

    /// <inheritdoc />
    public void OnCommit(CommitRecord commit, CommittedState before) => OnCommit(commit.Changeset);

    /// <summary>Applies a commit: deleted rows are cancelled, inserted rows scheduled (an update is both).</summary>
    public void OnCommit(Changeset changeset)
    {
        // Most commits touch no scheduled table (most databases have none): tell so without the lock that the writer and
        // the timer loop also take. Reset swaps the list whole, so this read sees one list or the other, as the lock would.
        if (!TouchesScheduledTable(changeset, Volatile.Read(ref _schedules)))
            return;
        lock (_lock)
        {
            var touched = false;
            foreach (var (schedule, table) in _schedules)
            {
                if (changeset.For(table) is not { } change)
                    continue;
                for (var i = 0; i < change.Deletes.Count; i++)
                {
                    _entries.Remove((table.Value, IdOf(schedule, change.Deletes.Span(i))));
                    touched = true;
                }
                for (var i = 0; i < change.Inserts.Count; i++)
                {
                    AddLocked(schedule, table, change.Inserts.Span(i), changeset.CommitTime);
                    touched = true;
                }
            }
            if (touched)
                SignalLocked();
        }
    }

    private static bool TouchesScheduledTable(Changeset changeset, IReadOnlyList<(ModuleSchedule Schedule, TableId Table)> schedules)
    {
        if (changeset.Tables.Count == 0)
            return false;
        for (var i = 0; i < schedules.Count; i++)
        {
            if (changeset.For(schedules[i].Table) is not null)
                return true;
        }
        return false;
    }

    /// <summary>When the earliest entry is due (µs since the epoch), or null when nothing is scheduled.</summary>
    public long? NextDue()
    {
        lock (_lock)
        {
            while (_queue.TryPeek(out var e, out var due))
            {
                if (IsCurrent(e))
                    return due;
                _queue.Dequeue();
            }
            return null;
        }
    }

    /// <summary>Takes every entry due at or before <paramref name="now"/>.</summary>
    public List<Entry> TakeDue(Timestamp now)
    {
        var due = new List<Entry>();
        lock (_lock)
        {
            while (_queue.TryPeek(out var e, out var at) && at <= now.MicrosecondsSinceUnixEpoch)
            {
                _queue.Dequeue();
                if (IsCurrent(e))
                    due.Add(e);
            }
        }
        return due;
    }

    /// <summary>Queues the next run of an interval entry that just fired (skipping missed ticks); a no-op if the row changed meanwhile.</summary>
    public void Reschedule(Entry fired, Timestamp now)
    {
        if (fired.IntervalMicros is not { } interval)
            return;
        lock (_lock)
        {
            if (!IsCurrent(fired))
                return;
            var next = fired.DueMicros + interval;
            if (next <= now.MicrosecondsSinceUnixEpoch)
                next += ((now.MicrosecondsSinceUnixEpoch - next) / interval + 1) * interval;
            var entry = fired with { DueMicros = next };
            _entries[(entry.Table.Value, new ByteKey(entry.IdKey))] = entry;
            _queue.Enqueue(entry, next);
            SignalLocked();
        }
    }

    // An entry is current while it is still the one recorded for its row (not cancelled or replaced).
    private bool IsCurrent(Entry e) => _entries.TryGetValue((e.Table.Value, new ByteKey(e.IdKey)), out var current) && ReferenceEquals(current, e);

    private void AddLocked(ModuleSchedule schedule, TableId table, ReadOnlySpan<byte> row, Timestamp now)
    {
        var value = (ProductValue)AlgebraicValue.FromBsatn(row, schedule.Table.Schema.RowType, schedule.Table.Schema.Typespace);
        var at = ScheduleAt.FromValue(value[schedule.ScheduleAtColumn]);
        long due;
        long? interval = null;
        if (at.IsInterval)
        {
            // A negative interval counts as its absolute value; zero would spin, so it fires at most every microsecond.
            interval = Math.Max(1, Math.Abs(at.Interval.Microseconds));
            due = now.MicrosecondsSinceUnixEpoch + interval.Value;
        }
        else
        {
            due = at.Time.MicrosecondsSinceUnixEpoch;
        }
        var idKey = value[schedule.IdColumn].ToBsatn();
        var entry = new Entry(schedule, table, idKey, due, interval);
        _entries[(table.Value, new ByteKey(idKey))] = entry;
        _queue.Enqueue(entry, due);
    }

    private static ByteKey IdOf(ModuleSchedule schedule, ReadOnlySpan<byte> row)
    {
        var value = (ProductValue)AlgebraicValue.FromBsatn(row, schedule.Table.Schema.RowType, schedule.Table.Schema.Typespace);
        return new ByteKey(value[schedule.IdColumn].ToBsatn());
    }

    private void SignalLocked()
    {
        var previous = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }
}
