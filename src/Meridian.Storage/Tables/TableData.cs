using Meridian.Storage.Indexes;
using Meridian.Storage.Rows;
using Meridian.Storage.Schema;
using Meridian.Sats.Rows;

namespace Meridian.Storage.Tables;

/// <summary>
/// One version of one table: its rows (BSATN in a <see cref="RowHeap"/>), the set of live row
/// pointers, its indexes and sequence positions. A published version is never changed; a
/// transaction writes to a <see cref="CloneForWrite"/> whose trees share nodes with it.
/// </summary>
internal sealed class TableData
{
    public TableSchema Schema;
    public readonly RowLayout Layout;
    public RowHeap Heap;
    public BTreeNode<ulong>? Rows;
    public long RowCount;
    public TableIndex[] Indexes;
    /// <summary>Positions of unique indexes; the first one dedups identical rows.</summary>
    public int[] UniqueIndexes;
    /// <summary>Row hash → pointer, kept only for tables without a unique index (to find a row by its bytes).</summary>
    public BTreeNode<IndexEntry<ulong>>? RowHashes;
    public Int128[] SequenceNext;
    /// <summary>
    /// Stored bytes of live rows per page, for compaction. Maintained by the writer at commit only
    /// (never by an open transaction, so a rollback has nothing to undo); null until first needed.
    /// </summary>
    public int[]? LiveBytes;

    public TableData(TableSchema schema)
    {
        Schema = schema;
        Layout = new RowLayout(schema.RowType, schema.Typespace);
        Heap = new RowHeap(Layout.RowFixedSize);
        Indexes = schema.Indexes.Select(i => TableIndex.Create(i, Layout)).ToArray();
        UniqueIndexes = Enumerable.Range(0, Indexes.Length).Where(i => schema.Indexes[i].IsUnique).ToArray();
        SequenceNext = schema.Sequences.Select(s => s.Start).ToArray();
    }

    private TableData(TableData from)
    {
        Schema = from.Schema;
        Layout = from.Layout;
        Heap = from.Heap;
        Rows = from.Rows;
        RowCount = from.RowCount;
        Indexes = new TableIndex[from.Indexes.Length];
        for (var i = 0; i < Indexes.Length; i++)
            Indexes[i] = from.Indexes[i].Clone();
        UniqueIndexes = from.UniqueIndexes;
        RowHashes = from.RowHashes;
        SequenceNext = (Int128[])from.SequenceNext.Clone();
        LiveBytes = from.LiveBytes;
    }

    public TableData CloneForWrite() => new(this);

    public bool HasUniqueIndex => UniqueIndexes.Length > 0;

    public ReadOnlySpan<byte> Read(ulong ptr) => Heap.Read(ptr);

    public ReadOnlyMemory<byte> ReadMemory(ulong ptr) => Heap.ReadMemory(ptr);

    /// <summary>Pointer of a live row whose bytes equal <paramref name="row"/>, if any.</summary>
    public bool TryFindIdentical(ReadOnlySpan<byte> row, out ulong ptr)
    {
        if (UniqueIndexes.Length > 0)
        {
            if (Indexes[UniqueIndexes[0]].TryFindSameKey(row, out ptr) && Heap.Read(ptr).SequenceEqual(row))
                return true;
            ptr = 0;
            return false;
        }
        var hash = Hash(row);
        // Common case without allocating a cursor: no entry with this hash, or the first one matches.
        if (!BTree<IndexEntry<ulong>, EntryOrder<ulong>>.TryFindCeiling(RowHashes, new(hash, 0), out var first) || first.Key != hash)
        {
            ptr = 0;
            return false;
        }
        if (Heap.Read(first.Ptr).SequenceEqual(row))
        {
            ptr = first.Ptr;
            return true;
        }
        var cursor = new BTreeCursor<IndexEntry<ulong>, EntryOrder<ulong>>();
        for (cursor.Seek(RowHashes, new(hash, 0)); cursor.Valid && cursor.Current.Key == hash; cursor.MoveNext())
        {
            var candidate = cursor.Current.Ptr;
            if (Heap.Read(candidate).SequenceEqual(row))
            {
                ptr = candidate;
                return true;
            }
        }
        ptr = 0;
        return false;
    }

    /// <summary>Stores a row and adds it to every structure; the caller has checked constraints.</summary>
    public ulong Add(ReadOnlySpan<byte> row, long edit)
    {
        var ptr = Heap.Append(row, out var stored);
        Link(stored, ptr, edit);
        return ptr;
    }

    /// <summary>Adds an already stored row to the row set and indexes.</summary>
    public void Link(ReadOnlySpan<byte> stored, ulong ptr, long edit)
    {
        BTree<ulong, PointerOrder>.Insert(ref Rows, ptr, edit);
        foreach (var index in Indexes)
            index.Insert(stored, ptr, edit);
        if (UniqueIndexes.Length == 0)
            BTree<IndexEntry<ulong>, EntryOrder<ulong>>.Insert(ref RowHashes, new(Hash(stored), ptr), edit);
        RowCount++;
    }

    /// <summary>Removes a live row from the row set and indexes (its bytes stay in the heap for older versions).</summary>
    public void Unlink(ulong ptr, long edit)
    {
        var row = Heap.Read(ptr);
        if (!BTree<ulong, PointerOrder>.Remove(ref Rows, ptr, edit))
            throw new InvalidOperationException($"Row pointer {ptr:x} is not live in table '{Schema.Name}'.");
        foreach (var index in Indexes)
            index.Remove(row, ptr, edit);
        if (UniqueIndexes.Length == 0)
            BTree<IndexEntry<ulong>, EntryOrder<ulong>>.Remove(ref RowHashes, new(Hash(row), ptr), edit);
        RowCount--;
    }

    /// <summary>
    /// Replaces a live row by new bytes (an update): stores them and moves the row's entries from the
    /// old pointer to the new one. Index entries whose key did not change are re-pointed in place
    /// instead of being removed and re-inserted. The old bytes stay in the heap for older versions.
    /// </summary>
    public ulong Replace(ulong oldPtr, ReadOnlySpan<byte> newRow, long edit)
    {
        var oldRow = Heap.Read(oldPtr); // never overwritten: published, or this transaction's own before End
        var ptr = Heap.Append(newRow, out var stored);
        if (!BTree<ulong, PointerOrder>.Remove(ref Rows, oldPtr, edit))
            throw new InvalidOperationException($"Row pointer {oldPtr:x} is not live in table '{Schema.Name}'.");
        BTree<ulong, PointerOrder>.Insert(ref Rows, ptr, edit);
        foreach (var index in Indexes)
            index.Replace(oldRow, oldPtr, stored, ptr, edit);
        if (UniqueIndexes.Length == 0)
        {
            BTree<IndexEntry<ulong>, EntryOrder<ulong>>.Remove(ref RowHashes, new(Hash(oldRow), oldPtr), edit);
            BTree<IndexEntry<ulong>, EntryOrder<ulong>>.Insert(ref RowHashes, new(Hash(stored), ptr), edit);
        }
        return ptr;
    }

    /// <summary>
    /// Accounts a commit's rows in <see cref="LiveBytes"/> and relocates the live rows of pages that
    /// fell below a quarter full, so deleted rows do not hold memory forever. Older versions keep
    /// the pages they reference (through their own page directory) until the GC reclaims them.
    /// </summary>
    public void AccountAndCompact(List<ulong>? inserted, HashSet<ulong>? insertedRemoved, List<ulong> deleted, long edit)
    {
        if (LiveBytes is null)
        {
            // First commit since start-up: count the current rows once.
            LiveBytes = new int[Heap.Pages.Length];
            var cursor = new BTreeCursor<ulong, PointerOrder>();
            for (cursor.SeekFirst(Rows); cursor.Valid; cursor.MoveNext())
                LiveBytes[RowHeap.PageOf(cursor.Current)] += Heap.StoredSize(Heap.Read(cursor.Current).Length);
        }
        else
        {
            if (LiveBytes.Length < Heap.Pages.Length)
                Array.Resize(ref LiveBytes, Heap.Pages.Length);
            if (inserted is not null)
            {
                foreach (var ptr in inserted)
                {
                    if (insertedRemoved is null || !insertedRemoved.Contains(ptr))
                        LiveBytes[RowHeap.PageOf(ptr)] += Heap.StoredSize(Heap.Read(ptr).Length);
                }
            }
            foreach (var ptr in deleted)
                LiveBytes[RowHeap.PageOf(ptr)] -= Heap.StoredSize(Heap.Read(ptr).Length);
        }

        var last = Heap.PageCount - 1;
        var previous = -1;
        foreach (var ptr in deleted)
        {
            var page = RowHeap.PageOf(ptr);
            if (page == previous || page >= last || Heap.Pages[page] is not { } bytes || LiveBytes[page] * 4L >= bytes.Length)
                continue;
            previous = page;
            Relocate(page, edit);
        }
    }

    private void Relocate(int page, long edit)
    {
        var moving = new List<ulong>();
        var cursor = new BTreeCursor<ulong, PointerOrder>();
        for (cursor.Seek(Rows, (ulong)page << 32); cursor.Valid && RowHeap.PageOf(cursor.Current) == page; cursor.MoveNext())
            moving.Add(cursor.Current);
        foreach (var ptr in moving)
        {
            var row = Heap.Read(ptr); // the old page is never written again, so this span stays valid
            Unlink(ptr, edit);
            var moved = Add(row, edit);
            if (LiveBytes!.Length < Heap.Pages.Length)
                Array.Resize(ref LiveBytes, Heap.Pages.Length);
            LiveBytes[RowHeap.PageOf(moved)] += Heap.StoredSize(row.Length);
        }
        LiveBytes![page] = 0;
        // Published versions share the directory array: drop the page from a copy.
        var pages = (byte[][])Heap.Pages.Clone();
        pages[page] = null!;
        Heap.Pages = pages;
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
