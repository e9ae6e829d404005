using Meridian.Query.Catalog;
using Meridian.Query.Plans;
using Meridian.Query.Sql;

namespace Meridian.Query.Subscriptions;

/// <summary>
/// What live queries accept beyond what the parser checks: any number of inner-joined tables, with
/// conditions on any columns and across tables (indexes are used where they exist, hash lookups where
/// they do not), except that event tables — whose rows exist for one transaction only — cannot be
/// joined. A view joins as upstream allows it: subscriptions join on indexed columns there, and a view's
/// only index is its primary key, so a joined view needs one and is joined by equalities on it.
/// </summary>
internal static class SubscriptionRules
{
    public static void Check(SelectStatement select, IReadOnlyList<SqlTable> tables)
    {
        if (select.Joins.Count > 0 && tables.Any(t => t.Schema.IsEvent))
            throw new SqlException($"Event tables cannot be used in subscription joins ('{tables.First(t => t.Schema.IsEvent).Name}' is an event table).");
        if (tables.Any(t => t.Schema.IsEvent) && select.OrderBy.Count > 0 && (select.Limit is not null || select.Offset is not null))
            throw new SqlException("An event table cannot be windowed: its rows exist for one transaction only.");
        if (tables.FirstOrDefault(t => t.IsView) is { } view && (select.OrderBy.Count > 0 || select.Limit is not null || select.Offset is not null))
            throw new SqlException($"A subscription that reads view '{view.Name}' cannot order or limit its rows.");
    }

    /// <summary>Checks how a bound live query joins the views it reads (see the class remarks).</summary>
    public static void CheckViews(QueryBlock block)
    {
        if (block.Sources.Count < 2)
            return;
        foreach (var source in block.Sources)
        {
            if (!source.Table.IsView)
                continue;
            var view = source.Table;
            if (view.Schema.PrimaryKey is not int pk)
            {
                throw new SqlException($"View '{view.Name}' has no primary key, so a subscription cannot join it: subscriptions join on indexed "
                    + "columns, and a view's only index is its primary key. Give the view a primary key (PrimaryKey on [View], or return a "
                    + $"query of a table that has one), or subscribe to it alone: SELECT * FROM {view.Name} [WHERE ...].");
            }
            var bit = 1u << source.Number;
            var joined = false;
            foreach (var c in block.Conjuncts)
            {
                if ((c.Sources & bit) == 0 || c.Sources == bit)
                    continue; // not a join condition of this view
                if (c is BoundExpr.Comparison { Op: SqlComparison.Eq, Left: var l, Right: BoundExpr.Column r }
                    && (l.Ref == new ColumnRef(source.Number, pk) && r.Ref.Source != source.Number
                        || r.Ref == new ColumnRef(source.Number, pk) && l.Ref.Source != source.Number))
                {
                    joined = true;
                    continue;
                }
                throw new SqlException($"View '{view.Name}' can be joined only by an equality on its primary key '{view.ColumnNames[pk]}' "
                    + $"(subscriptions join on indexed columns, and a view's only index is its primary key): {Describe(block, c)} is not one.");
            }
            if (!joined)
            {
                throw new SqlException($"View '{view.Name}' is joined without a condition on its primary key '{view.ColumnNames[pk]}': "
                    + $"join it ON {source.Alias}.{view.ColumnNames[pk]} = <a column of the other table>.");
            }
        }
    }

    // A condition with its columns named alias.column, for errors.
    private static string Describe(QueryBlock block, BoundExpr condition)
    {
        var text = condition.ToString();
        foreach (var source in block.Sources)
        {
            for (var column = source.Table.ColumnNames.Count - 1; column >= 0; column--)
                text = text.Replace($"#{source.Number}.{column}", $"{source.Alias}.{source.Table.ColumnNames[column]}", StringComparison.Ordinal);
        }
        return text;
    }
}
