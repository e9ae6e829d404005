using Meridian.Sats;
using Meridian.Storage.Changesets;
using Meridian.Storage.Rows;
using Meridian.Storage.Schema;
using Meridian.Storage.Tables;
using Meridian.Sats.Rows;

namespace Meridian.Storage;

public sealed partial class Transaction
{
    /// <summary>
    /// Commits: builds the changeset, gives it the next offset, hands it to the commit log (when the
    /// datastore is durable) and publishes the new committed version, all or nothing. A transaction
    /// that changed nothing and has no <paramref name="call"/> is not logged (its changeset has no offset).
    /// </summary>
    /// <param name="call">The reducer call that produced this transaction, recorded in the log.</param>
    /// <exception cref="DatastoreFailedException">The commit log has failed; nothing was committed.</exception>
    public Changeset Commit(TransactionCall? call = null) => Commit(call, null);

    /// <summary>
    /// Commits like <see cref="Commit(TransactionCall?)"/> with <paramref name="commitTime"/> as the changeset's
    /// commit time instead of a fresh reading of the datastore's clock: a reducer call commits at its own timestamp
    /// (as upstream, where a transaction's time is its reducer's), and the clock is not read twice per call.
    /// </summary>
    /// <exception cref="DatastoreFailedException">The commit log has failed; nothing was committed.</exception>
    public Changeset Commit(TransactionCall? call, Timestamp commitTime) => Commit(call, (Timestamp?)commitTime);

    private Changeset Commit(TransactionCall? call, Timestamp? commitTime)
    {
        EnsureOpen();
        try
        {
            var tables = BuildTableChanges(out var published);
            IReadOnlyList<SchemaChange> schema = _schemaChanges is null ? Array.Empty<SchemaChange>() : FinishAlteredTables(_schemaChanges);
            var now = commitTime ?? Timestamp.Now(_store.Clock);
            if (tables.Count == 0 && schema.Count == 0 && call is null)
                return new Changeset(null, now, null, tables, schema);
            var offset = _committed.NextOffset;
            var changeset = new Changeset(offset, now, call, tables, schema);
            var state = new DbState(published, _names ?? _committed.Names, _nextTableId, offset + 1);
            _store.Publish(state, changeset);
            return changeset;
        }
        finally
        {
            Finish();
        }
    }

    /// <summary>
    /// Discards every change and records only the call, with its error, as its own logged
    /// transaction (so history shows failed reducer calls).
    /// </summary>
    public Changeset CommitFailure(TransactionCall call)
    {
        if (call.Error is null)
            throw new ArgumentException("A failed call needs an error.", nameof(call));
        EnsureOpen();
        _changes = null;
        _schemaChanges = null;
        _altered = null;
        _names = null;
        _tables = _committed.Tables;
        _tablesOwned = false;
        _nextTableId = _committed.NextTableId;
        return Commit(call, null);
    }

    /// <summary>Discards every change.</summary>
    public void Rollback()
    {
        if (!_finished)
            Finish();
    }

    /// <summary>Rolls back unless the transaction has committed.</summary>
    public void Dispose() => Rollback();

    private void Finish()
    {
        _finished = true;
        if (_changes is { } changes)
        {
            foreach (var tt in changes)
                tt?.Recycle();
            _changes = null;
            _store.ReturnChangesArray(changes);
        }
        _store.ReleaseWriter(this);
    }

    private IReadOnlyList<TableChange> BuildTableChanges(out TableData?[] published)
    {
        published = _tables;
        if (_changes is null)
            return Array.Empty<TableChange>();
        // Most transactions change one table: one exact array then, a list only from the second table on.
        TableChange? first = null;
        List<TableChange>? more = null;
        var lostRows = _store.LostPagesScratch;
        for (var id = 0; id < _changes.Length; id++)
        {
            var tt = _changes[id];
            if (tt is null)
                continue;
            if (_altered is not null && _altered.Contains((uint)id))
            {
                // Logged whole by its TableAltered record; no row changes.
                tt.Work.FlushIndexes();
                tt.Work.ReleasePendingSlots(_edit);
                continue;
            }
            var work = tt.Work;
            var touched = tt.Touched;
            var count = touched?.Count ?? 0;
            // Sized for the usual case (every touched row in a list) so the buffers do not regrow.
            var inserts = new ChangeRows(count, work.Layout.RowFixedSize);
            var deletes = new ChangeRows(count, work.Layout.RowFixedSize);
            // Live bytes per page are accounted as the rows go by; pages that lost rows are compaction candidates.
            var account = !work.Schema.IsEvent && work.EnsureLiveBytesCapacity();
            lostRows.Clear();
            var lastLost = -1;
            if (touched is not null)
            {
                // Touched rows repeat only after a restore; then the first entry (the committed pointer) counts.
                var seen = tt.Restored ? new HashSet<uint>() : null;
                foreach (var (row, committedPtr) in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(touched))
                {
                    if (seen is not null && !seen.Add(row))
                        continue;
                    var current = work.Slots.Get(row);
                    var live = !SlotMap.IsFree(current);
                    if (committedPtr == TableTx.NewRow)
                    {
                        if (live)
                        {
                            var inserted = work.Heap.Read(current);
                            inserts.Add(inserted);
                            if (account)
                                work.AccountLive(current, inserted.Length);
                        }
                        continue;
                    }
                    if (current == committedPtr)
                        continue;
                    var before = tt.Committed!.Heap.Read(committedPtr);
                    var page = RowHeap.PageOf(committedPtr);
                    if (page != lastLost)
                    {
                        lostRows.Add(page);
                        lastLost = page;
                    }
                    if (account)
                        work.AccountLive(committedPtr, -before.Length);
                    if (live)
                    {
                        var after = work.Heap.Read(current);
                        if (account)
                            work.AccountLive(current, after.Length);
                        if (after.SequenceEqual(before))
                            continue; // updated back to its committed bytes
                        inserts.Add(after);
                    }
                    deletes.Add(before);
                }
            }
            List<SequenceUpdate>? sequences = null;
            for (var s = 0; s < work.SequenceNext.Length; s++)
            {
                var before = tt.Committed?.SequenceNext[s] ?? work.Schema.Sequences[s].Start;
                if (work.SequenceNext[s] != before || tt.Committed is null)
                    (sequences ??= []).Add(new SequenceUpdate(s, work.SequenceNext[s]));
            }
            work.FlushIndexes();
            work.ReleasePendingSlots(_edit);
            if (lostRows.Count > 0 && !work.Schema.IsEvent)
                work.Compact(lostRows, counted: account, _edit);
            if (work.Schema.IsEvent)
            {
                // Event rows exist only inside this transaction: publish the table as it was (sequences advance).
                var kept = tt.Committed?.CloneForWrite() ?? new TableData(work.Schema);
                kept.SequenceNext = work.SequenceNext;
                published[id] = kept;
            }
            if (inserts.Count > 0 || deletes.Count > 0 || sequences is not null)
            {
                var change = new TableChange(
                    new TableId((uint)id),
                    work.Schema.Name,
                    work.Schema.IsEvent,
                    inserts.Build(),
                    deletes.Build(),
                    (IReadOnlyList<SequenceUpdate>?)sequences ?? []);
                if (first is null)
                    first = change;
                else
                    (more ??= [first]).Add(change);
            }
        }
        lostRows.Clear();
        if (more is not null)
            return more;
        return first is null ? Array.Empty<TableChange>() : new[] { first };
    }

    // ---- replay (recovery and history): apply logged changes without constraint checks or tracking ----

    internal bool TryGetTableById(TableId table) => ReadTable(table.Value) is not null;

    internal void ReplayInsert(TableId table, ReadOnlySpan<byte> row)
    {
        var tt = Writable(table);
        if (tt.Work.Schema.IsEvent)
            return;
        tt.Work.Add(row, _edit);
    }

    internal bool ReplayDelete(TableId table, ReadOnlySpan<byte> row)
    {
        var tt = Writable(table);
        if (!tt.Work.TryFindIdenticalForWrite(row, out var id, _edit))
            return false;
        tt.Work.Delete(id, _edit);
        return true;
    }

    internal void ReplaySequence(TableId table, int sequence, Int128 next)
    {
        var tt = Writable(table);
        if ((uint)sequence >= (uint)tt.Work.SequenceNext.Length)
            throw new StorageException($"Table '{tt.Work.Schema.Name}' has no sequence {sequence}.");
        tt.Work.SequenceNext[sequence] = next;
    }

    /// <summary>Publishes replayed state as committed at <paramref name="nextOffset"/> without logging.</summary>
    internal void CommitReplay(ulong nextOffset)
    {
        EnsureOpen();
        try
        {
            if (_changes is not null)
            {
                foreach (var tt in _changes)
                {
                    tt?.Work.FlushIndexes();
                    tt?.Work.ReleasePendingSlots(_edit);
                }
            }
            _store.PublishReplay(new DbState(_tables, _names ?? _committed.Names, _nextTableId, nextOffset));
        }
        finally
        {
            Finish();
        }
    }

    /// <summary>
    /// Collects one list of a changeset. Rows of a fixed size go into one array of exactly the
    /// expected size, which becomes the list without per-row offsets or a copy (the usual case: every
    /// touched row lands in the list); other rows use <see cref="RowList.Builder"/>.
    /// </summary>
    private struct ChangeRows
    {
        private readonly int _fixedSize;
        private readonly RowList.Builder? _builder;
        private byte[]? _data;
        private int _length;

        public ChangeRows(int capacity, int fixedSize)
        {
            _fixedSize = fixedSize;
            if (fixedSize <= 0)
                _builder = new RowList.Builder(capacity, capacity * 32);
            else if (capacity > 0)
                _data = GC.AllocateUninitializedArray<byte>(capacity * fixedSize);
        }

        public int Count { get; private set; }

        public void Add(ReadOnlySpan<byte> row)
        {
            Count++;
            if (_builder is not null)
            {
                _builder.Add(row);
                return;
            }
            if (_data is null || _length + row.Length > _data.Length)
                Array.Resize(ref _data, Math.Max(_length + row.Length, (_data?.Length ?? 0) * 2));
            row.CopyTo(_data.AsSpan(_length));
            _length += row.Length;
        }

        public readonly RowList Build()
        {
            if (_builder is not null)
                return _builder.Build();
            if (_length == 0)
                return RowList.Empty;
            return RowList.FromFixedSize(_length == _data!.Length ? _data : _data.AsSpan(0, _length).ToArray(), _fixedSize);
        }
    }
}
