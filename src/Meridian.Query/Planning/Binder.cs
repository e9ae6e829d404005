using Meridian.Query.Catalog;
using Meridian.Query.Sql;
using Meridian.Sats;
using Meridian.Sats.Types;

namespace Meridian.Query.Planning;

/// <summary>
/// Resolves names and types in a statement over one table, or over several joined tables whose
/// rows are concatenated into one combined row (a column's index is its table's offset plus its
/// position in that table).
/// </summary>
internal sealed class Binder
{
    private readonly IReadOnlyList<(TableRef Ref, SqlTable Table, int Offset)> _sources;
    private readonly Identity _sender;

    public Binder(SqlTable table, TableRef reference, Identity sender)
        : this([(reference, table)], sender)
    {
    }

    public Binder(IReadOnlyList<(TableRef Ref, SqlTable Table)> sources, Identity sender)
    {
        var offset = 0;
        var list = new List<(TableRef, SqlTable, int)>(sources.Count);
        foreach (var (reference, table) in sources)
        {
            list.Add((reference, table, offset));
            offset += table.Schema.RowType.Elements.Count;
        }
        _sources = list;
        _sender = sender;
    }

    /// <summary>The (first) table.</summary>
    public SqlTable Table => _sources[0].Table;

    public static SqlTable ResolveTable(ISqlCatalog catalog, string name, bool isOwner)
    {
        if (!catalog.TryGetTable(name, out var table))
            throw new SqlException($"Unknown table '{name}'.");
        if (!table.IsPublic && !isOwner)
            throw new SqlException($"Table '{table.Name}' is private: only the database owner can read it.");
        return table;
    }

    /// <summary>Where <paramref name="qualifier"/>'s columns start in the combined row, and its table.</summary>
    public (SqlTable Table, int Offset) Source(string qualifier)
    {
        foreach (var (reference, table, offset) in _sources)
        {
            if (qualifier == reference.EffectiveAlias || (reference.Alias is null && qualifier == reference.Name))
                return (table, offset);
        }
        throw new SqlException($"Unknown table or alias '{qualifier}'.");
    }

    public int Column(SqlExpr.Column column)
    {
        SqlTable table;
        int offset;
        if (column.Table is { } qualifier)
        {
            try
            {
                (table, offset) = Source(qualifier);
            }
            catch (SqlException)
            {
                throw new SqlException($"Unknown table or alias '{qualifier}' in '{column}'.");
            }
        }
        else if (_sources.Count == 1)
        {
            (table, offset) = (_sources[0].Table, 0);
        }
        else
        {
            throw new SqlException($"Names must be qualified when using joins: write {_sources[0].Ref.EffectiveAlias}.{column.Name} or similar.");
        }
        var index = table.ColumnIndex(column.Name);
        if (index < 0)
            throw new SqlException($"Unknown column '{column.Name}' in table '{table.Name}'.");
        return offset + index;
    }

    private (AlgebraicType Type, Typespace Typespace) ColumnType(int combined)
    {
        for (var i = _sources.Count - 1; i >= 0; i--)
        {
            if (combined >= _sources[i].Offset)
                return (_sources[i].Table.Schema.ColumnTypes[combined - _sources[i].Offset], _sources[i].Table.Schema.Typespace);
        }
        throw new ArgumentOutOfRangeException(nameof(combined));
    }

    public RowPredicate Predicate(SqlExpr expr) => expr switch
    {
        SqlExpr.And a => new RowPredicate.And(Predicate(a.Left), Predicate(a.Right)),
        SqlExpr.Or o => new RowPredicate.Or(Predicate(o.Left), Predicate(o.Right)),
        SqlExpr.Not n => new RowPredicate.Not(Predicate(n.Operand)),
        SqlExpr.Compare c => Comparison(c),
        SqlExpr.Bool b => new RowPredicate.Constant(b.Value),
        _ => throw new SqlException($"Expected a condition, found {Literals.Text(expr)}."),
    };

    private RowPredicate Comparison(SqlExpr.Compare c)
    {
        switch (c.Left, c.Right)
        {
            case (SqlExpr.Column l, SqlExpr.Column r):
            {
                var li = Column(l);
                var ri = Column(r);
                var lt = ColumnType(li).Type;
                var rt = ColumnType(ri).Type;
                if (!lt.Equals(rt))
                    throw new SqlException($"Cannot compare {l} ({Literals.Describe(lt)}) with {r} ({Literals.Describe(rt)}).");
                return new RowPredicate.ColumnColumn(li, c.Op, ri);
            }
            case (SqlExpr.Column col, var literal):
                return ColumnLiteral(col, c.Op, literal);
            case (var literal, SqlExpr.Column col):
                return ColumnLiteral(col, Flip(c.Op), literal);
            default:
                throw new SqlException($"Cannot compare two literals ({Literals.Text(c.Left)} and {Literals.Text(c.Right)}): one side must be a column.");
        }
    }

    private RowPredicate.ColumnLiteral ColumnLiteral(SqlExpr.Column column, SqlComparison op, SqlExpr literal)
    {
        var index = Column(column);
        var (type, typespace) = ColumnType(index);
        var value = Literals.Convert(literal, type, typespace, _sender, $"column '{column.Name}'");
        return new RowPredicate.ColumnLiteral(index, op, value);
    }

    private static SqlComparison Flip(SqlComparison op) => op switch
    {
        SqlComparison.Lt => SqlComparison.Gt,
        SqlComparison.LtEq => SqlComparison.GtEq,
        SqlComparison.Gt => SqlComparison.Lt,
        SqlComparison.GtEq => SqlComparison.LtEq,
        _ => op,
    };
}
