using System.Runtime.CompilerServices;

namespace Meridian.Storage.Rows;

/// <summary>
/// Append-only pages of BSATN rows. A row pointer is <c>page &lt;&lt; 32 | offset</c>; rows never move
/// while any version that can see them is alive, so a pointer read from a published version stays
/// valid. Each record is the row's id (u32, so compaction can walk a page and find each record's
/// slot), then, for tables that are not all fixed-size, a LEB128 length, then the BSATN.
/// </summary>
/// <remarks>
/// The page directory is shared between versions: a transaction may fill slots past its base's
/// page count (no published version reads them) and replaces the array only when it must grow.
/// Page numbers only grow within a version's life (a transaction tells its own rows by pointer order), so
/// the directory is a window: slot <c>i</c> holds page <see cref="FirstPage"/> + i. Compaction at commit
/// moves the window past dropped pages (see <see cref="Trim"/>), so its length follows the live pages, not
/// the pages ever made; once the window has moved far, a commit numbers it from 0 again (<see cref="Renumber"/>).
/// Bytes past a version's <see cref="End"/> are scratch: a rolled-back transaction's rows are simply
/// overwritten by the next one. A page left for a new one gets <see cref="EndOfPage"/> as the id of
/// the record that would have come next (when 4 bytes remain), so a walk knows where it ends.
/// </remarks>
internal struct RowHeap
{
    public const int MaxPageSize = 64 * 1024;
    private const int FirstPageSize = 1024;

    /// <summary>Bytes of the row id before each row.</summary>
    public const int IdSize = 4;

    /// <summary>Written where a record's id would be, after the last record of a full page.</summary>
    public const uint EndOfPage = uint.MaxValue;

    /// <summary>The window of pages: <c>Pages[i]</c> is page <see cref="FirstPage"/> + i (null once dropped).</summary>
    public byte[][] Pages;
    /// <summary>Number of the page in <c>Pages[0]</c>; pages below it were all dropped.</summary>
    public int FirstPage;
    /// <summary>Pages ever made: the next page's number.</summary>
    public int PageCount;
    /// <summary>Pointer at which the next row will be written (in the last page).</summary>
    public ulong End;
    public readonly int FixedRowSize;

    public RowHeap(int fixedRowSize)
    {
        Pages = [];
        FirstPage = 0;
        PageCount = 0;
        End = 0;
        FixedRowSize = fixedRowSize;
    }

    public static int PageOf(ulong ptr) => (int)(ptr >> 32);

    public static int OffsetOf(ulong ptr) => (int)(uint)ptr;

    /// <summary>Total bytes of all pages (for memory accounting).</summary>
    public readonly long AllocatedBytes
    {
        get
        {
            long total = 0;
            for (var i = 0; i < PageCount - FirstPage; i++)
                total += Pages[i]?.Length ?? 0;
            return total;
        }
    }

    /// <summary>Slots in use in <see cref="Pages"/> (dropped ones included).</summary>
    public readonly int WindowLength => PageCount - FirstPage;

    /// <summary>The page numbered <paramref name="page"/> (null once dropped).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly byte[] Page(int page) => Pages[page - FirstPage];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ReadOnlySpan<byte> Read(ulong ptr) => Read(Pages, FirstPage, FixedRowSize, ptr);

    /// <summary>Reads a row through a page directory captured earlier (cursors keep the one they started with).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> Read(byte[][] pages, int firstPage, int fixedRowSize, ulong ptr)
    {
        var page = pages[(int)(ptr >> 32) - firstPage];
        var offset = (int)(uint)ptr + IdSize;
        if (fixedRowSize >= 0)
            return page.AsSpan(offset, fixedRowSize);
        var length = ReadVarint(page, ref offset);
        return page.AsSpan(offset, length);
    }

    /// <summary>The id stored with the record at <paramref name="ptr"/>.</summary>
    public readonly uint IdAt(ulong ptr) =>
        System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(Page((int)(ptr >> 32)).AsSpan((int)(uint)ptr));

    /// <summary>The row at <paramref name="ptr"/> as memory: valid as long as a version that can see the row is alive (pages never change under it).</summary>
    public readonly ReadOnlyMemory<byte> ReadMemory(ulong ptr) => ReadMemory(Pages, FirstPage, FixedRowSize, ptr);

    /// <summary>Reads a row as memory through a page directory captured earlier.</summary>
    public static ReadOnlyMemory<byte> ReadMemory(byte[][] pages, int firstPage, int fixedRowSize, ulong ptr)
    {
        var page = pages[(int)(ptr >> 32) - firstPage];
        var offset = (int)(uint)ptr + IdSize;
        if (fixedRowSize >= 0)
            return page.AsMemory(offset, fixedRowSize);
        var length = ReadVarint(page, ref offset);
        return page.AsMemory(offset, length);
    }

    /// <summary>Bytes a record occupies in a page: id, length prefix and row.</summary>
    public readonly int StoredSize(int rowLength) => IdSize + (FixedRowSize >= 0 ? rowLength : VarintSize(rowLength) + rowLength);

    /// <summary>
    /// The record after the one at <paramref name="ptr"/> in the same page (for walking a full page
    /// from offset 0); false past the last record.
    /// </summary>
    public readonly bool NextInPage(ref ulong ptr)
    {
        var page = Page((int)(ptr >> 32));
        var next = (int)(uint)ptr + StoredSize(Read(ptr).Length);
        ptr = (ptr & 0xFFFF_FFFF_0000_0000ul) | (uint)next;
        return HasRecordAt(page, next);
    }

    /// <summary>True when a full page holds a record at <paramref name="offset"/>.</summary>
    public static bool HasRecordAt(byte[] page, int offset) =>
        offset + IdSize <= page.Length && System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(offset)) != EndOfPage;

    /// <summary>
    /// Appends a row as the record of <paramref name="id"/> and returns its pointer;
    /// <paramref name="stored"/> gets the bytes as stored.
    /// </summary>
    public ulong Append(uint id, ReadOnlySpan<byte> row, out Span<byte> stored)
    {
        var need = StoredSize(row.Length);
        var offset = (int)(uint)End;
        if (PageCount == 0 || offset + need > Page(PageCount - 1).Length)
        {
            if (PageCount > 0 && offset + IdSize <= Page(PageCount - 1).Length)
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(Page(PageCount - 1).AsSpan(offset), EndOfPage);
            AddPage(need);
            offset = 0;
        }
        var page = Page(PageCount - 1);
        var ptr = End;
        var at = offset;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(at), id);
        at += IdSize;
        if (FixedRowSize < 0)
            WriteVarint(page, ref at, row.Length);
        stored = page.AsSpan(at, row.Length);
        row.CopyTo(stored);
        End = ptr + (ulong)need;
        return ptr;
    }

    private void AddPage(int need)
    {
        var lastSize = PageCount == 0 ? FirstPageSize / 2 : Page(PageCount - 1).Length;
        var size = Math.Max(Math.Min(lastSize * 2, MaxPageSize), need);
        if (PageCount == int.MaxValue)
            throw new StorageException("The table has used up its page numbers.");
        var used = PageCount - FirstPage;
        if (used == Pages.Length)
        {
            var grown = new byte[Math.Max(4, Pages.Length * 2)][];
            Array.Copy(Pages, grown, used);
            Pages = grown;
        }
        Pages[used] = GC.AllocateUninitializedArray<byte>(size);
        PageCount++;
        End = (ulong)(PageCount - 1) << 32;
    }

    /// <summary>
    /// Replaces the directory with a copy that drops <paramref name="dropped"/> and starts at the first page
    /// still held (at commit; published versions keep the array they share). Returns how far the window moved.
    /// </summary>
    public int Trim(HashSet<int> dropped)
    {
        // Never written in place: readers of older versions may be reading the shared array right now.
        var used = PageCount - FirstPage;
        var skip = 0;
        while (skip < used - 1 && (Pages[skip] is null || dropped.Contains(FirstPage + skip)))
            skip++;
        var kept = used - skip;
        var copy = new byte[Math.Max(4, kept + kept / 2)][];
        Array.Copy(Pages, skip, copy, 0, kept);
        foreach (var page in dropped)
        {
            if (page - FirstPage >= skip)
                copy[page - FirstPage - skip] = null!;
        }
        Pages = copy;
        FirstPage += skip;
        return skip;
    }

    /// <summary>Numbers the window's pages from 0 (the caller re-points every pointer by the same shift).</summary>
    public void Renumber()
    {
        PageCount -= FirstPage;
        End -= (ulong)FirstPage << 32;
        FirstPage = 0;
    }

    /// <summary>Pages in the window that are not dropped.</summary>
    public readonly int HeldPages
    {
        get
        {
            var held = 0;
            for (var i = 0; i < PageCount - FirstPage; i++)
            {
                if (Pages[i] is not null)
                    held++;
            }
            return held;
        }
    }

    public static int VarintSize(int value)
    {
        var v = (uint)value;
        var n = 1;
        while (v >= 0x80)
        {
            v >>= 7;
            n++;
        }
        return n;
    }

    private static void WriteVarint(byte[] page, ref int at, int value)
    {
        var v = (uint)value;
        while (v >= 0x80)
        {
            page[at++] = (byte)(v | 0x80);
            v >>= 7;
        }
        page[at++] = (byte)v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ReadVarint(byte[] page, ref int at)
    {
        uint result = 0;
        var shift = 0;
        while (true)
        {
            var b = page[at++];
            result |= (uint)(b & 0x7f) << shift;
            if (b < 0x80)
                return (int)result;
            shift += 7;
        }
    }
}
