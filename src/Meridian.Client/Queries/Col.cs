namespace Meridian.Client;

/// <summary>
/// A column of a table in a typed query (a property of the generated <c>&lt;Table&gt;Cols</c>):
/// compare it with a value or with another column of the same row.
/// </summary>
/// <typeparam name="TRow">The table's row type.</typeparam>
/// <typeparam name="TValue">The column's type (an option column's inner type).</typeparam>
public readonly struct Col<TRow, TValue>
{
    /// <summary>Column <paramref name="columnName"/> of table <paramref name="tableName"/> (as the module names them).</summary>
    public Col(string tableName, string columnName) => RefSql = SqlText.Ident(tableName) + "." + SqlText.Ident(columnName);

    internal string RefSql { get; }

#pragma warning disable CS1591 // The six comparisons read as their names.
    public BoolExpr<TRow> Eq(TValue value) => Compare("=", SqlText.Literal(value));
    public BoolExpr<TRow> Neq(TValue value) => Compare("<>", SqlText.Literal(value));
    public BoolExpr<TRow> Lt(TValue value) => Compare("<", SqlText.Literal(value));
    public BoolExpr<TRow> Lte(TValue value) => Compare("<=", SqlText.Literal(value));
    public BoolExpr<TRow> Gt(TValue value) => Compare(">", SqlText.Literal(value));
    public BoolExpr<TRow> Gte(TValue value) => Compare(">=", SqlText.Literal(value));

    public BoolExpr<TRow> Eq(SqlLiteral<TValue> value) => Compare("=", value.Sql);
    public BoolExpr<TRow> Neq(SqlLiteral<TValue> value) => Compare("<>", value.Sql);
    public BoolExpr<TRow> Lt(SqlLiteral<TValue> value) => Compare("<", value.Sql);
    public BoolExpr<TRow> Lte(SqlLiteral<TValue> value) => Compare("<=", value.Sql);
    public BoolExpr<TRow> Gt(SqlLiteral<TValue> value) => Compare(">", value.Sql);
    public BoolExpr<TRow> Gte(SqlLiteral<TValue> value) => Compare(">=", value.Sql);

    public BoolExpr<TRow> Eq(Col<TRow, TValue> other) => Compare("=", other.RefSql);
    public BoolExpr<TRow> Neq(Col<TRow, TValue> other) => Compare("<>", other.RefSql);
    public BoolExpr<TRow> Lt(Col<TRow, TValue> other) => Compare("<", other.RefSql);
    public BoolExpr<TRow> Lte(Col<TRow, TValue> other) => Compare("<=", other.RefSql);
    public BoolExpr<TRow> Gt(Col<TRow, TValue> other) => Compare(">", other.RefSql);
    public BoolExpr<TRow> Gte(Col<TRow, TValue> other) => Compare(">=", other.RefSql);
#pragma warning restore CS1591

    /// <inheritdoc />
    public override string ToString() => RefSql;

    private BoolExpr<TRow> Compare(string op, string right) => new($"({RefSql} {op} {right})");
}

/// <summary>
/// An indexed column in a typed query (a property of the generated <c>&lt;Table&gt;IxCols</c>): equality
/// with a value, and the join condition of a semijoin with an indexed column of another table.
/// </summary>
/// <typeparam name="TRow">The table's row type.</typeparam>
/// <typeparam name="TValue">The column's type.</typeparam>
public readonly struct IxCol<TRow, TValue>
{
    /// <summary>Column <paramref name="columnName"/> of table <paramref name="tableName"/> (as the module names them).</summary>
    public IxCol(string tableName, string columnName) => RefSql = SqlText.Ident(tableName) + "." + SqlText.Ident(columnName);

    internal string RefSql { get; }

    /// <summary>The column equals <paramref name="value"/>.</summary>
    public BoolExpr<TRow> Eq(TValue value) => new($"({RefSql} = {SqlText.Literal(value)})");

    /// <summary>The column does not equal <paramref name="value"/>.</summary>
    public BoolExpr<TRow> Neq(TValue value) => new($"({RefSql} <> {SqlText.Literal(value)})");

    /// <summary>The column equals <paramref name="value"/>.</summary>
    public BoolExpr<TRow> Eq(SqlLiteral<TValue> value) => new($"({RefSql} = {value.Sql})");

    /// <summary>The column does not equal <paramref name="value"/>.</summary>
    public BoolExpr<TRow> Neq(SqlLiteral<TValue> value) => new($"({RefSql} <> {value.Sql})");

    /// <summary>The join condition: this column equals <paramref name="other"/>, an indexed column of the other table.</summary>
    public IxJoinEq<TRow, TOtherRow> Eq<TOtherRow>(IxCol<TOtherRow, TValue> other) => new(RefSql, other.RefSql);

    /// <inheritdoc />
    public override string ToString() => RefSql;
}

/// <summary>The equality of two indexed columns that a semijoin joins on.</summary>
/// <typeparam name="TLeftRow">The left table's row type.</typeparam>
/// <typeparam name="TRightRow">The right table's row type.</typeparam>
public readonly struct IxJoinEq<TLeftRow, TRightRow>
{
    internal IxJoinEq(string left, string right)
    {
        LeftRefSql = left;
        RightRefSql = right;
    }

    internal string LeftRefSql { get; }

    internal string RightRefSql { get; }
}
