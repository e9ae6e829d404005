using Meridian.Protocol.Messages;
using Meridian.Runtime.Subscriptions;

namespace Meridian.Server.Sessions;

/// <summary>Turns the database's shared results into wire structures; the row lists themselves are shared, not copied.</summary>
internal static class Wire
{
    public static List<TableRows> Rows(IReadOnlyList<TableRowsResult> rows) =>
        rows.Select(r => new TableRows(r.TableName, r.Rows)).ToList();

    // A reducer call whose caller subscribes to nothing it changed (every call of a load generator) has no sets: no
    // iterator and no list for it.
    public static IReadOnlyList<QuerySetUpdate> Updates(IReadOnlyList<QuerySetDelta> sets) => sets.Count == 0 ? [] :
        sets.Select(s => new QuerySetUpdate(s.QuerySetId, s.Tables.Select(t => new TableUpdate(t.TableName,
        [
            t.IsEvent
                ? new TableUpdateRows.Event(t.Inserts)
                : new TableUpdateRows.Persistent(t.Inserts, t.Deletes),
        ])).ToList())).ToList();
}
