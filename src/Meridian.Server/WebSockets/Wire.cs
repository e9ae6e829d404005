using Meridian.Protocol.Messages;
using Meridian.Runtime.Subscriptions;

namespace Meridian.Server.WebSockets;

/// <summary>Turns the database's shared results into wire structures, encoding each shared row set once.</summary>
internal static class Wire
{
    public static BsatnRowList RowList(SharedRows rows)
    {
        if (rows.WireCache is BsatnRowList cached)
            return cached;
        var list = rows.Rows.Count == 0 ? BsatnRowList.Empty : BsatnRowList.FromRows(rows.Rows);
        rows.WireCache = list;
        return list;
    }

    public static List<TableRows> Rows(IReadOnlyList<TableRowsResult> rows) =>
        rows.Select(r => new TableRows(r.TableName, RowList(r.Rows))).ToList();

    public static List<QuerySetUpdate> Updates(IReadOnlyList<QuerySetDelta> sets) =>
        sets.Select(s => new QuerySetUpdate(s.QuerySetId, s.Tables.Select(t => new TableUpdate(t.TableName,
        [
            t.IsEvent
                ? new TableUpdateRows.Event(RowList(t.Inserts))
                : new TableUpdateRows.Persistent(RowList(t.Inserts), RowList(t.Deletes)),
        ])).ToList())).ToList();
}
