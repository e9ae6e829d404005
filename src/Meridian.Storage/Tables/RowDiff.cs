using System.Buffers.Binary;
using Meridian.Sats.Rows;
using Meridian.Sats.Types;
using Meridian.Storage.Schema;

namespace Meridian.Storage.Tables;

/// <summary>
/// Where a row's old and new bytes differ: the first differing byte and the last one (when both rows
/// have the same length; otherwise everything from the first on counts as changed).
/// </summary>
internal readonly record struct RowChange(int First, int Last)
{
    /// <summary>True when the rows are byte for byte the same.</summary>
    public bool Identical => Last < First;

    /// <summary>Compares two rows once, from both ends.</summary>
    public static RowChange Of(ReadOnlySpan<byte> oldRow, ReadOnlySpan<byte> newRow)
    {
        var first = oldRow.CommonPrefixLength(newRow);
        if (oldRow.Length != newRow.Length)
            return new(first, int.MaxValue);
        if (first == oldRow.Length)
            return new(first, first - 1);
        var last = oldRow.Length - 1;
        // The prefix comparison stopped at `first`, so this stops there at the latest.
        while (last - 7 > first
            && BinaryPrimitives.ReadUInt64LittleEndian(oldRow[(last - 7)..]) == BinaryPrimitives.ReadUInt64LittleEndian(newRow[(last - 7)..]))
            last -= 8;
        while (oldRow[last] == newRow[last])
            last--;
        return new(first, last);
    }
}

/// <summary>
/// Per table: what one <see cref="RowChange"/> tells an update without looking at columns. Columns
/// at constant offsets (all of them in fixed-size rows, those before the first variable-size column
/// otherwise) have fixed byte ranges, so an index whose key columns all lie there kept its key when
/// the changed bytes miss its range; and a row of the same length whose changed bytes all lie inside
/// numeric columns (any bit pattern is valid) is as valid as the stored row it was compared with.
/// </summary>
internal sealed class RowDiff
{
    private readonly int[] _keyStart; // per index: start of the key columns' byte hull; -1 when a key column has no fixed range
    private readonly int[] _keyEnd;
    // Within the constant-offset prefix: [i] = bytes in [0, i) that are not inside a numeric column.
    private readonly int[] _nonNumericBefore;

    public RowDiff(RowLayout layout, IReadOnlyList<IndexSchema> indexes)
    {
        var prefix = 0;
        while (prefix < layout.ColumnCount && layout.FixedOffset(prefix) >= 0 && layout.FixedSize(prefix) >= 0)
            prefix++;
        var prefixBytes = prefix == 0 ? 0 : layout.FixedOffset(prefix - 1) + layout.FixedSize(prefix - 1);
        _nonNumericBefore = new int[prefixBytes + 1];
        for (var c = 0; c < prefix; c++)
        {
            var numeric = layout.IsNumeric(c);
            for (int b = layout.FixedOffset(c), end = b + layout.FixedSize(c); b < end; b++)
                _nonNumericBefore[b + 1] = _nonNumericBefore[b] + (numeric ? 0 : 1);
        }
        _keyStart = new int[indexes.Count];
        _keyEnd = new int[indexes.Count];
        for (var i = 0; i < indexes.Count; i++)
        {
            int start = int.MaxValue, end = -1;
            foreach (var c in indexes[i].Columns)
            {
                if (c >= prefix)
                {
                    start = -1;
                    break;
                }
                start = Math.Min(start, layout.FixedOffset(c));
                end = Math.Max(end, layout.FixedOffset(c) + layout.FixedSize(c));
            }
            (_keyStart[i], _keyEnd[i]) = start < 0 || end < 0 ? (-1, -1) : (start, end);
        }
    }

    /// <summary>True when index <paramref name="index"/>'s key is known unchanged; false means "look at the columns".</summary>
    public bool KeyUnchanged(int index, RowChange change)
    {
        var start = _keyStart[index];
        return start >= 0 && (change.First >= _keyEnd[index] || change.Last < start);
    }

    /// <summary>True when the new row is valid because the stored row it was compared with is, and only numeric bytes changed.</summary>
    public bool StaysValid(RowChange change) =>
        change.Last < _nonNumericBefore.Length - 1 && _nonNumericBefore[change.Last + 1] == _nonNumericBefore[change.First];
}
