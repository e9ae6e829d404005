namespace Meridian.Storage.Tables;

/// <summary>
/// A transaction's working copy of one table and the rows it touched. The changeset is derived at
/// commit from each touched row's committed bytes and its current bytes, so it is net: a row inserted
/// then deleted is in neither list, a row updated back to its committed bytes is no change, and
/// re-inserting the bytes of a committed row the transaction deleted restores that row.
/// </summary>
internal sealed class TableTx
{
    /// <summary>Marks a touched row that did not exist before the transaction.</summary>
    public const ulong NewRow = ulong.MaxValue;

    public TableTx(TableData? committed, TableData work, bool track)
    {
        Committed = committed;
        Work = work;
        CommittedEnd = committed?.Heap.End ?? 0;
        if (track)
        {
            Touched = _spare ?? [];
            _spare = null;
        }
    }

    // The writer's last finished list, reused (cleared) by the next transaction on this thread.
    [ThreadStatic]
    private static List<TouchedRow>? _spare;

    /// <summary>When the transaction has finished: hands the touched list to the next one (bounded, so a bulk load's is not kept).</summary>
    public void Recycle()
    {
        if (Touched is { } list && list.Capacity <= 16384)
        {
            list.Clear();
            _spare = list;
        }
    }

    /// <summary>The version the transaction started from (null for a table it created).</summary>
    public readonly TableData? Committed;

    public readonly TableData Work;

    /// <summary>Records at or past this pointer were written by this transaction.</summary>
    public readonly ulong CommittedEnd;

    /// <summary>
    /// Rows in the order the transaction first changed them, with their committed pointer (or
    /// <see cref="NewRow"/>). A row appears again only after it was restored (see <see cref="Restored"/>).
    /// Null during replay, which builds no changeset.
    /// </summary>
    public readonly List<TouchedRow>? Touched;

    /// <summary>Committed rows deleted and not restored (a hint: restoring is only possible while positive).</summary>
    public int DeletedCommitted;

    /// <summary>True once a deleted committed row was restored, so <see cref="Touched"/> may repeat a row.</summary>
    public bool Restored;

    public bool IsOwn(ulong ptr) => ptr >= CommittedEnd;
}

/// <summary>A row a transaction changed and the pointer it had when the transaction began.</summary>
internal readonly record struct TouchedRow(uint Row, ulong Committed);
