namespace Meridian.Storage.Tables;

/// <summary>
/// A transaction's working copy of one table and what it changed, kept net: a row inserted then
/// deleted in the same transaction is forgotten, and re-inserting the bytes of a committed row the
/// transaction deleted restores that row instead of recording a delete and an insert.
/// </summary>
internal sealed class TableTx
{
    public TableTx(TableData? committed, TableData work, bool track)
    {
        Committed = committed;
        Work = work;
        CommittedEnd = committed?.Heap.End ?? 0;
        if (track)
            Inserted = [];
    }

    /// <summary>The version the transaction started from (null for a table it created).</summary>
    public readonly TableData? Committed;

    public readonly TableData Work;

    /// <summary>Rows at or past this pointer were written by this transaction.</summary>
    public readonly ulong CommittedEnd;

    /// <summary>Rows inserted, in order (null during replay, which builds no changeset).</summary>
    public readonly List<ulong>? Inserted;

    /// <summary>Inserted rows deleted again.</summary>
    public HashSet<ulong>? InsertedRemoved;

    /// <summary>Committed rows deleted, in order (may repeat after a restore; <see cref="DeletedSet"/> is authoritative).</summary>
    public List<ulong>? Deleted;

    public HashSet<ulong>? DeletedSet;

    public bool IsOwnRow(ulong ptr) => ptr >= CommittedEnd;
}
