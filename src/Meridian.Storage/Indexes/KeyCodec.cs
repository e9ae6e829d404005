using System.Buffers.Binary;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using Meridian.Storage.Rows;
using Meridian.Sats.Rows;

namespace Meridian.Storage.Indexes;

/// <summary>Bounds of a scan, already translated into the index's key type.</summary>
internal struct RangeSpec<TKey>
{
    public bool IsEmpty;
    public bool HasLower;
    public TKey Lower;
    public bool LowerInclusive;
    public bool HasUpper;
    public TKey Upper;
    public bool UpperInclusive;
}

/// <summary>Turns rows, BSATN keys and scan ranges into one index's compact key type.</summary>
internal abstract class KeyCodec<TKey>
    where TKey : struct, IComparable<TKey>
{
    protected KeyCodec(RowLayout layout, IReadOnlyList<int> columns)
    {
        Layout = layout;
        Columns = columns.ToArray();
    }

    protected RowLayout Layout { get; }

    protected int[] Columns { get; }

    /// <summary>The key of a stored row.</summary>
    public abstract TKey FromRow(ReadOnlySpan<byte> row);

    /// <summary>True when two rows hold the same bytes in every key column (so their keys are equal); allocation-free.</summary>
    public bool SameKeyColumns(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        foreach (var c in Columns)
        {
            if (!Layout.Column(a, c).SequenceEqual(Layout.Column(b, c)))
                return false;
        }
        return true;
    }

    /// <summary>A key given as the BSATN of all key columns, concatenated.</summary>
    public abstract TKey FromKey(ReadOnlySpan<byte> keyBsatn);

    /// <summary>
    /// Translates a scan range. This default serves single-column keys, where the key is the
    /// column's value: a one-column prefix is a point, otherwise the bounds apply to the column.
    /// </summary>
    public virtual RangeSpec<TKey> Range(in IndexScanRange range)
    {
        CheckPrefixColumns(range);
        if (range.PrefixColumns == 1)
            return Point(FromKey(range.Prefix.Span));
        var spec = new RangeSpec<TKey>();
        if (range.Lower.Kind != BoundKind.Unbounded)
        {
            spec.HasLower = true;
            spec.Lower = FromKey(range.Lower.Value.Span);
            spec.LowerInclusive = range.Lower.Kind == BoundKind.Inclusive;
        }
        if (range.Upper.Kind != BoundKind.Unbounded)
        {
            spec.HasUpper = true;
            spec.Upper = FromKey(range.Upper.Value.Span);
            spec.UpperInclusive = range.Upper.Kind == BoundKind.Inclusive;
        }
        return spec;
    }

    protected static RangeSpec<TKey> Point(TKey key) => new()
    {
        HasLower = true, Lower = key, LowerInclusive = true,
        HasUpper = true, Upper = key, UpperInclusive = true,
    };

    protected void CheckPrefixColumns(in IndexScanRange range)
    {
        if (range.PrefixColumns > Columns.Length)
            throw new ArgumentException($"The scan gives {range.PrefixColumns} prefix column(s), but the index has {Columns.Length} key column(s).");
        if (range.PrefixColumns == Columns.Length && (range.Lower.Kind != BoundKind.Unbounded || range.Upper.Kind != BoundKind.Unbounded))
            throw new ArgumentException("The scan's prefix covers every key column, so it cannot also bound a next column.");
    }
}

/// <summary>Keys of one integer or bool column of at most 32 bits, mapped order-preservingly to <c>uint</c>.</summary>
internal sealed class U32KeyCodec : KeyCodec<uint>
{
    private readonly AlgebraicTypeTag _tag;
    private readonly int _size;

    public U32KeyCodec(RowLayout layout, int column)
        : base(layout, [column])
    {
        _tag = layout.ColumnType(column).Tag;
        _size = layout.ColumnType(column).FixedSize;
    }

    public static bool Supports(AlgebraicTypeTag tag) => tag is AlgebraicTypeTag.Bool or AlgebraicTypeTag.U8 or AlgebraicTypeTag.I8
        or AlgebraicTypeTag.U16 or AlgebraicTypeTag.I16 or AlgebraicTypeTag.U32 or AlgebraicTypeTag.I32;

    public override uint FromRow(ReadOnlySpan<byte> row) => Convert(Layout.Column(row, Columns[0]));

    public override uint FromKey(ReadOnlySpan<byte> keyBsatn)
    {
        if (keyBsatn.Length != _size)
            throw new BsatnDecodeException($"A {_tag} key is {_size} byte(s), but {keyBsatn.Length} were given.", 0);
        if (_tag == AlgebraicTypeTag.Bool && keyBsatn[0] > 1)
            throw new BsatnDecodeException($"Invalid bool byte 0x{keyBsatn[0]:x2} in key.", 0);
        return Convert(keyBsatn);
    }

    private uint Convert(ReadOnlySpan<byte> v) => _tag switch
    {
        AlgebraicTypeTag.Bool or AlgebraicTypeTag.U8 => v[0],
        AlgebraicTypeTag.I8 => (uint)(sbyte)v[0] ^ 0x8000_0000u,
        AlgebraicTypeTag.U16 => BinaryPrimitives.ReadUInt16LittleEndian(v),
        AlgebraicTypeTag.I16 => (uint)BinaryPrimitives.ReadInt16LittleEndian(v) ^ 0x8000_0000u,
        AlgebraicTypeTag.U32 => BinaryPrimitives.ReadUInt32LittleEndian(v),
        _ => BinaryPrimitives.ReadUInt32LittleEndian(v) ^ 0x8000_0000u,
    };
}

/// <summary>Keys of one 64-bit integer column, mapped order-preservingly to <c>ulong</c>.</summary>
internal sealed class U64KeyCodec : KeyCodec<ulong>
{
    private readonly bool _signed;

    public U64KeyCodec(RowLayout layout, int column)
        : base(layout, [column]) => _signed = layout.ColumnType(column).Tag == AlgebraicTypeTag.I64;

    public static bool Supports(AlgebraicTypeTag tag) => tag is AlgebraicTypeTag.U64 or AlgebraicTypeTag.I64;

    public override ulong FromRow(ReadOnlySpan<byte> row) => Convert(Layout.Column(row, Columns[0]));

    public override ulong FromKey(ReadOnlySpan<byte> keyBsatn)
    {
        if (keyBsatn.Length != 8)
            throw new BsatnDecodeException($"A 64-bit key is 8 bytes, but {keyBsatn.Length} were given.", 0);
        return Convert(keyBsatn);
    }

    private ulong Convert(ReadOnlySpan<byte> v)
    {
        var raw = BinaryPrimitives.ReadUInt64LittleEndian(v);
        return _signed ? raw ^ 0x8000_0000_0000_0000ul : raw;
    }
}

/// <summary>Keys of one string column: its UTF-8 bytes, compared lexicographically (no escaping needed for one column).</summary>
internal sealed class StringKeyCodec : KeyCodec<BytesKey>
{
    public StringKeyCodec(RowLayout layout, int column)
        : base(layout, [column])
    {
    }

    public override BytesKey FromRow(ReadOnlySpan<byte> row) => new(Layout.Column(row, Columns[0])[4..].ToArray());

    public override BytesKey FromKey(ReadOnlySpan<byte> keyBsatn)
    {
        var reader = new BsatnReader(keyBsatn);
        var bytes = reader.ReadBytes();
        reader.EnsureAtEnd("string key");
        return new(bytes.ToArray());
    }
}

/// <summary>Any key (several columns, or types without a specialisation) in the ordered byte encoding of <see cref="KeyEncoding"/>.</summary>
internal sealed class OrderedKeyCodec : KeyCodec<BytesKey>
{
    public OrderedKeyCodec(RowLayout layout, IReadOnlyList<int> columns)
        : base(layout, columns)
    {
    }

    public override BytesKey FromRow(ReadOnlySpan<byte> row)
    {
        var w = KeyEncoding.Scratch();
        foreach (var c in Columns)
        {
            var reader = new BsatnReader(Layout.Column(row, c));
            KeyEncoding.Append(ref reader, Layout.ColumnType(c), Layout.Typespace, w);
        }
        return new(w.ToArray());
    }

    public override BytesKey FromKey(ReadOnlySpan<byte> keyBsatn)
    {
        var w = KeyEncoding.Scratch();
        var reader = new BsatnReader(keyBsatn);
        foreach (var c in Columns)
            KeyEncoding.Append(ref reader, Layout.ColumnType(c), Layout.Typespace, w);
        reader.EnsureAtEnd("key");
        return new(w.ToArray());
    }

    private byte[] EncodePrefix(ReadOnlySpan<byte> prefixBsatn, int columns, ReadOnlySpan<byte> next, bool withNext)
    {
        var w = KeyEncoding.Scratch();
        var reader = new BsatnReader(prefixBsatn);
        for (var i = 0; i < columns; i++)
            KeyEncoding.Append(ref reader, Layout.ColumnType(Columns[i]), Layout.Typespace, w);
        reader.EnsureAtEnd("key prefix");
        if (withNext)
        {
            var nextReader = new BsatnReader(next);
            KeyEncoding.Append(ref nextReader, Layout.ColumnType(Columns[columns]), Layout.Typespace, w);
            nextReader.EnsureAtEnd("bound");
        }
        return w.ToArray();
    }

    public override RangeSpec<BytesKey> Range(in IndexScanRange range)
    {
        CheckPrefixColumns(range);
        var k = range.PrefixColumns;
        var prefix = EncodePrefix(range.Prefix.Span, k, default, withNext: false);
        var spec = new RangeSpec<BytesKey>();

        // Every encoding is self-delimiting, so "column k+1 compared with v" becomes a comparison of the
        // full key with prefix+enc(v) or with the first string after all keys that start with it.
        switch (range.Lower.Kind)
        {
            case BoundKind.Unbounded:
                spec.HasLower = prefix.Length > 0;
                spec.Lower = new(prefix);
                spec.LowerInclusive = true;
                break;
            case BoundKind.Inclusive:
                spec.HasLower = true;
                spec.Lower = new(EncodePrefix(range.Prefix.Span, k, range.Lower.Value.Span, withNext: true));
                spec.LowerInclusive = true;
                break;
            case BoundKind.Exclusive:
            {
                var succ = KeyEncoding.PrefixSuccessor(EncodePrefix(range.Prefix.Span, k, range.Lower.Value.Span, withNext: true));
                if (succ is null)
                    return new RangeSpec<BytesKey> { IsEmpty = true };
                spec.HasLower = true;
                spec.Lower = new(succ);
                spec.LowerInclusive = true;
                break;
            }
        }

        byte[]? upper;
        switch (range.Upper.Kind)
        {
            case BoundKind.Unbounded:
                upper = prefix.Length > 0 ? KeyEncoding.PrefixSuccessor(prefix) : null;
                break;
            case BoundKind.Inclusive:
                upper = KeyEncoding.PrefixSuccessor(EncodePrefix(range.Prefix.Span, k, range.Upper.Value.Span, withNext: true));
                break;
            default:
                upper = EncodePrefix(range.Prefix.Span, k, range.Upper.Value.Span, withNext: true);
                break;
        }
        if (upper is not null)
        {
            spec.HasUpper = true;
            spec.Upper = new(upper);
            spec.UpperInclusive = false;
        }
        return spec;
    }
}
