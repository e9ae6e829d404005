using Meridian.Protocol.Messages;
using Meridian.Runtime.Subscriptions;
using Meridian.Sats.Bsatn;

namespace Meridian.Server.Sessions;

/// <summary>
/// Encodes a fan-out's <c>TransactionUpdate</c> once for all the sessions that get the same one. The subscription
/// manager hands every client whose query set holds just one changed query the same list of table changes, and
/// calls the sessions one after another on its loop; so the last encoding, kept per thread and keyed by that list
/// and the client's query set id, serves every subscriber of a query that numbered its set alike.
/// </summary>
internal static class SharedUpdate
{
    [ThreadStatic]
    private static IReadOnlyList<TableDelta>? t_tables;

    [ThreadStatic]
    private static uint t_querySetId;

    [ThreadStatic]
    private static byte[]? t_encoded;

    /// <summary>The message's encoding, shared with the sessions before when they got the same; null for an update of several sets.</summary>
    public static byte[]? Encode(IReadOnlyList<QuerySetDelta> querySets)
    {
        if (querySets.Count != 1)
            return null;
        var set = querySets[0];
        if (ReferenceEquals(t_tables, set.Tables) && t_querySetId == set.QuerySetId && t_encoded is { } cached)
            return cached;
        var writer = new BsatnWriter(256);
        new ServerMessage.TransactionUpdate(Wire.Updates(querySets)).Write(writer);
        var encoded = writer.ToArray();
        t_tables = set.Tables;
        t_querySetId = set.QuerySetId;
        t_encoded = encoded;
        return encoded;
    }
}
