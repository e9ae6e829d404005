using System.Buffers;
using Meridian.Query.Subscriptions;
using Meridian.Sats.Rows;
using Meridian.Storage;
using Meridian.Storage.Schema;
using Meridian.Storage.Indexes;
using SpacetimeDB.Internal;

namespace Meridian.Runtime.Views;

/// <summary>
/// What a view's read-only <c>ctx.Db</c> reaches: reads of one committed version, each recorded as a
/// trigger so the view is re-run only by commits that can change what it read. A lookup of one
/// column's value (a unique <c>Find</c>, or a btree <c>Filter</c> on one column) records that value:
/// only a changed row holding it can change the answer; counts, ranges and multi-column keys record
/// the whole table. Writes throw: views cannot change data.
/// </summary>
internal sealed class ViewReadHost(StateReader state, IReadOnlyList<TableId> tableIds, Func<TableId, RowLayout> layouts, SpacetimeDB.Identity databaseIdentity)
    : IDatabaseHost
{
    private readonly HashSet<TableId> _wholeTables = [];
    private readonly Dictionary<(TableId Table, int Column), HashSet<ByteKey>> _values = [];

    public SpacetimeDB.Identity DatabaseIdentity => databaseIdentity;

    /// <summary>The triggers of everything read so far: a table read whole subsumes its value lookups.</summary>
    public List<QueryTrigger> Triggers()
    {
        var triggers = _wholeTables.Select(t => new QueryTrigger(t, null, -1, null)).ToList();
        foreach (var ((table, column), values) in _values)
        {
            if (_wholeTables.Contains(table))
                continue;
            var layout = layouts(table);
            triggers.AddRange(values.Select(v => new QueryTrigger(table, layout, column, v.Bytes.ToArray())));
        }
        return triggers;
    }

    private TableId Table(int table) => (uint)table < (uint)tableIds.Count
        ? tableIds[table]
        : throw new SpacetimeDB.NoSuchTableException($"The module has no table {table}.");

    private void ReadWhole(TableId table) => _wholeTables.Add(table);

    private void ReadValue(TableId table, int index, ReadOnlySpan<byte> key, int keyColumns)
    {
        var columns = state.GetTable(table).Indexes[index].Columns;
        if (keyColumns != 1)
        {
            // The first column's bytes are not delimited inside a longer key: read the table whole.
            ReadWhole(table);
            return;
        }
        if (!_values.TryGetValue((table, columns[0]), out var set))
            _values[(table, columns[0])] = set = [];
        set.Add(new ByteKey(key.ToArray()));
    }

    public ulong TableCount(int table)
    {
        var id = Table(table);
        ReadWhole(id);
        return (ulong)state.Count(id);
    }

    public IReadOnlyList<ReadOnlyMemory<byte>> TableScan(int table)
    {
        var id = Table(table);
        ReadWhole(id);
        return Collect(state.Scan(id));
    }

    public IReadOnlyList<ReadOnlyMemory<byte>> IndexScanPoint(int table, int index, ReadOnlySpan<byte> key, int keyColumns)
    {
        var id = Table(table);
        ReadValue(id, index, key, keyColumns);
        return Collect(state.ScanIndex(id, index, Storage.Indexes.IndexScanRange.WithPrefix(key.ToArray(), keyColumns)));
    }

    public IReadOnlyList<ReadOnlyMemory<byte>> IndexScanRange(
        int table, int index, ReadOnlySpan<byte> prefix, int prefixColumns, ReadOnlySpan<byte> min, ReadOnlySpan<byte> max)
    {
        var id = Table(table);
        ReadWhole(id);
        var range = new Storage.Indexes.IndexScanRange(prefix.ToArray(), prefixColumns, KeyBound.Inclusive(min.ToArray()), KeyBound.Inclusive(max.ToArray()));
        return Collect(state.ScanIndex(id, index, range));
    }

    public bool UniqueFind(int table, int index, ReadOnlySpan<byte> key, out ReadOnlyMemory<byte> row)
    {
        var id = Table(table);
        ReadValue(id, index, key, 1);
        if (state.TryFind(id, index, key, out var found))
        {
            row = found.ToArray();
            return true;
        }
        row = default;
        return false;
    }

    public void Insert(int table, ReadOnlySpan<byte> row, IBufferWriter<byte> generatedColumns) => throw ReadOnly();

    public bool Delete(int table, ReadOnlySpan<byte> row) => throw ReadOnly();

    public ulong Clear(int table) => throw ReadOnly();

    public ulong IndexDeletePoint(int table, int index, ReadOnlySpan<byte> key, int keyColumns) => throw ReadOnly();

    public ulong IndexDeleteRange(int table, int index, ReadOnlySpan<byte> prefix, int prefixColumns, ReadOnlySpan<byte> min, ReadOnlySpan<byte> max) =>
        throw ReadOnly();

    public bool UniqueDelete(int table, int index, ReadOnlySpan<byte> key) => throw ReadOnly();

    public void UniqueUpdate(int table, int index, ReadOnlySpan<byte> row, IBufferWriter<byte> generatedColumns) => throw ReadOnly();

    public void Log(SpacetimeDB.Internal.LogLevel level, string message, string target, string file, int line)
    {
        // Views run again whenever what they read changes; their log lines would repeat without meaning.
    }

    private static InvalidOperationException ReadOnly() => new("Views are read-only: they cannot insert, update or delete rows.");

    private static List<ReadOnlyMemory<byte>> Collect(RowCursor cursor)
    {
        var rows = new List<ReadOnlyMemory<byte>>();
        while (cursor.MoveNext())
            rows.Add(cursor.Current.ToArray());
        return rows;
    }
}
