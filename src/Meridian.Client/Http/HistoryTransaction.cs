namespace Meridian.Client.Http;

/// <summary>One logged transaction, as <c>GET /v1/database/:db/history</c> lists it.</summary>
/// <param name="Offset">Its offset in the commit log.</param>
/// <param name="Time">When it committed.</param>
/// <param name="Reducer">The reducer that ran (<c>init</c>, <c>client_connected</c>, <c>__sql__</c> for SQL DML, ...), null for a schema change.</param>
/// <param name="Caller">The caller's identity, when known.</param>
/// <param name="Error">The reducer's error, when it failed.</param>
/// <param name="RowsInserted">Rows it inserted, over all tables.</param>
/// <param name="RowsDeleted">Rows it deleted, over all tables.</param>
/// <param name="Tables">Per table: its name, rows inserted and rows deleted.</param>
/// <param name="SchemaChanges">
/// What it did to the schema (<c>created table user</c>, ...): a publish or migration, which runs no reducer; empty for most.
/// </param>
public sealed record HistoryTransaction(
    ulong Offset, DateTimeOffset Time, string? Reducer, string? Caller, string? Error, long RowsInserted, long RowsDeleted,
    IReadOnlyList<(string Table, long Inserted, long Deleted)> Tables, IReadOnlyList<string> SchemaChanges);
