using Meridian.Sats.Values;
using Meridian.Storage.Indexes;
using Meridian.Storage.Schema;
using Meridian.Storage.Tables;

namespace Meridian.Storage;

/// <summary>
/// Read operations shared by a <see cref="Transaction"/> (which sees its own writes) and a
/// <see cref="CommittedState"/> (an immutable committed version). Rows are BSATN; keys are the
/// BSATN of the key columns, concatenated, or an <see cref="AlgebraicValue"/> (a product for
/// multi-column keys). Index ids are positions in <see cref="TableSchema.Indexes"/>.
/// </summary>
public abstract class StateReader
{
    private protected StateReader()
    {
    }

    private protected abstract DbState State { get; }

    /// <summary>The table version reads go to.</summary>
    private protected abstract TableData? ReadTable(uint id);

    /// <summary>Where a writer notes the row its code last read (see <see cref="RowHint"/>); null for readers.</summary>
    private protected virtual RowHint? Hint => null;

    /// <summary>Called before a cursor captures a version, so later writes cannot change what it sees.</summary>
    private protected virtual void OnCursorOpened(uint table)
    {
    }

    private protected TableData TableOrThrow(TableId id) =>
        ReadTable(id.Value) ?? throw new NoSuchTableException($"There is no table with id {id.Value}.");

    private protected static TableIndex IndexOrThrow(TableData table, int index)
    {
        var indexes = table.Indexes;
        if ((uint)index >= (uint)indexes.Length)
            ThrowNoSuchIndex(table, index); // out of line, so this inlines into the write paths
        return indexes[index];
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowNoSuchIndex(TableData table, int index) =>
        throw new NoSuchTableException($"Table '{table.Schema.Name}' has no index {index} (it has {table.Indexes.Length}).");

    /// <summary>Offset the next logged transaction will get.</summary>
    public ulong NextOffset => State.NextOffset;

    /// <summary>Every table, by ascending id.</summary>
    public IReadOnlyList<TableSchema> Tables
    {
        get
        {
            var list = new List<TableSchema>();
            var state = State;
            for (uint i = 0; i < state.NextTableId; i++)
            {
                if (ReadTable(i) is { } t)
                    list.Add(t.Schema);
            }
            return list;
        }
    }

    /// <summary>The table with id <paramref name="id"/>.</summary>
    public TableSchema GetTable(TableId id) => TableOrThrow(id).Schema;

    /// <summary>The table named <paramref name="name"/>.</summary>
    public TableSchema GetTable(string name) =>
        TryGetTable(name, out var schema) ? schema : throw new NoSuchTableException($"There is no table named '{name}'.");

    /// <summary>Looks a table up by name.</summary>
    public bool TryGetTable(string name, out TableSchema schema)
    {
        if (TryGetTableId(name, out var id) && ReadTable(id) is { } t)
        {
            schema = t.Schema;
            return true;
        }
        schema = null!;
        return false;
    }

    private protected virtual bool TryGetTableId(string name, out uint id) => State.Names.TryGetValue(name, out id);

    /// <summary>Number of rows in a table.</summary>
    public long Count(TableId table) => TableOrThrow(table).RowCount;

    /// <summary>All rows of a table, in storage order.</summary>
    public RowCursor Scan(TableId table)
    {
        OnCursorOpened(table.Value);
        var t = TableOrThrow(table);
        return new RowCursor(t, Hint);
    }

    /// <summary>True when a row with exactly these bytes is present.</summary>
    public bool Contains(TableId table, ReadOnlySpan<byte> row) => TableOrThrow(table).TryFindIdentical(row, out _);

    /// <summary>
    /// Finds a row by its full key in index <paramref name="index"/> (the first in key order when the
    /// index is not unique). The span stays valid for the life of this reader.
    /// </summary>
    public bool TryFind(TableId table, int index, ReadOnlySpan<byte> keyBsatn, out ReadOnlySpan<byte> row)
    {
        var t = TableOrThrow(table);
        if (IndexOrThrow(t, index).TryFind(keyBsatn, out var id))
        {
            Hint?.Set(table.Value, id);
            row = t.ReadRow(id);
            return true;
        }
        row = default;
        return false;
    }

    /// <summary>Finds a row by key value (see <see cref="TryFind(TableId, int, ReadOnlySpan{byte}, out ReadOnlySpan{byte})"/>).</summary>
    public bool TryFind(TableId table, int index, AlgebraicValue key, out ReadOnlySpan<byte> row) =>
        TryFind(table, index, key.ToBsatn(), out row);

    /// <summary>Rows whose full key in index <paramref name="index"/> equals <paramref name="keyBsatn"/>.</summary>
    public RowCursor Filter(TableId table, int index, ReadOnlySpan<byte> keyBsatn)
    {
        var t = TableOrThrow(table);
        var idx = IndexOrThrow(t, index);
        var range = IndexScanRange.WithPrefix(keyBsatn.ToArray(), idx.Schema.Columns.Count);
        OnCursorOpened(table.Value);
        return new RowCursor(t, idx.Scan(range), Hint);
    }

    /// <summary>Rows whose key equals <paramref name="key"/>.</summary>
    public RowCursor Filter(TableId table, int index, AlgebraicValue key) => Filter(table, index, key.ToBsatn());

    /// <summary>Rows in a prefix or range of index <paramref name="index"/>, in key order. Hash indexes allow only point scans.</summary>
    public RowCursor ScanIndex(TableId table, int index, IndexScanRange range)
    {
        var t = TableOrThrow(table);
        var idx = IndexOrThrow(t, index);
        if (idx.Schema.Algorithm == IndexAlgorithm.Hash && range.PrefixColumns != idx.Schema.Columns.Count)
            throw new NotSupportedException($"Index '{idx.Schema.Name}' is a hash index: it supports only lookups of a full key, not range or prefix scans.");
        OnCursorOpened(table.Value);
        return new RowCursor(t, idx.Scan(range), Hint);
    }

    /// <summary>Decodes a row of a table.</summary>
    public ProductValue Decode(TableId table, ReadOnlySpan<byte> row)
    {
        var schema = TableOrThrow(table).Schema;
        return (ProductValue)AlgebraicValue.FromBsatn(row, schema.RowType, schema.Typespace);
    }

    /// <summary>Every row of a table, copied (for tests, tools and small tables).</summary>
    public List<byte[]> ReadAll(TableId table) => Scan(table).ToList();
}
