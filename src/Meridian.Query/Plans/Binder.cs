using Meridian.Query.Catalog;
using Meridian.Query.Sql;
using Meridian.Sats;
using Meridian.Sats.Types;
using Meridian.Sats.Values;

namespace Meridian.Query.Plans;

/// <summary>
/// Resolves the names and types of a statement over its sources (the FROM table and one per JOIN)
/// and builds its <see cref="LogicalPlan"/>: columns become (source, column) references, literals
/// take the type of the column they meet and <c>:sender</c> the caller's identity.
/// </summary>
internal sealed class Binder
{
    /// <summary>Most tables one query may read (a source is one bit of <see cref="BoundExpr.Sources"/>).</summary>
    public const int MaxSources = 32;

    private readonly List<(TableRef Ref, PlanSource Source)> _sources;
    private readonly Identity _sender;

    public Binder(IReadOnlyList<(TableRef Ref, SqlTable Table)> tables, Identity sender)
    {
        if (tables.Count > MaxSources)
            throw new SqlException($"A query may read at most {MaxSources} tables; this one reads {tables.Count}.");
        _sources = tables.Select((t, i) => (t.Ref, new PlanSource(i, t.Table, t.Ref.EffectiveAlias))).ToList();
        _sender = sender;
    }

    public Binder(SqlTable table, TableRef reference, Identity sender)
        : this([(reference, table)], sender)
    {
    }

    /// <summary>The sources, by number.</summary>
    public IEnumerable<PlanSource> Sources => _sources.Select(s => s.Source);

    /// <summary>
    /// Resolves a table by canonical or accessor name. A private table is unknown to everyone but the
    /// owner (its existence is not revealed); the error suggests the nearest name the caller may read.
    /// </summary>
    public static SqlTable ResolveTable(ISqlCatalog catalog, string name, bool isOwner, int position = -1)
    {
        if (catalog.TryGetTable(name, out var table) && (table.IsPublic || isOwner))
            return table;
        var visible = catalog.Tables.Where(t => t.IsPublic || isOwner).SelectMany(t => t.AccessorName is { } a ? [t.Name, a] : new[] { t.Name });
        throw new SqlException($"Unknown table '{name}'{Suggestions.At(position)}.{Suggestions.Hint(name, visible)}");
    }

    /// <summary>Binds a SELECT (ad-hoc or subscription) into its logical plan.</summary>
    /// <exception cref="SqlException">A name does not resolve, a type does not fit, or the caller may not read a table.</exception>
    public static LogicalPlan BindSelect(SelectStatement select, ISqlCatalog catalog, Identity sender, bool isOwner)
    {
        var tables = new List<(TableRef, SqlTable)> { (select.From, ResolveTable(catalog, select.From.Name, isOwner, select.From.Position)) };
        foreach (var j in select.Joins)
            tables.Add((j.Table, ResolveTable(catalog, j.Table.Name, isOwner, j.Table.Position)));
        var aliases = tables.Select(s => s.Item1.EffectiveAlias).ToList();
        if (aliases.Distinct(StringComparer.Ordinal).Count() != aliases.Count)
            throw new SqlException("Each table of a join needs a distinct name: give repeated tables an alias.");
        var binder = new Binder(tables, sender);

        LogicalPlan plan = new LogicalPlan.Scan(binder._sources[0].Source);
        for (var i = 0; i < select.Joins.Count; i++)
        {
            var on = select.Joins[i].On is { } condition ? binder.Predicate(condition) : null;
            plan = new LogicalPlan.Join(plan, new LogicalPlan.Scan(binder._sources[i + 1].Source), on);
        }
        if (select.Where is not null)
            plan = new LogicalPlan.Filter(plan, binder.Predicate(select.Where));

        if (select.GroupBy.Count > 0 && select.Projection is not (SqlProjection.Aggregates or SqlProjection.Count))
            throw new SqlException(
                "GROUP BY needs aggregates in the SELECT list (COUNT, SUM, MIN, MAX), or none of it: select the grouped columns with an aggregate.");
        switch (select.Projection)
        {
            case SqlProjection.Count count:
                plan = new LogicalPlan.Aggregate(
                    plan, binder.Aggregate(select.GroupBy, [new SqlSelectItem.AggregateItem(SqlAggregate.Count, null, count.Alias)]));
                break;
            case SqlProjection.Aggregates aggregates:
                plan = new LogicalPlan.Aggregate(plan, binder.Aggregate(select.GroupBy, aggregates.Items));
                break;
            case SqlProjection.Star { Table: null } when binder._sources.Count > 1:
                throw new SqlException("With joins, select one table's rows (SELECT t.*) or name the columns.");
            case SqlProjection.Star star:
                PlanSource source;
                if (star.Table is null)
                    source = binder._sources[0].Source;
                else if (!binder.TryGetSource(star.Table, out source))
                    throw new SqlException($"Unknown table or alias '{star.Table}' in '{star.Table}.*'.");
                plan = new LogicalPlan.Project(plan, new Projection.Rows(source));
                break;
            case SqlProjection.Columns columns:
                plan = new LogicalPlan.Project(plan, binder.Columns(columns));
                break;
            default:
                throw new SqlException("Unsupported projection.");
        }
        if (select.OrderBy.Count > 0)
            plan = new LogicalPlan.Sort(plan, binder.SortKeys(select.OrderBy, plan));
        if (select.Limit is not null || select.Offset is not null)
            plan = new LogicalPlan.Limit(plan, select.Limit, select.Offset ?? 0);
        return plan;
    }

    // ORDER BY keys: result names (aliases) first, then source columns (or, for aggregates, group columns).
    private List<SortKey> SortKeys(IReadOnlyList<SqlOrderItem> items, LogicalPlan plan)
    {
        var projection = plan switch
        {
            LogicalPlan.Project p => p.Projection,
            LogicalPlan.Aggregate a => (Projection)a.Spec,
            _ => throw new InvalidOperationException("ORDER BY binds over a projection."),
        };
        return items.Select(item =>
        {
            var name = item.Column;
            switch (projection)
            {
                case Projection.Aggregate aggregate:
                {
                    var index = -1;
                    for (var i = 0; i < aggregate.Items.Count && index < 0; i++)
                    {
                        if (name.Table is null && aggregate.Items[i].Name == name.Name)
                            index = i;
                    }
                    if (index < 0)
                    {
                        var reference = ColumnOrNull(name);
                        for (var i = 0; i < aggregate.Items.Count && index < 0 && reference is not null; i++)
                        {
                            if (aggregate.Items[i] is OutputItem.GroupColumn g && g.Ref == reference)
                                index = i;
                        }
                    }
                    if (index < 0)
                        throw new SqlException(
                            $"ORDER BY {name}: an aggregate query can only be ordered by its result columns "
                                + $"({string.Join(", ", aggregate.Items.Select(i => i.Name))}).");
                    var item2 = aggregate.Items[index];
                    return new SortKey(null, index, item.Descending, item2.Typespace.Resolve(item2.Type), item2.Typespace);
                }
                case Projection.Columns columns when name.Table is null && columns.Items.FirstOrDefault(c => c.Name == name.Name) is { } aliased:
                    return Key(aliased.Ref, item.Descending);
                default:
                    return Key(Column(name), item.Descending);
            }
        }).ToList();

        SortKey Key(ColumnRef reference, bool descending)
        {
            var schema = _sources[reference.Source].Source.Table.Schema;
            return new SortKey(reference, -1, descending, schema.Typespace.Resolve(schema.ColumnTypes[reference.Column]), schema.Typespace);
        }
    }

    private ColumnRef? ColumnOrNull(SqlExpr.Column column)
    {
        try
        {
            return Column(column);
        }
        catch (SqlException)
        {
            return null;
        }
    }

    private Projection.Aggregate Aggregate(IReadOnlyList<SqlExpr.Column> groupBy, IReadOnlyList<SqlSelectItem> items)
    {
        var groups = groupBy.Select(Column).Distinct().ToList();
        var output = new List<OutputItem>(items.Count);
        foreach (var item in items)
        {
            switch (item)
            {
                case SqlSelectItem.ColumnItem c:
                {
                    var reference = Column(c.Column);
                    if (!groups.Contains(reference))
                        throw new SqlException($"Column '{c.Column}' must appear in GROUP BY or be used inside an aggregate.");
                    var table = _sources[reference.Source].Source.Table;
                    output.Add(new OutputItem.GroupColumn(
                        reference, c.Alias ?? table.ColumnNames[reference.Column], table.Schema.ColumnTypes[reference.Column], table.Schema.Typespace));
                    break;
                }
                case SqlSelectItem.AggregateItem a:
                    output.Add(AggregateCall(a, grouped: groups.Count > 0));
                    break;
            }
        }
        var names = output.Select(o => o.Name).ToList();
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
            throw new SqlException("Two result columns have the same name: give them distinct aliases.");
        return new Projection.Aggregate(groups, output);
    }

    private OutputItem.Call AggregateCall(SqlSelectItem.AggregateItem a, bool grouped)
    {
        if (a.Argument is null)
            return new OutputItem.Call(a.Function, null, AlgebraicType.U64, a.Alias, AlgebraicType.U64, Typespace.Empty);
        var reference = Column(a.Argument);
        var schema = _sources[reference.Source].Source.Table.Schema;
        var declared = schema.ColumnTypes[reference.Column];
        var type = schema.Typespace.Resolve(declared);
        AlgebraicType result = a.Function switch
        {
            SqlAggregate.Count => AlgebraicType.U64,
            SqlAggregate.Sum => type.Tag switch
            {
                AlgebraicTypeTag.I8 or AlgebraicTypeTag.I16 or AlgebraicTypeTag.I32 or AlgebraicTypeTag.I64 => AlgebraicType.I128,
                AlgebraicTypeTag.U8 or AlgebraicTypeTag.U16 or AlgebraicTypeTag.U32 or AlgebraicTypeTag.U64 => AlgebraicType.U128,
                AlgebraicTypeTag.I128 or AlgebraicTypeTag.I256 => AlgebraicType.I256,
                AlgebraicTypeTag.U128 or AlgebraicTypeTag.U256 => AlgebraicType.U256,
                AlgebraicTypeTag.F32 or AlgebraicTypeTag.F64 => AlgebraicType.F64,
                _ => throw new SqlException($"SUM({a.Argument}) needs a number column; '{a.Argument}' is {Literals.Describe(type)}."),
            },
            _ when type is ProductType or SumType && type.SpecialKind == SpecialTypeKind.None =>
                throw new SqlException($"{a.Function.ToString().ToUpperInvariant()}({a.Argument}) cannot order values of {Literals.Describe(type)}."),
            _ => grouped ? declared : AlgebraicType.Option(declared),
        };
        return new OutputItem.Call(a.Function, reference, type, a.Alias, result, schema.Typespace);
    }

    private Projection.Columns Columns(SqlProjection.Columns columns)
    {
        var items = columns.Items.Select(c =>
        {
            var reference = Column(c.Column);
            var table = _sources[reference.Source].Source.Table;
            return new ProjectedColumn(
                reference, c.Alias ?? table.ColumnNames[reference.Column], table.Schema.ColumnTypes[reference.Column], table.Schema.Typespace);
        }).ToList();
        // A result has one typespace, so the columns whose types hold references must share theirs
        // (tables of one module do; tables built with typespaces of their own may not).
        if (items.Where(i => i.HasReferences).Select(i => i.Typespace).Distinct().Count() > 1)
            throw new SqlException("Columns of user-defined types from tables with different typespaces cannot be selected together yet.");
        return new Projection.Columns(items);
    }

    private bool TryGetSource(string qualifier, out PlanSource source)
    {
        foreach (var (reference, s) in _sources)
        {
            if (qualifier == reference.EffectiveAlias)
            {
                source = s;
                return true;
            }
        }
        source = null!;
        return false;
    }

    private static decimal? ParseDecimal(string text) =>
        decimal.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>Resolves a column reference (qualified, or unqualified when there is one source).</summary>
    public ColumnRef Column(SqlExpr.Column column)
    {
        PlanSource source;
        if (column.Table is { } qualifier)
        {
            if (!TryGetSource(qualifier, out source))
            {
                var hint = Suggestions.Hint(qualifier, _sources.Select(s => s.Source.Alias));
                throw new SqlException($"Unknown table or alias '{qualifier}' in '{column}'{Suggestions.At(column.Position)}.{hint}");
            }
        }
        else if (_sources.Count == 1)
        {
            source = _sources[0].Source;
        }
        else
        {
            throw new SqlException($"Names must be qualified when using joins: write {_sources[0].Ref.EffectiveAlias}.{column.Name} or similar.");
        }
        var index = source.Table.ColumnIndex(column.Name);
        if (index < 0)
        {
            var names = source.Table.ColumnNames.Concat(source.Table.ColumnAccessors.OfType<string>());
            throw new SqlException(
                $"Unknown column '{column.Name}' in table '{source.Table.Name}'{Suggestions.At(column.Position)}.{Suggestions.Hint(column.Name, names)}");
        }
        return new ColumnRef(source.Number, index);
    }

    private BoundExpr.Column ColumnExpr(SqlExpr.Column column)
    {
        var reference = Column(column);
        var schema = _sources[reference.Source].Source.Table.Schema;
        return new BoundExpr.Column(reference, schema.Typespace.Resolve(schema.ColumnTypes[reference.Column]), schema.Typespace);
    }

    /// <summary>Binds a condition.</summary>
    public BoundExpr Predicate(SqlExpr expr) => expr switch
    {
        SqlExpr.And a => new BoundExpr.And(Predicate(a.Left), Predicate(a.Right)),
        SqlExpr.Or o => new BoundExpr.Or(Predicate(o.Left), Predicate(o.Right)),
        SqlExpr.Not n => new BoundExpr.Not(Predicate(n.Operand)),
        SqlExpr.Compare c => Comparison(c),
        SqlExpr.Bool b => new BoundExpr.Constant(b.Value),
        _ => throw new SqlException($"Expected a condition, found {Literals.Text(expr)}."),
    };

    private BoundExpr Comparison(SqlExpr.Compare c)
    {
        switch (c.Left, c.Right)
        {
            case (SqlExpr.Column l, SqlExpr.Column r):
            {
                var left = ColumnExpr(l);
                var right = ColumnExpr(r);
                if (!left.Type.Equals(right.Type))
                    throw new SqlException($"Cannot compare {l} ({Literals.Describe(left.Type)}) with {r} ({Literals.Describe(right.Type)}).");
                return new BoundExpr.Comparison(left, c.Op, right);
            }
            case (SqlExpr.Column col, var literal):
                return ColumnLiteral(col, c.Op, literal);
            case (var literal, SqlExpr.Column col):
                return ColumnLiteral(col, BoundExpr.Flip(c.Op), literal);
            default:
                return ConstantComparison(c);
        }
    }

    // Query builders emit comparisons of two literals (TRUE = TRUE): those fold to a constant.
    private static BoundExpr.Constant ConstantComparison(SqlExpr.Compare c)
    {
        int? order = (c.Left, c.Right) switch
        {
            (SqlExpr.Bool a, SqlExpr.Bool b) => a.Value.CompareTo(b.Value),
            // By code point, as string columns and StringValue order.
            (SqlExpr.String a, SqlExpr.String b) => AlgebraicValue.String(a.Value).CompareTo(AlgebraicValue.String(b.Value)),
            (SqlExpr.Number a, SqlExpr.Number b) when ParseDecimal(a.Text) is { } x && ParseDecimal(b.Text) is { } y => x.CompareTo(y),
            _ => null,
        };
        if (order is not { } o)
            throw new SqlException(
                $"Cannot compare two literals ({Literals.Text(c.Left)} and {Literals.Text(c.Right)}) of different kinds: one side must be a column.");
        return new BoundExpr.Constant(c.Op switch
        {
            SqlComparison.Eq => o == 0,
            SqlComparison.NotEq => o != 0,
            SqlComparison.Lt => o < 0,
            SqlComparison.LtEq => o <= 0,
            SqlComparison.Gt => o > 0,
            _ => o >= 0,
        });
    }

    private BoundExpr.Comparison ColumnLiteral(SqlExpr.Column column, SqlComparison op, SqlExpr literal)
    {
        var left = ColumnExpr(column);
        if (literal is SqlExpr.Null && op is not (SqlComparison.Eq or SqlComparison.NotEq))
        {
            throw new SqlException(
                $"NULL can only be tested with = NULL, <> NULL, IS NULL or IS NOT NULL; {column} {BoundExpr.Symbol(op)} NULL would never hold.");
        }
        var schema = _sources[left.Ref.Source].Source.Table.Schema;
        var declared = schema.ColumnTypes[left.Ref.Column];
        var value = Literals.Convert(literal, declared, schema.Typespace, _sender, $"column '{column.Name}'");
        return new BoundExpr.Comparison(left, op, new BoundExpr.Literal(value, left.Type, schema.Typespace));
    }

    /// <summary>Converts a literal for an assignment or VALUES entry to the type of column <paramref name="column"/> of the first source.</summary>
    public Sats.Values.AlgebraicValue Value(SqlExpr literal, int column, string what)
    {
        var schema = _sources[0].Source.Table.Schema;
        return Literals.Convert(literal, schema.ColumnTypes[column], schema.Typespace, _sender, what);
    }
}
