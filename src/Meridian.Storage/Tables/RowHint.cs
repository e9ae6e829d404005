namespace Meridian.Storage.Tables;

/// <summary>
/// The row a transaction's code last read (from a cursor or a point lookup), by table and id. An
/// update or delete of that row then checks the hint against the row's current bytes instead of
/// searching an index: modules iterate and update, or find by key and update, all the time.
/// </summary>
/// <remarks>Only a hint: ids are stable, and every use checks the row is live and has the key.</remarks>
internal sealed class RowHint
{
    public uint Table = uint.MaxValue;
    public uint Row;

    public void Set(uint table, uint row)
    {
        Table = table;
        Row = row;
    }
}
