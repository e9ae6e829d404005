using Meridian.Query.Catalog;
using Meridian.Query.Planning;
using Meridian.Query.Sql;
using Meridian.Sats;
using Meridian.Sats.Values;
using Meridian.Storage;
using Meridian.Storage.Changesets;
using Meridian.Storage.Schema;

namespace Meridian.Query.Subscriptions;

/// <summary>
/// A compiled subscription query: the rows of <see cref="Table"/> that satisfy its WHERE
/// condition, or — for a join — the rows of the selected table that have partners in the other
/// table, once per partner (a semijoin with bag semantics, as clients reference-count rows).
/// Evaluated in full against a committed state for the initial result, and incrementally after
/// each commit.
/// </summary>
public sealed class SubscriptionQuery
{
    private readonly RowPredicate? _filter;
    private readonly (int Index, AlgebraicValue Key)? _lookup;
    private readonly JoinSide? _join;

    // The other table of a join: its filter, and the index column pair that links the two.
    private sealed record JoinSide(SqlTable Other, RowPredicate? OtherFilter, int Column, int Index, int OtherColumn, int OtherIndex);

    private SubscriptionQuery(string sql, SqlTable table, RowPredicate? filter, (int, AlgebraicValue)? lookup, JoinSide? join, string key)
    {
        Sql = sql;
        Table = table;
        _filter = filter;
        _lookup = lookup;
        _join = join;
        Key = key;
    }

    /// <summary>The query text as the client sent it.</summary>
    public string Sql { get; }

    /// <summary>The table whose rows the query returns.</summary>
    public SqlTable Table { get; }

    /// <summary>Every table the query reads (one, or two for a join).</summary>
    public IReadOnlyList<TableId> ReadTables => _join is null ? [Table.Schema.Id] : [Table.Schema.Id, _join.Other.Schema.Id];

    /// <summary>Identifies equivalent queries (same tables and bound conditions), so they are evaluated once.</summary>
    public string Key { get; }

    /// <summary>Compiles a subscription query; <paramref name="sender"/> is the value of <c>:sender</c>.</summary>
    /// <exception cref="SqlException">The query is invalid or not supported.</exception>
    public static SubscriptionQuery Compile(string sql, ISqlCatalog catalog, Identity sender, bool isOwner)
    {
        var select = SqlParser.ParseSubscription(sql);
        return select.Joins.Count == 0 ? CompileSingle(sql, select, catalog, sender, isOwner) : CompileJoin(sql, select, catalog, sender, isOwner);
    }

    private static SubscriptionQuery CompileSingle(string sql, SelectStatement select, ISqlCatalog catalog, Identity sender, bool isOwner)
    {
        var table = Binder.ResolveTable(catalog, select.From.Name, isOwner);
        if (select.Projection is SqlProjection.Star { Table: { } qualifier } && qualifier != select.From.EffectiveAlias && qualifier != select.From.Name)
            throw new SqlException($"Unknown table or alias '{qualifier}' in '{qualifier}.*'.");
        var binder = new Binder(table, select.From, sender);
        var filter = select.Where is null ? null : binder.Predicate(select.Where);
        var lookup = FindIndexLookup(table, filter);
        return new SubscriptionQuery(sql, table, filter, lookup, null, $"{table.Name}|{filter}");
    }

    private static SubscriptionQuery CompileJoin(string sql, SelectStatement select, ISqlCatalog catalog, Identity sender, bool isOwner)
    {
        var join = select.Joins[0];
        if (join.On is null)
            throw new SqlException("Subscriptions require indexes on join columns: a join needs ON left.column = right.column.");
        var left = (Ref: select.From, Table: Binder.ResolveTable(catalog, select.From.Name, isOwner));
        var right = (Ref: join.Table, Table: Binder.ResolveTable(catalog, join.Table.Name, isOwner));
        if (left.Ref.EffectiveAlias == right.Ref.EffectiveAlias)
            throw new SqlException("Both sides of a join need distinct names: give one of them an alias.");
        if (left.Table.Schema.IsEvent || right.Table.Schema.IsEvent)
            throw new SqlException("Event tables cannot be used in subscription joins.");
        var projected = ((SqlProjection.Star)select.Projection).Table;
        bool projectLeft;
        if (projected == left.Ref.EffectiveAlias)
            projectLeft = true;
        else if (projected == right.Ref.EffectiveAlias)
            projectLeft = false;
        else
            throw new SqlException($"Unknown table or alias '{projected}' in '{projected}.*'.");

        // ON must be one equality between a column of each side.
        if (join.On is not SqlExpr.Compare { Op: SqlComparison.Eq, Left: SqlExpr.Column a, Right: SqlExpr.Column b })
            throw new SqlException("A subscription join's ON must be one equality between a column of each table, e.g. ON a.id = b.a_id.");
        if (a.Table is null || b.Table is null)
            throw new SqlException("Names must be qualified when using joins.");
        if (a.Table == right.Ref.EffectiveAlias && b.Table == left.Ref.EffectiveAlias)
            (a, b) = (b, a);
        if (a.Table != left.Ref.EffectiveAlias || b.Table != right.Ref.EffectiveAlias)
            throw new SqlException($"The join condition must compare a column of '{left.Ref.EffectiveAlias}' with a column of '{right.Ref.EffectiveAlias}'.");
        var leftBinder = new Binder(left.Table, left.Ref, sender);
        var rightBinder = new Binder(right.Table, right.Ref, sender);
        var leftColumn = leftBinder.Column(a);
        var rightColumn = rightBinder.Column(b);
        if (!left.Table.Schema.ColumnTypes[leftColumn].Equals(right.Table.Schema.ColumnTypes[rightColumn]))
            throw new SqlException($"Cannot join {a} with {b}: their types differ.");
        var leftIndex = SingleColumnIndex(left.Table, leftColumn) ?? throw new SqlException($"Subscriptions require indexes on join columns: '{a}' has no index.");
        var rightIndex = SingleColumnIndex(right.Table, rightColumn) ?? throw new SqlException($"Subscriptions require indexes on join columns: '{b}' has no index.");

        // WHERE: every AND-ed condition must read one side only; each side is filtered on its own.
        RowPredicate? leftFilter = null, rightFilter = null;
        foreach (var conjunct in Conjuncts(select.Where))
        {
            var qualifiers = Qualifiers(conjunct);
            if (qualifiers.Contains(null))
                throw new SqlException("Names must be qualified when using joins.");
            if (qualifiers.Count != 1)
                throw new SqlException("Each AND-ed condition of a join subscription must read columns of one table only; conditions across both tables are not supported yet.");
            if (qualifiers.Contains(left.Ref.EffectiveAlias))
                leftFilter = leftFilter is null ? leftBinder.Predicate(conjunct) : new RowPredicate.And(leftFilter, leftBinder.Predicate(conjunct));
            else if (qualifiers.Contains(right.Ref.EffectiveAlias))
                rightFilter = rightFilter is null ? rightBinder.Predicate(conjunct) : new RowPredicate.And(rightFilter, rightBinder.Predicate(conjunct));
            else
                throw new SqlException($"Unknown table or alias '{qualifiers.First()}'.");
        }

        var (table, filter, column, index, other, otherFilter, otherColumn, otherIndex) = projectLeft
            ? (left.Table, leftFilter, leftColumn, leftIndex, right.Table, rightFilter, rightColumn, rightIndex)
            : (right.Table, rightFilter, rightColumn, rightIndex, left.Table, leftFilter, leftColumn, leftIndex);
        var side = new JoinSide(other, otherFilter, column, index, otherColumn, otherIndex);
        return new SubscriptionQuery(sql, table, filter, null, side,
            $"{table.Name}|{filter}|join {other.Name}|{otherFilter}|{column}={otherColumn}");
    }

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

    private static int? SingleColumnIndex(SqlTable table, int column)
    {
        for (var i = 0; i < table.Schema.Indexes.Count; i++)
        {
            if (table.Schema.Indexes[i].Columns is [var only] && only == column)
                return i;
        }
        return null;
    }

    // An equality on the first column of an index (possibly under ANDs) lets the initial scan use the index.
    private static (int, AlgebraicValue)? FindIndexLookup(SqlTable table, RowPredicate? filter)
    {
        switch (filter)
        {
            case RowPredicate.ColumnLiteral { Op: SqlComparison.Eq } eq:
                return SingleColumnIndex(table, eq.Column) is { } i ? (i, eq.Value) : null;
            case RowPredicate.And and:
                return FindIndexLookup(table, and.Left) ?? FindIndexLookup(table, and.Right);
            default:
                return null;
        }
    }

    private static ProductValue Decode(SqlTable table, ReadOnlySpan<byte> row) =>
        (ProductValue)AlgebraicValue.FromBsatn(row, table.Schema.RowType, table.Schema.Typespace);

    /// <summary>Whether one row of <see cref="Table"/> passes the query's own filter (a join also needs a partner).</summary>
    public bool Matches(ReadOnlySpan<byte> row) => _filter is null || _filter.Matches(Decode(Table, row));

    private bool OtherMatches(ReadOnlySpan<byte> row) => _join!.OtherFilter is null || _join.OtherFilter.Matches(Decode(_join.Other, row));

    /// <summary>Every row of <paramref name="state"/> in the result (a joined row once per partner).</summary>
    public void Evaluate(StateReader state, Action<ReadOnlyMemory<byte>> emit)
    {
        var cursor = _lookup is { } l ? state.Filter(Table.Schema.Id, l.Index, l.Key) : state.Scan(Table.Schema.Id);
        while (cursor.MoveNext())
        {
            var row = cursor.Current;
            if (!Matches(row))
                continue;
            var copies = _join is null ? 1 : Partners(state, Decode(Table, row)[_join.Column]);
            if (copies == 0)
                continue;
            var bytes = row.ToArray();
            for (var i = 0; i < copies; i++)
                emit(bytes);
        }
    }

    // How many rows of the other table (passing its filter) have this join key.
    private int Partners(StateReader state, AlgebraicValue key)
    {
        var count = 0;
        var cursor = state.Filter(_join!.Other.Schema.Id, _join.OtherIndex, key);
        while (cursor.MoveNext())
        {
            if (OtherMatches(cursor.Current))
                count++;
        }
        return count;
    }

    /// <summary>The rows of <paramref name="rows"/> (a transaction's inserts or deletes) in the result of a single-table query.</summary>
    public void Filter(RowList rows, Action<ReadOnlyMemory<byte>> emit)
    {
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (Matches(row.Span))
                emit(row);
        }
    }

    /// <summary>
    /// What one commit changed in the result: rows that entered (<paramref name="insert"/>) and left
    /// (<paramref name="delete"/>), each as many times as its multiplicity changed. <paramref name="before"/>
    /// and <paramref name="after"/> are the committed states around the commit (joins need both).
    /// </summary>
    public void Delta(Changeset changeset, StateReader before, StateReader after, Action<ReadOnlyMemory<byte>> insert, Action<ReadOnlyMemory<byte>> delete)
    {
        if (_join is null)
        {
            if (changeset.For(Table.Schema.Id) is not { } change)
                return;
            Filter(change.Inserts, insert);
            if (!change.IsEvent)
                Filter(change.Deletes, delete);
            return;
        }

        // A join changes only for the join keys the commit touched on either side: recount those.
        var keys = new HashSet<AlgebraicValue>();
        void Collect(TableId table, int column, SqlTable schema)
        {
            if (changeset.For(table) is not { } change)
                return;
            for (var i = 0; i < change.Inserts.Count; i++)
                keys.Add(Decode(schema, change.Inserts.Span(i))[column]);
            for (var i = 0; i < change.Deletes.Count; i++)
                keys.Add(Decode(schema, change.Deletes.Span(i))[column]);
        }
        Collect(Table.Schema.Id, _join.Column, Table);
        Collect(_join.Other.Schema.Id, _join.OtherColumn, _join.Other);
        foreach (var key in keys)
        {
            var old = Counts(before, key);
            var now = Counts(after, key);
            foreach (var (row, (bytes, count)) in now)
            {
                var was = old.TryGetValue(row, out var o) ? o.Count : 0;
                for (var i = was; i < count; i++)
                    insert(bytes);
            }
            foreach (var (row, (bytes, count)) in old)
            {
                var still = now.TryGetValue(row, out var n) ? n.Count : 0;
                for (var i = still; i < count; i++)
                    delete(bytes);
            }
        }
    }

    // Multiplicity of each result row with this join key in one state.
    private Dictionary<string, (byte[] Bytes, int Count)> Counts(StateReader state, AlgebraicValue key)
    {
        var result = new Dictionary<string, (byte[], int)>(StringComparer.Ordinal);
        var partners = Partners(state, key);
        if (partners == 0)
            return result;
        var cursor = state.Filter(Table.Schema.Id, _join!.Index, key);
        while (cursor.MoveNext())
        {
            if (!Matches(cursor.Current))
                continue;
            var bytes = cursor.Current.ToArray();
            var id = Convert.ToBase64String(bytes);
            result[id] = (bytes, (result.TryGetValue(id, out var e) ? e.Item2 : 0) + partners);
        }
        return result;
    }
}
