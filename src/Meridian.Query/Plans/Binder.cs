using Meridian.Query.Catalog;
using Meridian.Query.Sql;
using Meridian.Sats;
using Meridian.Sats.Types;

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

    private readonly IReadOnlyList<(TableRef Ref, PlanSource Source)> _sources;
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

    public static SqlTable ResolveTable(ISqlCatalog catalog, string name, bool isOwner)
    {
        if (!catalog.TryGetTable(name, out var table))
            throw new SqlException($"Unknown table '{name}'.");
        if (!table.IsPublic && !isOwner)
            throw new SqlException($"Table '{table.Name}' is private: only the database owner can read it.");
        return table;
    }

    /// <summary>Binds a SELECT (ad-hoc or subscription) into its logical plan.</summary>
    /// <exception cref="SqlException">A name does not resolve, a type does not fit, or the caller may not read a table.</exception>
    public static LogicalPlan BindSelect(SelectStatement select, ISqlCatalog catalog, Identity sender, bool isOwner)
    {
        var tables = new List<(TableRef, SqlTable)> { (select.From, ResolveTable(catalog, select.From.Name, isOwner)) };
        foreach (var j in select.Joins)
            tables.Add((j.Table, ResolveTable(catalog, j.Table.Name, isOwner)));
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

        switch (select.Projection)
        {
            case SqlProjection.Count count:
                plan = new LogicalPlan.CountRows(plan, count.Alias);
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
        if (select.Limit is { } limit)
            plan = new LogicalPlan.Limit(plan, limit);
        return plan;
    }

    private Projection.Columns Columns(SqlProjection.Columns columns)
    {
        var items = columns.Items.Select(c =>
        {
            var reference = Column(c.Column);
            var table = _sources[reference.Source].Source.Table;
            return new ProjectedColumn(reference, c.Alias ?? table.ColumnNames[reference.Column], table.Schema.ColumnTypes[reference.Column], table.Schema.Typespace);
        }).ToList();
        if (items.Select(i => i.Typespace).Distinct().Count() > 1 && items.Any(i => i.Type is RefType))
            throw new SqlException("Columns of user-defined types from different tables cannot be selected together yet.");
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

    /// <summary>Resolves a column reference (qualified, or unqualified when there is one source).</summary>
    public ColumnRef Column(SqlExpr.Column column)
    {
        PlanSource source;
        if (column.Table is { } qualifier)
        {
            if (!TryGetSource(qualifier, out source))
                throw new SqlException($"Unknown table or alias '{qualifier}' in '{column}'.");
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
            throw new SqlException($"Unknown column '{column.Name}' in table '{source.Table.Name}'.");
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

    private BoundExpr.Comparison Comparison(SqlExpr.Compare c)
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
                throw new SqlException($"Cannot compare two literals ({Literals.Text(c.Left)} and {Literals.Text(c.Right)}): one side must be a column.");
        }
    }

    private BoundExpr.Comparison ColumnLiteral(SqlExpr.Column column, SqlComparison op, SqlExpr literal)
    {
        var left = ColumnExpr(column);
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
