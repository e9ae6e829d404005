using System.Runtime.CompilerServices;

namespace Meridian.Storage.Rows;

/// <summary>
/// Append-only pages of BSATN rows. A row pointer is <c>page &lt;&lt; 32 | offset</c>; rows never move
/// while any version that can see them is alive, so a pointer read from a published version stays
/// valid. Rows of fixed-size tables are stored bare; others carry a LEB128 length prefix.
/// </summary>
/// <remarks>
/// The page directory is shared between versions: a transaction may fill slots past its base's
/// page count (no published version reads them) and replaces the array only when it must grow.
/// Bytes past a version's <see cref="End"/> are scratch: a rolled-back transaction's rows are simply
/// overwritten by the next one.
/// </remarks>
internal struct RowHeap
{
    public const int MaxPageSize = 64 * 1024;
    private const int FirstPageSize = 1024;

    public byte[][] Pages;
    public int PageCount;
    /// <summary>Pointer at which the next row will be written (in the last page).</summary>
    public ulong End;
    public readonly int FixedRowSize;

    public RowHeap(int fixedRowSize)
    {
        Pages = [];
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
            for (var i = 0; i < PageCount; i++)
                total += Pages[i]?.Length ?? 0;
            return total;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ReadOnlySpan<byte> Read(ulong ptr)
    {
        var page = Pages[(int)(ptr >> 32)];
        var offset = (int)(uint)ptr;
        if (FixedRowSize >= 0)
            return page.AsSpan(offset, FixedRowSize);
        var length = ReadVarint(page, ref offset);
        return page.AsSpan(offset, length);
    }

    /// <summary>The row at <paramref name="ptr"/> as memory: valid as long as a version that can see the row is alive (pages never change under it).</summary>
    public readonly ReadOnlyMemory<byte> ReadMemory(ulong ptr)
    {
        var page = Pages[(int)(ptr >> 32)];
        var offset = (int)(uint)ptr;
        if (FixedRowSize >= 0)
            return page.AsMemory(offset, FixedRowSize);
        var length = ReadVarint(page, ref offset);
        return page.AsMemory(offset, length);
    }

    /// <summary>Bytes a row occupies in a page, prefix included.</summary>
    public readonly int StoredSize(int rowLength) => FixedRowSize >= 0 ? rowLength : VarintSize(rowLength) + rowLength;

    /// <summary>Appends a row and returns its pointer; <paramref name="stored"/> gets the bytes as stored.</summary>
    public ulong Append(ReadOnlySpan<byte> row, out Span<byte> stored)
    {
        var need = StoredSize(row.Length);
        var offset = (int)(uint)End;
        if (PageCount == 0 || offset + need > Pages[PageCount - 1].Length)
        {
            AddPage(need);
            offset = 0;
        }
        var page = Pages[PageCount - 1];
        var ptr = End;
        var at = offset;
        if (FixedRowSize < 0)
            WriteVarint(page, ref at, row.Length);
        stored = page.AsSpan(at, row.Length);
        row.CopyTo(stored);
        End = ptr + (ulong)need;
        return ptr;
    }

    private void AddPage(int need)
    {
        var lastSize = PageCount == 0 ? FirstPageSize / 2 : Pages[PageCount - 1].Length;
        var size = Math.Max(Math.Min(lastSize * 2, MaxPageSize), need);
        if (PageCount == Pages.Length)
        {
            var grown = new byte[Math.Max(4, Pages.Length * 2)][];
            Array.Copy(Pages, grown, PageCount);
            Pages = grown;
        }
        Pages[PageCount] = GC.AllocateUninitializedArray<byte>(size);
        PageCount++;
        End = (ulong)(PageCount - 1) << 32;
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
