using Meridian.Sats.Bsatn;

namespace Meridian.Protocol.Messages;

/// <summary>
/// Rows of one table as concatenated BSATN plus a size hint (protocol.md §4.4): <c>FixedSize(n)</c>
/// when every row has the same non-zero size below 65536, else <c>RowOffsets</c> (the start of each
/// row). Immutable once built, so one list can be shared by every client that receives it.
/// </summary>
public sealed class BsatnRowList
{
    private readonly byte[] _data;
    private readonly ulong[]? _offsets;

    private BsatnRowList(byte[] data, ushort fixedSize, ulong[]? offsets, int count)
    {
        _data = data;
        FixedSize = fixedSize;
        _offsets = offsets;
        Count = count;
    }

    /// <summary>No rows: <c>RowOffsets([])</c> with empty data.</summary>
    public static BsatnRowList Empty { get; } = new([], 0, [], 0);

    /// <summary>Number of rows.</summary>
    public int Count { get; }

    /// <summary>The row size when the hint is FixedSize, else 0.</summary>
    public ushort FixedSize { get; }

    /// <summary>All rows' bytes, concatenated.</summary>
    public ReadOnlyMemory<byte> Data => _data;

    /// <summary>The BSATN of row <paramref name="index"/>.</summary>
    public ReadOnlyMemory<byte> this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            if (FixedSize != 0)
                return _data.AsMemory(index * FixedSize, FixedSize);
            var start = (int)_offsets![index];
            var end = index + 1 < Count ? (int)_offsets[index + 1] : _data.Length;
            return _data.AsMemory(start, end - start);
        }
    }

    /// <summary>Each row's bytes in order.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> Rows()
    {
        for (var i = 0; i < Count; i++)
            yield return this[i];
    }

    /// <summary>Builds a list from rows that are each a complete BSATN value.</summary>
    public static BsatnRowList FromRows(IEnumerable<ReadOnlyMemory<byte>> rows)
    {
        var builder = new Builder();
        foreach (var row in rows)
            builder.Add(row.Span);
        return builder.Build();
    }

    /// <summary>Appends the encoding: size hint, then the data as <c>bytes</c>.</summary>
    public void Write(BsatnWriter w)
    {
        if (FixedSize != 0)
        {
            w.WriteSumTag(0);
            w.WriteU16(FixedSize);
        }
        else
        {
            w.WriteSumTag(1);
            w.WriteArrayLength(_offsets!.Length);
            foreach (var o in _offsets)
                w.WriteU64(o);
        }
        w.WriteBytes(_data);
    }

    /// <summary>Reads a row list, checking the hint against the data.</summary>
    public static BsatnRowList Read(ref BsatnReader r)
    {
        var at = r.Position;
        var tag = r.ReadSumTag(2, "RowSizeHint");
        if (tag == 0)
        {
            var size = r.ReadU16();
            var data = r.ReadBytes().ToArray();
            if (size == 0 || data.Length % size != 0)
                throw new BsatnDecodeException($"FixedSize({size}) at offset {at} does not divide the {data.Length} data bytes.", at);
            return new BsatnRowList(data, size, null, data.Length / size);
        }
        var count = r.ReadArrayLength(8, "row offsets");
        var offsets = new ulong[count];
        for (var i = 0; i < count; i++)
            offsets[i] = r.ReadU64();
        var bytes = r.ReadBytes().ToArray();
        for (var i = 0; i < count; i++)
        {
            if (offsets[i] > (ulong)bytes.Length || (i > 0 && offsets[i] < offsets[i - 1]))
                throw new BsatnDecodeException($"Row offset {offsets[i]} at offset {at} is out of order or past the {bytes.Length} data bytes.", at);
        }
        if (count == 0 && bytes.Length != 0)
            throw new BsatnDecodeException($"RowOffsets([]) at offset {at} came with {bytes.Length} data bytes.", at);
        return new BsatnRowList(bytes, 0, offsets, count);
    }

    /// <summary>Accumulates rows and picks the size hint.</summary>
    public sealed class Builder
    {
        private readonly BsatnWriter _data = new(256);
        private readonly List<ulong> _offsets = [];
        private int _size = -1;

        /// <summary>Rows added so far.</summary>
        public int Count => _offsets.Count;

        /// <summary>Adds one row's BSATN.</summary>
        public void Add(ReadOnlySpan<byte> row)
        {
            _offsets.Add((ulong)_data.Length);
            _data.WriteRaw(row);
            _size = _size == -1 ? row.Length : _size == row.Length ? _size : -2;
        }

        /// <summary>
        /// The list of rows added so far; FixedSize when every row has the same size (unless
        /// <paramref name="preferFixedSize"/> is false), else RowOffsets.
        /// </summary>
        public BsatnRowList Build(bool preferFixedSize = true)
        {
            if (_offsets.Count == 0)
                return Empty;
            var data = _data.ToArray();
            return preferFixedSize && _size is > 0 and <= ushort.MaxValue
                ? new BsatnRowList(data, (ushort)_size, null, _offsets.Count)
                : new BsatnRowList(data, 0, [.. _offsets], _offsets.Count);
        }
    }
}
