using Meridian.Sats.Rows;

namespace Meridian.Runtime.Subscriptions;

/// <summary>One table's changes within a query set, shared by every client subscribed to the query.</summary>
/// <param name="TableName">Canonical table name.</param>
/// <param name="IsEvent">Event table: the inserts are events.</param>
/// <param name="Inserts">Rows that entered the result.</param>
/// <param name="Deletes">Rows that left the result.</param>
public sealed record TableDelta(string TableName, bool IsEvent, RowList Inserts, RowList Deletes);
