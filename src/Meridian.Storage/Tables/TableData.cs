using Meridian.Storage.Indexes;
using Meridian.Storage.Rows;
using Meridian.Storage.Schema;
using Meridian.Sats.Rows;

namespace Meridian.Storage.Tables;

/// <summary>
/// One version of one table: its rows (BSATN in a <see cref="RowHeap"/>), the slot map from row id to
/// the row's current bytes, its indexes (keyed to row ids) and sequence positions. A published
/// version is never changed; a transaction writes to a <see cref="CloneForWrite"/> whose trees share
/// nodes with it.
/// </summary>
/// <remarks>
/// A row keeps its id from insert to delete. An update appends the new bytes and re-points the
/// row's slot, touching only the indexes whose key columns changed; older versions keep their own
/// slot map nodes and so still see the old bytes.
/// </remarks>
internal sealed class TableData
{
    /// <summary>How many rows with one key an index may hold before finding rows by bytes switches to row hashes.</summary>
    internal const int IdenticalScanLimit = 8;

    public TableSchema Schema;
    public readonly RowLayout Layout;
    /// <summary>What one comparison of a row's old and new bytes tells an update (keys kept, validity).</summary>
    public readonly RowDiff Diff;
    public RowHeap Heap;
    public SlotMap Slots;
    /// <summary>First id of the free list (ids of deleted rows, reused by later transactions).</summary>
    public uint FreeHead = SlotMap.NoSlot;
    public long RowCount;
    public TableIndex[] Indexes;
    /// <summary>Positions of unique indexes; the first one finds rows by their bytes (set semantics).</summary>
    public int[] UniqueIndexes;
    /// <summary>
    /// For tables without a unique index: true once rows are found by their bytes through
    /// <see cref="RowHashes"/>. Until then the first index does it (rows with an identical key are
    /// few), at no cost to inserts; a table without indexes starts in this mode.
    /// </summary>
    public bool HashMode;
    /// <summary>Row hash → row id, maintained only in <see cref="HashMode"/>.</summary>
    public BTreeNode<IndexEntry<ulong>>? RowHashes;
    public Int128[] SequenceNext;
    /// <summary>
    /// Stored bytes of live records per page (index: page number minus the heap's first page), for
    /// compaction. Maintained by the writer at commit only
    /// (never by an open transaction, so a rollback has nothing to undo); null until first needed.
    /// </summary>
    public int[]? LiveBytes;
    /// <summary>
    /// Ids freed by the open transaction: not reused before it commits (its changeset tracking
    /// relies on an id meaning one row until then), then pushed on the free list.
    /// </summary>
    public List<uint>? PendingFree;

    public TableData(TableSchema schema)
    {
        Schema = schema;
        Layout = new RowLayout(schema.RowType, schema.Typespace);
        Diff = new RowDiff(Layout, schema.Indexes);
        Heap = new RowHeap(Layout.RowFixedSize);
        Indexes = schema.Indexes.Select(i => TableIndex.Create(i, Layout)).ToArray();
        UniqueIndexes = Enumerable.Range(0, Indexes.Length).Where(i => schema.Indexes[i].IsUnique).ToArray();
        HashMode = UniqueIndexes.Length == 0 && Indexes.Length == 0;
        SequenceNext = schema.Sequences.Select(s => s.Start).ToArray();
    }

    private TableData(TableData from)
    {
        Schema = from.Schema;
        Layout = from.Layout;
        Diff = from.Diff;
        Heap = from.Heap;
        Slots = from.Slots;
        FreeHead = from.FreeHead;
        RowCount = from.RowCount;
        Indexes = new TableIndex[from.Indexes.Length];
        for (var i = 0; i < Indexes.Length; i++)
            Indexes[i] = from.Indexes[i].Clone();
        UniqueIndexes = from.UniqueIndexes;
        HashMode = from.HashMode;
        RowHashes = from.RowHashes;
        SequenceNext = (Int128[])from.SequenceNext.Clone();
        LiveBytes = from.LiveBytes;
    }

    public TableData CloneForWrite() => new(this);

    public bool HasUniqueIndex => UniqueIndexes.Length > 0;

    /// <summary>The bytes of a live row.</summary>
    public ReadOnlySpan<byte> ReadRow(uint rowId) => Heap.Read(Slots.Get(rowId));

    /// <summary>True when <paramref name="rowId"/> names a live row of this version.</summary>
    public bool IsLive(uint rowId) => rowId < Slots.Count && !SlotMap.IsFree(Slots.Get(rowId));

    /// <summary>Id of a live row whose bytes equal <paramref name="row"/>, if any. Never changes this version.</summary>
    public bool TryFindIdentical(ReadOnlySpan<byte> row, out uint rowId)
    {
        if (UniqueIndexes.Length > 0)
        {
            if (Indexes[UniqueIndexes[0]].TryFindSameKey(row, out rowId) && ReadRow(rowId).SequenceEqual(row))
                return true;
            rowId = 0;
            return false;
        }
        if (!HashMode)
            return Indexes[0].TryFindIdentical(row, this, int.MaxValue, out rowId) == true;
        return TryFindByHash(row, out rowId);
    }

    /// <summary>
    /// <see cref="TryFindIdentical"/> for the writer of this (unpublished) version: when the first
    /// index holds too many rows with the row's key, switches the table to row hashes first.
    /// </summary>
    public bool TryFindIdenticalForWrite(ReadOnlySpan<byte> row, out uint rowId, long edit)
    {
        if (UniqueIndexes.Length == 0 && !HashMode)
        {
            var found = Indexes[0].TryFindIdentical(row, this, IdenticalScanLimit, out rowId);
            if (found is not null)
                return found.Value;
            SwitchToHashes(edit);
        }
        return TryFindIdentical(row, out rowId);
    }

    private bool TryFindByHash(ReadOnlySpan<byte> row, out uint rowId)
    {
        var hash = Hash(row);
        // Common case without allocating a cursor: no entry with this hash, or the first one matches.
        if (!BTree<IndexEntry<ulong>, EntryOrder<ulong>>.TryFindCeiling(RowHashes, new(hash, 0), out var first) || first.Key != hash)
        {
            rowId = 0;
            return false;
        }
        if (ReadRow(first.Row).SequenceEqual(row))
        {
            rowId = first.Row;
            return true;
        }
        var cursor = new BTreeCursor<IndexEntry<ulong>, EntryOrder<ulong>>();
        for (cursor.Seek(RowHashes, new(hash, first.Row + 1)); cursor.Valid && cursor.Current.Key == hash; cursor.MoveNext())
        {
            var candidate = cursor.Current.Row;
            if (ReadRow(candidate).SequenceEqual(row))
            {
                rowId = candidate;
                return true;
            }
        }
        rowId = 0;
        return false;
    }

    private void SwitchToHashes(long edit)
    {
        var live = new SlotMap.LiveEnumerator(Slots);
        while (live.MoveNext())
            BTree<IndexEntry<ulong>, EntryOrder<ulong>>.Insert(ref RowHashes, new(Hash(Heap.Read(live.Pointer)), live.Id), edit);
        HashMode = true;
    }

    /// <summary>Stores a new row under a fresh id and adds it to every index; the caller has checked constraints.</summary>
    public uint Add(ReadOnlySpan<byte> row, long edit)
    {
        uint id;
        Span<byte> stored;
        if (FreeHead != SlotMap.NoSlot)
        {
            id = FreeHead;
            FreeHead = SlotMap.NextFree(Slots.Get(id));
            Slots.Set(id, Heap.Append(id, row, out stored), edit);
        }
        else
        {
            id = Slots.Count;
            var ptr = Heap.Append(id, row, out stored);
            Slots.Append(ptr, edit);
        }
        Link(stored, id, edit);
        return id;
    }

    /// <summary>Makes a row deleted by the open transaction live again with its committed bytes at <paramref name="ptr"/>.</summary>
    public void Restore(uint rowId, ulong ptr, long edit)
    {
        Slots.Set(rowId, ptr, edit);
        Link(Heap.Read(ptr), rowId, edit);
    }

    private void Link(ReadOnlySpan<byte> stored, uint rowId, long edit)
    {
        var indexes = Indexes;
        for (var i = 0; i < indexes.Length; i++)
        {
            // Unique indexes check at insert, and the first index may be finding rows by their bytes:
            // those take the entry now. The rest take it in one sorted batch (TableIndex.Flush).
            var index = indexes[i];
            if (index.Schema.IsUnique || (i == 0 && !HashMode))
                index.Insert(stored, rowId, edit);
            else
                index.InsertDeferred(stored, rowId, edit);
        }
        if (HashMode)
            BTree<IndexEntry<ulong>, EntryOrder<ulong>>.Insert(ref RowHashes, new(Hash(stored), rowId), edit);
        RowCount++;
    }

    /// <summary>Removes a live row from every index and frees its id; returns the pointer it had (its bytes stay for older versions).</summary>
    public ulong Delete(uint rowId, long edit)
    {
        var ptr = Slots.Get(rowId);
        if (SlotMap.IsFree(ptr))
            throw new InvalidOperationException($"Row {rowId} is not live in table '{Schema.Name}'.");
        var row = Heap.Read(ptr);
        foreach (var index in Indexes)
            index.Remove(row, rowId, edit);
        if (HashMode)
            BTree<IndexEntry<ulong>, EntryOrder<ulong>>.Remove(ref RowHashes, new(Hash(row), rowId), edit);
        Slots.Set(rowId, SlotMap.Pending, edit);
        (PendingFree ??= []).Add(rowId);
        RowCount--;
        return ptr;
    }

    /// <summary>
    /// Gives a live row new bytes (an update): appends them and re-points the row's slot. Only indexes
    /// whose key columns changed are touched (<paramref name="sameKeyIndex"/>, the index the row was
    /// found by, is known to keep its key, and so is every index <paramref name="change"/> misses).
    /// Returns the new pointer and the bytes as stored; the old bytes stay in the heap for older versions and open cursors.
    /// </summary>
    public ulong Update(uint rowId, ReadOnlySpan<byte> oldRow, ReadOnlySpan<byte> newRow, int sameKeyIndex, RowChange change, long edit,
        out Span<byte> stored)
    {
        // oldRow is never overwritten: published, or this transaction's own before End.
        var ptr = Heap.Append(rowId, newRow, out stored);
        var indexes = Indexes;
        for (var i = 0; i < indexes.Length; i++)
        {
            if (i != sameKeyIndex && !Diff.KeyUnchanged(i, change))
                indexes[i].Update(oldRow, stored, rowId, edit);
        }
        if (HashMode)
        {
            BTree<IndexEntry<ulong>, EntryOrder<ulong>>.Remove(ref RowHashes, new(Hash(oldRow), rowId), edit);
            BTree<IndexEntry<ulong>, EntryOrder<ulong>>.Insert(ref RowHashes, new(Hash(stored), rowId), edit);
        }
        Slots.Set(rowId, ptr, edit);
        return ptr;
    }

    /// <summary>Merges every index's deferred entries; done before a version is published.</summary>
    public void FlushIndexes()
    {
        foreach (var index in Indexes)
            index.Flush();
    }

    /// <summary>At commit: puts the ids the transaction freed (and did not restore) on the free list, first freed first reused.</summary>
    public void ReleasePendingSlots(long edit)
    {
        if (PendingFree is not { } pending)
            return;
        for (var i = pending.Count - 1; i >= 0; i--)
        {
            var id = pending[i];
            if (Slots.Get(id) != SlotMap.Pending)
                continue; // restored, or listed twice (freed, restored and freed again)
            Slots.Set(id, SlotMap.FreeLink(FreeHead), edit);
            FreeHead = id;
        }
        PendingFree = null;
    }

    /// <summary>
    /// At commit, before accounting: makes <see cref="LiveBytes"/> cover every page. False while the
    /// counts have not been built yet (<see cref="Compact"/> builds them from the live rows).
    /// </summary>
    public bool EnsureLiveBytesCapacity()
    {
        if (LiveBytes is null)
            return false;
        if (LiveBytes.Length < Heap.Pages.Length)
            Array.Resize(ref LiveBytes, Heap.Pages.Length);
        return true;
    }

    /// <summary>Adds (or, with a negative length, removes) a record of a row of <paramref name="rowLength"/> bytes to its page's live count.</summary>
    public void AccountLive(ulong ptr, int rowLength) =>
        LiveBytes![RowHeap.PageOf(ptr) - Heap.FirstPage] += rowLength >= 0 ? Heap.StoredSize(rowLength) : -Heap.StoredSize(-rowLength);

    /// <summary>
    /// At commit, after accounting: relocates the live rows of the pages in <paramref name="lostRows"/>
    /// that fell below a quarter full, so dead bytes do not hold memory forever. Rows keep their ids,
    /// so only their slots change. Older versions keep the pages they reference (through their own
    /// page directory) until the GC reclaims them. <paramref name="counted"/> false: the counts are
    /// built first, from the live rows (the first commit since start-up that deletes).
    /// </summary>
    public void Compact(List<int> lostRows, bool counted, long edit)
    {
        if (!counted)
        {
            LiveBytes = new int[Heap.Pages.Length];
            var live = new SlotMap.LiveEnumerator(Slots);
            while (live.MoveNext())
                LiveBytes[RowHeap.PageOf(live.Pointer) - Heap.FirstPage] += Heap.StoredSize(Heap.Read(live.Pointer).Length);
        }
        var last = Heap.PageCount - 1;
        HashSet<int>? dropped = null;
        foreach (var page in lostRows)
        {
            if (page >= last || Heap.Page(page) is not { } bytes || LiveBytes![page - Heap.FirstPage] * 4L >= bytes.Length
                || dropped?.Contains(page) == true)
                continue;
            Relocate(page, edit);
            (dropped ??= []).Add(page);
        }
        if (dropped is null)
            return;
        CleanOldest(dropped, edit);
        // Published versions share the directory array: the window moves in a copy.
        var skip = Heap.Trim(dropped);
        var counts = new int[Heap.Pages.Length];
        Array.Copy(LiveBytes!, skip, counts, 0, Math.Min(LiveBytes!.Length - skip, counts.Length));
        LiveBytes = counts;
        if (Heap.FirstPage >= (RenumberAtOnThisThread > 0 ? RenumberAtOnThisThread : RenumberAt))
            Renumber(edit);
    }

    /// <summary>
    /// First page number at which the window is renumbered from 0, so that a table updated for ever does not
    /// run out of 31-bit page numbers (it would after 2^31 pages: days of a busy update workload).
    /// </summary>
    internal const int RenumberAt = 1 << 30;

    /// <summary>Tests: a lower <see cref="RenumberAt"/> for commits on the calling thread (0: the default).</summary>
    [ThreadStatic]
    internal static int RenumberAtOnThisThread;

    /// <summary>
    /// At commit: page <see cref="RowHeap.FirstPage"/> becomes page 0 and every live slot is re-pointed (one pass
    /// over the slot map, once per 2^30 pages). Older versions keep their own slot map, directory and first page;
    /// the next transaction starts from the new end, so pointer order still tells its own rows.
    /// </summary>
    private void Renumber(long edit)
    {
        var shift = (ulong)Heap.FirstPage << 32;
        for (uint id = 0; id < Slots.Count; id++)
        {
            var ptr = Slots.Get(id);
            if (!SlotMap.IsFree(ptr))
                Slots.Set(id, ptr - shift, edit);
        }
        Heap.Renumber();
    }

    /// <summary>
    /// Keeps the directory window within about twice the pages held: while it is longer, the oldest held
    /// page's live rows move to the end and the page is dropped too. Without this, a page whose rows are
    /// never updated (at least a quarter live) would hold the window open while updates add pages forever.
    /// </summary>
    private void CleanOldest(HashSet<int> dropped, long edit)
    {
        var held = Heap.HeldPages - dropped.Count;
        var front = Heap.FirstPage;
        while (true)
        {
            while (front < Heap.PageCount - 1 && (Heap.Page(front) is null || dropped.Contains(front)))
                front++;
            if (front >= Heap.PageCount - 1 || Heap.PageCount - front <= 2 * held + WindowSlack)
                return;
            var before = Heap.PageCount;
            Relocate(front, edit);
            dropped.Add(front);
            held += Heap.PageCount - before - 1;
            front++;
        }
    }

    /// <summary>Dropped pages the directory window may hold beyond twice the pages held.</summary>
    internal const int WindowSlack = 16;

    private void Relocate(int page, long edit)
    {
        // The counts are exact (every commit accounts what it changed, and they are built from the live rows when
        // missing), so a page they show empty has no live record (the usual case when a transaction updated every
        // row of a page), and the search stops once it has moved the page's live bytes.
        var live = LiveBytes![page - Heap.FirstPage];
        if (live > 0)
        {
            // Find the live records the cheaper way: walking the page's records (a record is live when its id's slot
            // still points at it), or scanning the slot map for pointers into the page, which is sequential and
            // skips empty leaves, so it wins for tables with few ids next to a page of many small records (a 64 KiB
            // page of 40-byte rows is ~1,600 records, each a slot-map lookup, against 2,048 slots read in order).
            var averageRecord = Math.Max(IdSizeFloor, TotalLiveBytes() / Math.Max(1, RowCount));
            var records = Heap.Page(page).Length / averageRecord;
            if (Slots.Count <= SlotScanAdvantage * records)
            {
                RelocateBySlots(page, live, edit);
                RelocationsOnThisThread.BySlots++;
            }
            else
            {
                RelocateByWalk(page, live, edit);
                RelocationsOnThisThread.ByWalk++;
            }
        }
        AssertNoLiveRecord(page);
        LiveBytes![page - Heap.FirstPage] = 0;
    }

    /// <summary>Tests: how the commits on the calling thread found the live records of pages they relocated.</summary>
    [ThreadStatic]
    internal static (int BySlots, int ByWalk) RelocationsOnThisThread;

    // A slot read in order costs a fraction of a record step (slot-map lookup, length decode) of a page walk.
    private const long SlotScanAdvantage = 4;
    private const long IdSizeFloor = RowHeap.IdSize + 1;

    private long TotalLiveBytes()
    {
        long total = 0;
        foreach (var bytes in LiveBytes!)
            total += bytes;
        return total;
    }

    private void RelocateByWalk(int page, int live, long edit)
    {
        if (!RowHeap.HasRecordAt(Heap.Page(page), 0))
            return;
        var ptr = (ulong)page << 32;
        do
        {
            var id = Heap.IdAt(ptr);
            if (id < Slots.Count && Slots.Get(id) == ptr && (live -= Move(id, ptr, edit)) <= 0)
                return;
        }
        while (Heap.NextInPage(ref ptr));
    }

    private void RelocateBySlots(int page, int live, long edit)
    {
        var count = Slots.Count;
        for (uint start = 0; start < count; start += SlotMap.Fanout)
        {
            // Moving a row may copy this leaf (Set); the old one still holds every other slot's pointer.
            var leaf = Slots.Leaf(start);
            if (leaf.Live == 0)
                continue;
            var values = leaf.Values!;
            var end = Math.Min(SlotMap.Fanout, count - start);
            for (var i = 0; i < end; i++)
            {
                var ptr = values[i];
                if (!SlotMap.IsFree(ptr) && RowHeap.PageOf(ptr) == page && (live -= Move(start + (uint)i, ptr, edit)) <= 0)
                    return;
            }
        }
    }

    /// <summary>Copies a live record to the end of the heap and re-points its slot; returns the bytes it occupied.</summary>
    private int Move(uint id, ulong ptr, long edit)
    {
        var row = Heap.Read(ptr); // the old page is never written again, so this span stays valid
        var moved = Heap.Append(id, row, out _);
        Slots.Set(id, moved, edit);
        if (LiveBytes!.Length < Heap.Pages.Length)
            Array.Resize(ref LiveBytes, Heap.Pages.Length);
        var size = Heap.StoredSize(row.Length);
        LiveBytes[RowHeap.PageOf(moved) - Heap.FirstPage] += size;
        return size;
    }

    /// <summary>Debug builds (the tests): after relocation, trusting the counts left no live record on the page.</summary>
    [System.Diagnostics.Conditional("DEBUG")]
    private void AssertNoLiveRecord(int page)
    {
        if (!RowHeap.HasRecordAt(Heap.Page(page), 0))
            return;
        var ptr = (ulong)page << 32;
        do
        {
            var id = Heap.IdAt(ptr);
            if (id < Slots.Count && Slots.Get(id) == ptr)
                throw new InvalidOperationException($"Table '{Schema.Name}': page {page} still holds live row {id} after relocation.");
        }
        while (Heap.NextInPage(ref ptr));
    }

    /// <summary>A fast 64-bit hash of a row's bytes (in memory only; never persisted).</summary>
    public static ulong Hash(ReadOnlySpan<byte> row)
    {
        const ulong prime = 0x9E37_79B9_7F4A_7C15ul;
        var h = (ulong)row.Length * prime;
        while (row.Length >= 8)
        {
            h = (h ^ System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(row)) * prime;
            h ^= h >> 29;
            row = row[8..];
        }
        ulong tail = 0;
        for (var i = 0; i < row.Length; i++)
            tail |= (ulong)row[i] << (8 * i);
        h = (h ^ tail) * prime;
        return h ^ (h >> 32);
    }
}
