using Meridian.Sats.Bsatn;
using Meridian.Sats.Rows;

namespace Meridian.Protocol.Messages;

/// <summary>
/// A <see cref="RowList"/> on the wire as a <c>BsatnRowList</c> (protocol.md §4.4): a size hint —
/// <c>FixedSize(n)</c> when every row has the same non-zero size below 65536, else
/// <c>RowOffsets</c> (the start of each row) — then the rows' bytes. Writing copies the list's
/// buffer once into the frame; nothing is re-encoded.
/// </summary>
public static class RowListWire
{
    /// <summary>Appends the wire encoding of <paramref name="rows"/>.</summary>
    public static void Write(BsatnWriter w, RowList rows)
    {
        if (rows.FixedRowSize is > 0 and <= ushort.MaxValue)
        {
            w.WriteSumTag(0);
            w.WriteU16((ushort)rows.FixedRowSize);
        }
        else
        {
            w.WriteSumTag(1);
            w.WriteArrayLength(rows.Count);
            for (var i = 0; i < rows.Count; i++)
                w.WriteU64((ulong)rows.StartOf(i));
        }
        w.WriteBytes(rows.Data.Span);
    }

    /// <summary>Reads a row list, checking the hint against the data.</summary>
    public static RowList Read(ref BsatnReader r)
    {
        var at = r.Position;
        var tag = r.ReadSumTag(2, "RowSizeHint");
        if (tag == 0)
        {
            var size = r.ReadU16();
            var data = r.ReadBytes().ToArray();
            if (size == 0 || data.Length % size != 0)
                throw new BsatnDecodeException($"FixedSize({size}) at offset {at} does not divide the {data.Length} data bytes.", at);
            return RowList.FromFixedSize(data, size);
        }
        var count = r.ReadArrayLength(8, "row offsets");
        var offsets = new ulong[count];
        for (var i = 0; i < count; i++)
            offsets[i] = r.ReadU64();
        var bytes = r.ReadBytes().ToArray();
        var starts = new int[count];
        for (var i = 0; i < count; i++)
        {
            if (offsets[i] > (ulong)bytes.Length || (i > 0 && offsets[i] < offsets[i - 1]))
                throw new BsatnDecodeException($"Row offset {offsets[i]} at offset {at} is out of order or past the {bytes.Length} data bytes.", at);
            starts[i] = (int)offsets[i];
        }
        if (count == 0 && bytes.Length != 0)
            throw new BsatnDecodeException($"RowOffsets([]) at offset {at} came with {bytes.Length} data bytes.", at);
        return RowList.FromOffsets(bytes, starts);
    }
}
