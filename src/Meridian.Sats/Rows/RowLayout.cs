using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using Meridian.Sats.Values;

namespace Meridian.Sats.Rows;

/// <summary>
/// Where each column sits inside a row's BSATN, so storage (index keys, validation) and queries
/// (predicates, join keys) read columns straight from row bytes without decoding the row. Columns
/// preceded only by fixed-size columns have a constant offset, so reading them is a slice; later
/// columns are found by skipping.
/// </summary>
public sealed class RowLayout
{
    private readonly AlgebraicType[] _types;
    private readonly Typespace _typespace;
    private readonly int[] _fixedOffsets; // -1 when the offset depends on earlier variable-size columns
    private readonly int[] _fixedSizes;   // -1 for variable-size columns

    /// <summary>The layout of rows of <paramref name="rowType"/>, whose references resolve in <paramref name="typespace"/>.</summary>
    public RowLayout(ProductType rowType, Typespace typespace)
    {
        _typespace = typespace;
        _types = rowType.Elements.Select(e => e.Type).ToArray();
        _fixedOffsets = new int[_types.Length];
        _fixedSizes = new int[_types.Length];
        var offset = 0;
        for (var i = 0; i < _types.Length; i++)
        {
            _fixedOffsets[i] = offset;
            var size = BsatnSkip.FixedSize(_types[i], _typespace);
            _fixedSizes[i] = size;
            offset = offset >= 0 && size >= 0 ? offset + size : -1;
        }
        RowFixedSize = offset;
        // Integers and floats accept every bit pattern: a row of only those is valid iff its length is right.
        _lengthCheckSuffices = offset >= 0 && _types.All(t => OnlyNumeric(t, _typespace, 0));
        _isString = _types.Select(t => _typespace.Resolve(t).Tag == AlgebraicTypeTag.String).ToArray();
        _isNumeric = _types.Select(t => OnlyNumeric(t, _typespace, 0) && BsatnSkip.FixedSize(t, _typespace) >= 0).ToArray();
    }

    // Per column: a string (u32 length + UTF-8), or numbers only (any bytes of the fixed size are valid).
    // Rows made of these validate and slice without walking the type.
    private readonly bool[] _isString;
    private readonly bool[] _isNumeric;

    private readonly bool _lengthCheckSuffices;

    /// <summary>True when column <paramref name="column"/> holds only numbers (of fixed size): any bytes are a valid value.</summary>
    public bool IsNumeric(int column) => _isNumeric[column];

    private static bool OnlyNumeric(AlgebraicType type, Typespace typespace, int depth)
    {
        if (depth > 32)
            return false;
        type = typespace.Resolve(type);
        return type switch
        {
            ProductType p => p.Elements.All(e => OnlyNumeric(e.Type, typespace, depth + 1)),
            _ => type.Tag is >= AlgebraicTypeTag.I8 and <= AlgebraicTypeTag.F64,
        };
    }

    /// <summary>Encoded size of every row when all columns are fixed-size, else -1.</summary>
    public int RowFixedSize { get; }

    /// <summary>Number of columns.</summary>
    public int ColumnCount => _types.Length;

    /// <summary>The typespace column types resolve in.</summary>
    public Typespace Typespace => _typespace;

    /// <summary>The type of column <paramref name="column"/>, as declared (possibly a reference).</summary>
    public AlgebraicType ColumnType(int column) => _types[column];

    /// <summary>Encoded size of column <paramref name="column"/> when constant, else -1.</summary>
    public int FixedSize(int column) => _fixedSizes[column];

    /// <summary>Offset of a column when it is constant for every row, else -1.</summary>
    public int FixedOffset(int column) => _fixedOffsets[column];

    /// <summary>The BSATN bytes of column <paramref name="column"/> within <paramref name="row"/>.</summary>
    public ReadOnlySpan<byte> Column(ReadOnlySpan<byte> row, int column)
    {
        var at = _fixedOffsets[column];
        var size = _fixedSizes[column];
        if (at >= 0 && size >= 0)
            return row.Slice(at, size);
        if (at >= 0 && _isString[column])
            return row.Slice(at, 4 + (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(row[at..]));
        var reader = new BsatnReader(row);
        for (var i = 0; i < column; i++)
            BsatnSkip.Skip(ref reader, _types[i], _typespace);
        var start = reader.Position;
        BsatnSkip.Skip(ref reader, _types[column], _typespace);
        return reader.Slice(start);
    }

    /// <summary>Start offset and length of column <paramref name="column"/> within <paramref name="row"/>.</summary>
    public (int Start, int Length) ColumnRange(ReadOnlySpan<byte> row, int column)
    {
        var at = _fixedOffsets[column];
        var size = _fixedSizes[column];
        if (at >= 0 && size >= 0)
            return (at, size);
        var reader = new BsatnReader(row);
        for (var i = 0; i < column; i++)
            BsatnSkip.Skip(ref reader, _types[i], _typespace);
        var start = reader.Position;
        BsatnSkip.Skip(ref reader, _types[column], _typespace);
        return (start, reader.Position - start);
    }

    /// <summary>Checks that <paramref name="row"/> is exactly one valid row of this table; throws <see cref="BsatnDecodeException"/> otherwise.</summary>
    public void Validate(ReadOnlySpan<byte> row)
    {
        if (RowFixedSize >= 0 && row.Length != RowFixedSize)
            throw new BsatnDecodeException($"A row of this table is {RowFixedSize} bytes, but {row.Length} were given.", Math.Min(row.Length, RowFixedSize));
        if (_lengthCheckSuffices)
            return;
        if (ValidateSimple(row))
            return;
        var reader = new BsatnReader(row);
        for (var i = 0; i < _types.Length; i++)
        {
            try
            {
                ValidateValue(ref reader, _types[i], 0);
            }
            catch (BsatnDecodeException e)
            {
                throw new BsatnDecodeException($"Column {i}: {e.Message}", e.Offset);
            }
        }
        reader.EnsureAtEnd("row");
    }

    /// <summary>
    /// Validates rows whose columns are all numbers or strings without walking types; false (nothing
    /// decided) for other rows or on any problem, which the full walk then reports precisely.
    /// </summary>
    private bool ValidateSimple(ReadOnlySpan<byte> row)
    {
        var at = 0;
        for (var i = 0; i < _types.Length; i++)
        {
            if (_isNumeric[i])
            {
                at += _fixedSizes[i];
                if (at > row.Length)
                    return false;
            }
            else if (_isString[i])
            {
                if (row.Length - at < 4)
                    return false;
                var length = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(row[at..]);
                at += 4;
                if (length > (uint)(row.Length - at) || !System.Text.Unicode.Utf8.IsValid(row.Slice(at, (int)length)))
                    return false;
                at += (int)length;
            }
            else
            {
                return false;
            }
        }
        return at == row.Length;
    }

    private void ValidateValue(ref BsatnReader reader, AlgebraicType type, int depth)
    {
        if (depth > AlgebraicValue.MaxDepth)
            throw new BsatnDecodeException($"Value nested deeper than {AlgebraicValue.MaxDepth} levels.", reader.Position);
        type = _typespace.Resolve(type);
        switch (type.Tag)
        {
            case AlgebraicTypeTag.String:
            {
                var at = reader.Position;
                if (!System.Text.Unicode.Utf8.IsValid(reader.ReadBytes()))
                    throw new BsatnDecodeException($"Invalid UTF-8 in string at offset {at}.", at);
                return;
            }
            case AlgebraicTypeTag.Bool:
                reader.ReadBool();
                return;
            case AlgebraicTypeTag.Array:
            {
                var element = ((ArrayType)type).ElementType;
                var count = reader.ReadArrayLength(AlgebraicValue.MinEncodedSize(element, _typespace));
                for (var i = 0; i < count; i++)
                    ValidateValue(ref reader, element, depth + 1);
                return;
            }
            case AlgebraicTypeTag.Product:
                foreach (var e in ((ProductType)type).Elements)
                    ValidateValue(ref reader, e.Type, depth + 1);
                return;
            case AlgebraicTypeTag.Sum:
            {
                var variants = ((SumType)type).Variants;
                var tag = reader.ReadSumTag(variants.Count);
                ValidateValue(ref reader, variants[tag].Type, depth + 1);
                return;
            }
            default:
                reader.ReadRaw(type.FixedSize, "value");
                return;
        }
    }
}
