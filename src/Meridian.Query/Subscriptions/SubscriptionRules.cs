using Meridian.Query.Catalog;
using Meridian.Query.Sql;

namespace Meridian.Query.Subscriptions;

/// <summary>
/// What live queries accept beyond what the parser checks: any number of inner-joined tables, with
/// conditions on any columns and across tables (indexes are used where they exist, hash lookups where
/// they do not), except that event tables — whose rows exist for one transaction only — cannot be
/// joined.
/// </summary>
internal static class SubscriptionRules
{
    public static void Check(SelectStatement select, IReadOnlyList<SqlTable> tables)
    {
        if (select.Joins.Count > 0 && tables.Any(t => t.Schema.IsEvent))
            throw new SqlException($"Event tables cannot be used in subscription joins ('{tables.First(t => t.Schema.IsEvent).Name}' is an event table).");
        if (tables.Any(t => t.Schema.IsEvent) && select.OrderBy.Count > 0 && (select.Limit is not null || select.Offset is not null))
            throw new SqlException("An event table cannot be windowed: its rows exist for one transaction only.");
    }
}
