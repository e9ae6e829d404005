using Meridian.Storage.Schema;

namespace Meridian.Storage.Tables;

/// <summary>One version of the whole datastore: every table's version, by id. Published versions are immutable.</summary>
internal sealed class DbState
{
    public DbState(TableData?[] tables, Dictionary<string, uint> names, uint nextTableId, ulong nextOffset)
    {
        Tables = tables;
        Names = names;
        NextTableId = nextTableId;
        NextOffset = nextOffset;
    }

    public static DbState Empty() => new([], new Dictionary<string, uint>(StringComparer.Ordinal), 0, 0);

    /// <summary>Tables by id; null for ids never used or dropped.</summary>
    public readonly TableData?[] Tables;

    public readonly Dictionary<string, uint> Names;

    public readonly uint NextTableId;

    /// <summary>Offset the next logged transaction will get (one past the last committed offset).</summary>
    public readonly ulong NextOffset;

    public TableData? Table(uint id) => id < (uint)Tables.Length ? Tables[id] : null;

    public IEnumerable<TableSchema> Schemas()
    {
        foreach (var t in Tables)
        {
            if (t is not null)
                yield return t.Schema;
        }
    }
}
