using System.Collections;

namespace Meridian.Storage.Changesets;

/// <summary>
/// An immutable list of BSATN rows stored back to back in one buffer, with the start offset of each
/// (the shape of a wire row list). Indexing returns slices; nothing is copied.
/// </summary>
public sealed class RowList : IReadOnlyList<ReadOnlyMemory<byte>>
{
    private readonly byte[] _data;
    private readonly int[] _offsets; // Count + 1 entries; the last is the total length

    internal RowList(byte[] data, int[] offsets)
    {
        _data = data;
        _offsets = offsets;
    }

    /// <summary>A list with no rows.</summary>
    public static RowList Empty { get; } = new([], [0]);

    /// <summary>Number of rows.</summary>
    public int Count => _offsets.Length - 1;

    /// <summary>All rows, concatenated.</summary>
    public ReadOnlyMemory<byte> Data => _data.AsMemory(0, _offsets[^1]);

    /// <summary>Start offset of each row within <see cref="Data"/>.</summary>
    public ReadOnlySpan<int> Offsets => _offsets.AsSpan(0, Count);

    /// <summary>The row at <paramref name="index"/>.</summary>
    public ReadOnlyMemory<byte> this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            return _data.AsMemory(_offsets[index], _offsets[index + 1] - _offsets[index]);
        }
    }

    /// <summary>The row at <paramref name="index"/> as a span.</summary>
    public ReadOnlySpan<byte> Span(int index) => this[index].Span;

    /// <inheritdoc />
    public IEnumerator<ReadOnlyMemory<byte>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
            yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Builds a row list.</summary>
    internal sealed class Builder
    {
        private byte[] _data;
        private int[] _offsets;
        private int _count;
        private int _length;

        public Builder(int rowCapacity = 8, int byteCapacity = 256)
        {
            _data = new byte[Math.Max(byteCapacity, 16)];
            _offsets = new int[Math.Max(rowCapacity, 1) + 1];
        }

        public int Count => _count;

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
        }

        public RowList Build()
        {
            if (_count == 0)
                return Empty;
            var offsets = _offsets.Length == _count + 1 ? _offsets : _offsets.AsSpan(0, _count + 1).ToArray();
            return new RowList(_data, offsets);
        }
    }
}
