using System.Collections;

namespace Meridian.Sats.Rows;

/// <summary>
/// An immutable list of BSATN rows stored back to back in one buffer: the one row-list type from
/// storage (changesets, the commit log) through queries (results, deltas) to the wire (a
/// <c>BsatnRowList</c> is exactly this buffer plus a size hint). A list is built once and then
/// shared by every reader and every client that receives it; indexing returns slices, nothing is
/// copied.
/// </summary>
public sealed class RowList : IReadOnlyList<ReadOnlyMemory<byte>>
{
    private readonly byte[] _data;
    private readonly int _length;
    private readonly int[]? _offsets; // Count + 1 entries (the last is the length); null when every row has _fixedSize bytes
    private readonly int _fixedSize;

    private RowList(byte[] data, int length, int[]? offsets, int fixedSize, int count)
    {
        _data = data;
        _length = length;
        _offsets = offsets;
        _fixedSize = fixedSize;
        Count = count;
    }

    /// <summary>A list with no rows.</summary>
    public static RowList Empty { get; } = new([], 0, [0], 0, 0);

    /// <summary>Number of rows.</summary>
    public int Count { get; }

    /// <summary>
    /// The size of every row when all rows have the same non-zero size and the list was built to
    /// notice it; 0 otherwise (rows are then located by offsets).
    /// </summary>
    public int FixedRowSize => _fixedSize;

    /// <summary>All rows, concatenated.</summary>
    public ReadOnlyMemory<byte> Data => _data.AsMemory(0, _length);

    /// <summary>Total bytes of all rows.</summary>
    public int ByteLength => _length;

    /// <summary>The row at <paramref name="index"/>.</summary>
    public ReadOnlyMemory<byte> this[int index]
    {
        get
        {
            var (start, length) = Range(index);
            return _data.AsMemory(start, length);
        }
    }

    /// <summary>The row at <paramref name="index"/> as a span.</summary>
    public ReadOnlySpan<byte> Span(int index)
    {
        var (start, length) = Range(index);
        return _data.AsSpan(start, length);
    }

    /// <summary>Where row <paramref name="index"/> starts within <see cref="Data"/>.</summary>
    public int StartOf(int index) => Range(index).Start;

    private (int Start, int Length) Range(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The list has {Count} rows.");
        return _offsets is null
            ? (index * _fixedSize, _fixedSize)
            : (_offsets[index], _offsets[index + 1] - _offsets[index]);
    }

    /// <summary>A list over <paramref name="data"/> holding rows of exactly <paramref name="rowSize"/> bytes each.</summary>
    /// <exception cref="ArgumentException">The data is not a whole number of rows.</exception>
    public static RowList FromFixedSize(byte[] data, int rowSize)
    {
        if (rowSize <= 0 || data.Length % rowSize != 0)
            throw new ArgumentException($"{data.Length} bytes are not a whole number of {rowSize}-byte rows.", nameof(rowSize));
        return data.Length == 0 ? Empty : new RowList(data, data.Length, null, rowSize, data.Length / rowSize);
    }

    /// <summary>A list over <paramref name="data"/> whose rows start at <paramref name="starts"/> (ascending, each within the data).</summary>
    /// <exception cref="ArgumentException">The offsets are out of order or past the data.</exception>
    public static RowList FromOffsets(byte[] data, IReadOnlyList<int> starts)
    {
        if (starts.Count == 0)
        {
            return data.Length == 0 ? Empty
                : throw new ArgumentException($"A list with no rows cannot hold {data.Length} bytes.", nameof(data));
        }
        var offsets = new int[starts.Count + 1];
        for (var i = 0; i < starts.Count; i++)
        {
            var start = starts[i];
            if (start < 0 || start > data.Length || (i > 0 && start < offsets[i - 1]))
                throw new ArgumentException($"Row offset {start} is out of order or past the {data.Length} data bytes.", nameof(starts));
            offsets[i] = start;
        }
        offsets[^1] = data.Length;
        return new RowList(data, data.Length, offsets, 0, starts.Count);
    }

    /// <inheritdoc />
    public IEnumerator<ReadOnlyMemory<byte>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
            yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// Accumulates rows into one buffer. <see cref="Build"/> hands the buffer to the list without a
    /// copy, so a builder must not be used after it built a list.
    /// </summary>
    public sealed class Builder
    {
        private readonly bool _detectFixedSize;
        private byte[] _data;
        private int[] _offsets;
        private int _count;
        private int _length;
        private int _size = -1; // -1: no row yet; -2: sizes differ (or detection is off)

        /// <summary>Creates a builder.</summary>
        /// <param name="rowCapacity">Rows expected.</param>
        /// <param name="byteCapacity">Bytes expected.</param>
        /// <param name="detectFixedSize">
        /// Notice when every row has the same size (so the wire can say <c>FixedSize</c>); false keeps
        /// per-row offsets whatever the sizes.
        /// </param>
        public Builder(int rowCapacity = 8, int byteCapacity = 256, bool detectFixedSize = true)
        {
            _data = new byte[Math.Max(byteCapacity, 16)];
            _offsets = new int[Math.Max(rowCapacity, 1) + 1];
            _detectFixedSize = detectFixedSize;
            if (!detectFixedSize)
                _size = -2;
        }

        /// <summary>Rows added so far.</summary>
        public int Count => _count;

        /// <summary>Appends one row's BSATN.</summary>
        public void Add(ReadOnlySpan<byte> row)
        {
            if (_length + row.Length > _data.Length)
                Array.Resize(ref _data, Math.Max(_data.Length * 2, _length + row.Length));
            if (_count + 2 > _offsets.Length)
                Array.Resize(ref _offsets, _offsets.Length * 2);
            row.CopyTo(_data.AsSpan(_length));
            _offsets[_count] = _length;
            _length += row.Length;
            _count++;
            _offsets[_count] = _length;
            if (_detectFixedSize)
                _size = _size == -1 ? row.Length : _size == row.Length ? _size : -2;
        }

        /// <summary>Appends <paramref name="row"/> <paramref name="times"/> times.</summary>
        public void Add(ReadOnlySpan<byte> row, int times)
        {
            for (var i = 0; i < times; i++)
                Add(row);
        }

        /// <summary>The list of the rows added.</summary>
        public RowList Build()
        {
            if (_count == 0)
                return Empty;
            if (_size > 0)
                return new RowList(_data, _length, null, _size, _count);
            var offsets = _offsets.Length == _count + 1 ? _offsets : _offsets.AsSpan(0, _count + 1).ToArray();
            return new RowList(_data, _length, offsets, 0, _count);
        }
    }
}
