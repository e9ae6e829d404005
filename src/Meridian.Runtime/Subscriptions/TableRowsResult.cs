using Meridian.Sats.Rows;

namespace Meridian.Runtime.Subscriptions;

/// <summary>The rows of one table in a query result, shared by every client that receives them.</summary>
/// <param name="TableName">Canonical table name.</param>
/// <param name="Rows">The rows (the same list goes on the wire).</param>
public sealed record TableRowsResult(string TableName, RowList Rows);
