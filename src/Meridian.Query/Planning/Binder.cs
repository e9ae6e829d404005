using Meridian.Query.Catalog;
using Meridian.Query.Sql;
using Meridian.Sats;

namespace Meridian.Query.Planning;

/// <summary>Resolves names and types in a statement over a single table.</summary>
internal sealed class Binder(SqlTable table, TableRef reference, Identity sender)
{
    public SqlTable Table { get; } = table;

    public static SqlTable ResolveTable(ISqlCatalog catalog, string name, bool isOwner)
    {
        if (!catalog.TryGetTable(name, out var table))
            throw new SqlException($"Unknown table '{name}'.");
        if (!table.IsPublic && !isOwner)
            throw new SqlException($"Table '{table.Name}' is private: only the database owner can read it.");
        return table;
    }

    public int Column(SqlExpr.Column column)
    {
        if (column.Table is { } qualifier && qualifier != reference.EffectiveAlias && qualifier != reference.Name)
            throw new SqlException($"Unknown table or alias '{qualifier}' in '{column}'.");
        var index = Table.ColumnIndex(column.Name);
        if (index < 0)
            throw new SqlException($"Unknown column '{column.Name}' in table '{Table.Name}'.");
        return index;
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
                var lt = Table.Schema.ColumnTypes[li];
                var rt = Table.Schema.ColumnTypes[ri];
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
        var value = Literals.Convert(literal, Table.Schema.ColumnTypes[index], Table.Schema.Typespace, sender, $"column '{column.Name}'");
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
