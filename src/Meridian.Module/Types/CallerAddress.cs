namespace SpacetimeDB;

/// <summary>
/// The caller's connection as seed-era modules read it, <c>ctx.Address.ConnectionId</c> (0.x modules called the
/// caller's connection its address; 1.x and later read the nullable <c>ctx.ConnectionId</c>, the same value).
/// </summary>
public readonly record struct CallerAddress
{
    /// <summary>Wraps the caller's connection.</summary>
    /// <param name="connectionId">The connection, or null for internal calls.</param>
    public CallerAddress(ConnectionId? connectionId) =>
        ConnectionId = connectionId ?? ConnectionId.FromU128Unchecked(UInt128.Zero);

    /// <summary>
    /// The caller's connection; all zeros for internal calls (scheduled reducers, init), so that
    /// <c>ctx.Address.ConnectionId.ToString()</c> is never null.
    /// </summary>
    public ConnectionId ConnectionId { get; }

    /// <summary>Whether there is a caller connection (false for internal calls).</summary>
    public bool HasConnection => ConnectionId.ToU128() != UInt128.Zero;
}
