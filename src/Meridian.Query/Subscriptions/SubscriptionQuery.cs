using Meridian.Query.Catalog;
using Meridian.Query.Planning;
using Meridian.Query.Sql;
using Meridian.Sats;
using Meridian.Sats.Values;
using Meridian.Storage;
using Meridian.Storage.Changesets;

namespace Meridian.Query.Subscriptions;

/// <summary>
/// A compiled subscription query over one table: the rows of <see cref="Table"/> that satisfy its
/// WHERE condition. Evaluated in full against a committed state for the initial result, and on a
/// transaction's inserted and deleted rows afterwards.
/// </summary>
public sealed class SubscriptionQuery
{
    private readonly RowPredicate? _filter;
    private readonly (int Index, AlgebraicValue Key)? _lookup;

    private SubscriptionQuery(string sql, SqlTable table, RowPredicate? filter, (int, AlgebraicValue)? lookup, string key)
    {
        Sql = sql;
        Table = table;
        _filter = filter;
        _lookup = lookup;
        Key = key;
    }

    /// <summary>The query text as the client sent it.</summary>
    public string Sql { get; }

    /// <summary>The table whose rows the query returns.</summary>
    public SqlTable Table { get; }

    /// <summary>Identifies equivalent queries (same table and bound condition), so they are evaluated once.</summary>
    public string Key { get; }

    /// <summary>Compiles a subscription query; <paramref name="sender"/> is the value of <c>:sender</c>.</summary>
    /// <exception cref="SqlException">The query is invalid or not supported.</exception>
    public static SubscriptionQuery Compile(string sql, ISqlCatalog catalog, Identity sender, bool isOwner)
    {
        var select = SqlParser.ParseSubscription(sql);
        if (select.Joins.Count > 0)
            throw new SqlException("Join subscriptions are not supported yet: subscribe to each table with its own filter.");
        var table = Binder.ResolveTable(catalog, select.From.Name, isOwner);
        if (select.Projection is SqlProjection.Star { Table: { } qualifier } && qualifier != select.From.EffectiveAlias && qualifier != select.From.Name)
            throw new SqlException($"Unknown table or alias '{qualifier}' in '{qualifier}.*'.");
        var binder = new Binder(table, select.From, sender);
        var filter = select.Where is null ? null : binder.Predicate(select.Where);
        var lookup = FindIndexLookup(table, filter);
        var key = $"{table.Name}|{filter}";
        return new SubscriptionQuery(sql, table, filter, lookup, key);
    }

    // An equality on the first column of an index (possibly under ANDs) lets the initial scan use the index.
    private static (int, AlgebraicValue)? FindIndexLookup(SqlTable table, RowPredicate? filter)
    {
        switch (filter)
        {
            case RowPredicate.ColumnLiteral { Op: SqlComparison.Eq } eq:
                for (var i = 0; i < table.Schema.Indexes.Count; i++)
                {
                    if (table.Schema.Indexes[i].Columns is [var only] && only == eq.Column)
                        return (i, eq.Value);
                }
                return null;
            case RowPredicate.And and:
                return FindIndexLookup(table, and.Left) ?? FindIndexLookup(table, and.Right);
            default:
                return null;
        }
    }

    /// <summary>Whether one row (BSATN of the table's row type) belongs to the result.</summary>
    public bool Matches(ReadOnlySpan<byte> row) =>
        _filter is null || _filter.Matches((ProductValue)AlgebraicValue.FromBsatn(row, Table.Schema.RowType, Table.Schema.Typespace));

    /// <summary>Every row of <paramref name="state"/> in the result.</summary>
    public void Evaluate(StateReader state, Action<ReadOnlyMemory<byte>> emit)
    {
        var cursor = _lookup is { } l ? state.Filter(Table.Schema.Id, l.Index, l.Key) : state.Scan(Table.Schema.Id);
        while (cursor.MoveNext())
        {
            var row = cursor.Current;
            if (Matches(row))
                emit(row.ToArray());
        }
    }

    /// <summary>The rows of <paramref name="rows"/> (a transaction's inserts or deletes) in the result.</summary>
    public void Filter(RowList rows, Action<ReadOnlyMemory<byte>> emit)
    {
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (Matches(row.Span))
                emit(row);
        }
    }
}
