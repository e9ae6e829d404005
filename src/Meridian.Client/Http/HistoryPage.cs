namespace Meridian.Client.Http;

/// <summary>A run of a database's transactions (<c>GET /v1/database/:db/history</c>).</summary>
/// <param name="Database">The database's name.</param>
/// <param name="LastOffset">The offset of its latest transaction, or null when it has none.</param>
/// <param name="Transactions">The transactions, oldest first.</param>
/// <param name="Json">The server's answer as it came.</param>
public sealed record HistoryPage(string Database, ulong? LastOffset, IReadOnlyList<HistoryTransaction> Transactions, string Json);
