using Meridian.Query.Catalog;
using Meridian.Query.Sql;

namespace Meridian.Query.Subscriptions;

/// <summary>
/// What live queries accept today, checked on the statement before it is bound. The engine
/// underneath (plans and delta rules) handles any inner join; these rules keep subscriptions to
/// upstream's shape until the wider forms are tested end to end: one table, or two joined by one
/// equality between indexed columns, with each AND-ed WHERE condition reading one table.
/// </summary>
internal static class SubscriptionRules
{
    public static void Check(SelectStatement select, IReadOnlyList<SqlTable> tables)
    {
        if (select.Joins.Count == 0)
            return;
        var join = select.Joins[0];
        if (join.On is null)
            throw new SqlException("Subscriptions require indexes on join columns: a join needs ON left.column = right.column.");
        var (leftRef, left) = (select.From, tables[0]);
        var (rightRef, right) = (join.Table, tables[1]);
        if (leftRef.EffectiveAlias == rightRef.EffectiveAlias)
            throw new SqlException("Both sides of a join need distinct names: give one of them an alias.");
        if (left.Schema.IsEvent || right.Schema.IsEvent)
            throw new SqlException("Event tables cannot be used in subscription joins.");
        var projected = ((SqlProjection.Star)select.Projection).Table;
        if (projected != leftRef.EffectiveAlias && projected != rightRef.EffectiveAlias)
            throw new SqlException($"Unknown table or alias '{projected}' in '{projected}.*'.");

        if (join.On is not SqlExpr.Compare { Op: SqlComparison.Eq, Left: SqlExpr.Column a, Right: SqlExpr.Column b })
            throw new SqlException("A subscription join's ON must be one equality between a column of each table, e.g. ON a.id = b.a_id.");
        if (a.Table is null || b.Table is null)
            throw new SqlException("Names must be qualified when using joins.");
        if (a.Table == rightRef.EffectiveAlias && b.Table == leftRef.EffectiveAlias)
            (a, b) = (b, a);
        if (a.Table != leftRef.EffectiveAlias || b.Table != rightRef.EffectiveAlias)
            throw new SqlException($"The join condition must compare a column of '{leftRef.EffectiveAlias}' with a column of '{rightRef.EffectiveAlias}'.");
        var leftColumn = ColumnOf(left, a);
        var rightColumn = ColumnOf(right, b);
        if (!left.Schema.ColumnTypes[leftColumn].Equals(right.Schema.ColumnTypes[rightColumn]))
            throw new SqlException($"Cannot join {a} with {b}: their types differ.");
        if (!HasSingleColumnIndex(left, leftColumn))
            throw new SqlException($"Subscriptions require indexes on join columns: '{a}' has no index.");
        if (!HasSingleColumnIndex(right, rightColumn))
            throw new SqlException($"Subscriptions require indexes on join columns: '{b}' has no index.");

        foreach (var conjunct in Conjuncts(select.Where))
        {
            var qualifiers = Qualifiers(conjunct);
            if (qualifiers.Contains(null))
                throw new SqlException("Names must be qualified when using joins.");
            if (qualifiers.Count > 1)
                throw new SqlException("Each AND-ed condition of a join subscription must read columns of one table only; conditions across both tables are not supported yet.");
            if (qualifiers.Count == 1 && !qualifiers.Contains(leftRef.EffectiveAlias) && !qualifiers.Contains(rightRef.EffectiveAlias))
                throw new SqlException($"Unknown table or alias '{qualifiers.First()}'.");
        }
    }

    private static int ColumnOf(SqlTable table, SqlExpr.Column column)
    {
        var index = table.ColumnIndex(column.Name);
        return index >= 0 ? index : throw new SqlException($"Unknown column '{column.Name}' in table '{table.Name}'.");
    }

    private static bool HasSingleColumnIndex(SqlTable table, int column) =>
        table.Schema.Indexes.Any(i => i.Columns is [var only] && only == column);

    private static IEnumerable<SqlExpr> Conjuncts(SqlExpr? e) => e switch
    {
        null => [],
        SqlExpr.And and => Conjuncts(and.Left).Concat(Conjuncts(and.Right)),
        _ => [e],
    };

    private static HashSet<string?> Qualifiers(SqlExpr e)
    {
        var set = new HashSet<string?>();
        void Walk(SqlExpr x)
        {
            switch (x)
            {
                case SqlExpr.Column c: set.Add(c.Table); break;
                case SqlExpr.Compare c: Walk(c.Left); Walk(c.Right); break;
                case SqlExpr.And a: Walk(a.Left); Walk(a.Right); break;
                case SqlExpr.Or o: Walk(o.Left); Walk(o.Right); break;
                case SqlExpr.Not n: Walk(n.Operand); break;
            }
        }
        Walk(e);
        return set;
    }
}
