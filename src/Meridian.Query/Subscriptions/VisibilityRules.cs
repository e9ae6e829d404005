using Meridian.Query.Catalog;
using Meridian.Query.Plans;
using Meridian.Query.Sql;
using Meridian.Sats;
using Meridian.Storage.Schema;

namespace Meridian.Query.Subscriptions;

/// <summary>
/// A database's client visibility filters (row-level security): per table, the SQL rules whose rows
/// a client other than the owner may see (several rules on one table are OR-ed). Every subscription,
/// one-off query and SQL SELECT of a non-owner reads a protected table through its rules, with
/// <c>:sender</c> bound to that client. Rules read tables as the owner does (a rule may join a private
/// table), and do not apply to one another.
/// </summary>
public sealed class VisibilityRules
{
    private readonly IReadOnlyDictionary<TableId, IReadOnlyList<string>> _rules;

    private VisibilityRules(IReadOnlyDictionary<TableId, IReadOnlyList<string>> rules) => _rules = rules;

    /// <summary>No rules: every client sees every row of the tables it may read.</summary>
    public static VisibilityRules None { get; } = new(new Dictionary<TableId, IReadOnlyList<string>>());

    /// <summary>True when some table has rules.</summary>
    public bool Any => _rules.Count > 0;

    /// <summary>The rules of <paramref name="table"/> (none: every row visible).</summary>
    public IReadOnlyList<string> For(TableId table) => _rules.TryGetValue(table, out var rules) ? rules : [];

    /// <summary>Checks each rule against the catalog and groups them by the table they protect.</summary>
    /// <exception cref="SqlException">A rule is not valid SQL of the subscription dialect returning whole rows of one table; the message quotes it.</exception>
    public static VisibilityRules Compile(IEnumerable<string> rules, ISqlCatalog catalog)
    {
        var byTable = new Dictionary<TableId, List<string>>();
        foreach (var sql in rules)
        {
            SubscriptionQuery query;
            try
            {
                // :sender takes a placeholder identity here: only the rule's shape is checked.
                query = SubscriptionQuery.Compile(sql, catalog, Identity.Zero, isOwner: true);
            }
            catch (SqlException e)
            {
                throw new SqlException($"The visibility filter \"{sql}\" is not valid: {e.Message}", e);
            }
            if (query.IsWindow)
                throw new SqlException($"The visibility filter \"{sql}\" cannot have ORDER BY, LIMIT or OFFSET.");
            var table = query.Table.Schema.Id;
            if (!byTable.TryGetValue(table, out var list))
                byTable[table] = list = [];
            list.Add(sql);
        }
        return new VisibilityRules(byTable.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value));
    }

    /// <summary>The filters of <paramref name="sources"/> for one client (null for unprotected sources).</summary>
    internal VisibilityFilter?[] FiltersFor(IReadOnlyList<PlanSource> sources, ISqlCatalog catalog, Identity sender)
    {
        var filters = new VisibilityFilter?[sources.Count];
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i].Table.IsView)
                continue; // a view's rows are the module's answer for the caller; rules apply to tables
            var table = sources[i].Table.Schema.Id;
            var rules = For(table);
            if (rules.Count > 0)
                filters[i] = new VisibilityFilter(table, rules.Select(r => SubscriptionQuery.Compile(r, catalog, sender, isOwner: true)).ToList());
        }
        return filters;
    }
}
