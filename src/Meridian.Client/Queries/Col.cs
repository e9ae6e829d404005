namespace Meridian.Client;

/// <summary>
/// A column of a table in a typed query (a property of the generated <c>&lt;Table&gt;Cols</c>):
/// compare it with a value or with another column of the same row. An optional column is compared
/// with its inner type, as C#'s lifted operators compare <c>int?</c>: a row without a value equals
/// no value and is neither less nor greater than one (so it matches <see cref="Neq(TValue)"/> and
/// none of the orderings); <see cref="IsNull"/> and <see cref="IsNotNull"/> test for the value itself.
/// </summary>
/// <typeparam name="TRow">The table's row type.</typeparam>
/// <typeparam name="TValue">The column's type (an option column's inner type).</typeparam>
public readonly struct Col<TRow, TValue>
{
    /// <summary>Column <paramref name="columnName"/> of table <paramref name="tableName"/> (as the module names them).</summary>
    public Col(string tableName, string columnName)
        : this(tableName, columnName, optional: false)
    {
    }

    /// <summary>
    /// Column <paramref name="columnName"/> of table <paramref name="tableName"/>; <paramref name="optional"/> when it is an
    /// option of <typeparamref name="TValue"/> (the generated bindings say so).
    /// </summary>
    public Col(string tableName, string columnName, bool optional)
    {
        RefSql = SqlText.Ident(tableName) + "." + SqlText.Ident(columnName);
        Optional = optional;
    }

    internal string RefSql { get; }

    /// <summary>Whether the column is optional (an option of <typeparamref name="TValue"/>), so a row may hold no value.</summary>
    public bool Optional { get; }

#pragma warning disable CS1591 // The six comparisons read as their names.
    public BoolExpr<TRow> Eq(TValue value) => Compare("=", SqlText.Literal(value));
    public BoolExpr<TRow> Neq(TValue value) => Compare("<>", SqlText.Literal(value));
    public BoolExpr<TRow> Lt(TValue value) => Order("<", SqlText.Literal(value));
    public BoolExpr<TRow> Lte(TValue value) => Order("<=", SqlText.Literal(value));
    public BoolExpr<TRow> Gt(TValue value) => Order(">", SqlText.Literal(value));
    public BoolExpr<TRow> Gte(TValue value) => Order(">=", SqlText.Literal(value));

    public BoolExpr<TRow> Eq(SqlLiteral<TValue> value) => Compare("=", value.Sql);
    public BoolExpr<TRow> Neq(SqlLiteral<TValue> value) => Compare("<>", value.Sql);
    public BoolExpr<TRow> Lt(SqlLiteral<TValue> value) => Order("<", value.Sql);
    public BoolExpr<TRow> Lte(SqlLiteral<TValue> value) => Order("<=", value.Sql);
    public BoolExpr<TRow> Gt(SqlLiteral<TValue> value) => Order(">", value.Sql);
    public BoolExpr<TRow> Gte(SqlLiteral<TValue> value) => Order(">=", value.Sql);

    public BoolExpr<TRow> Eq(Col<TRow, TValue> other) => Compare("=", other.RefSql);
    public BoolExpr<TRow> Neq(Col<TRow, TValue> other) => Compare("<>", other.RefSql);
    public BoolExpr<TRow> Lt(Col<TRow, TValue> other) => Order("<", other);
    public BoolExpr<TRow> Lte(Col<TRow, TValue> other) => Order("<=", other);
    public BoolExpr<TRow> Gt(Col<TRow, TValue> other) => Order(">", other);
    public BoolExpr<TRow> Gte(Col<TRow, TValue> other) => Order(">=", other);
#pragma warning restore CS1591

    /// <summary>The optional column holds no value (<c>= NULL</c>; beyond upstream, whose SQL has no optional values).</summary>
    /// <exception cref="InvalidOperationException">The column is not optional.</exception>
    public BoolExpr<TRow> IsNull() => Compare("=", NullFor(nameof(IsNull)));

    /// <summary>The optional column holds a value (<c>&lt;&gt; NULL</c>; beyond upstream).</summary>
    /// <exception cref="InvalidOperationException">The column is not optional.</exception>
    public BoolExpr<TRow> IsNotNull() => Compare("<>", NullFor(nameof(IsNotNull)));

    /// <inheritdoc />
    public override string ToString() => RefSql;

    private BoolExpr<TRow> Compare(string op, string right) => new($"({RefSql} {op} {right})");

    // An ordering of an optional column also asks for a value: a row without one is neither less nor greater, as with
    // C#'s int?. Meridian's SQL already reads orderings so; the explicit test keeps that meaning against servers that
    // compared options as SATS sums (none after every value), as Meridian did before.
    private BoolExpr<TRow> Order(string op, string right) =>
        Optional ? new($"(({RefSql} {op} {right}) AND ({RefSql} <> NULL))") : Compare(op, right);

    private BoolExpr<TRow> Order(string op, Col<TRow, TValue> other)
    {
        var condition = $"({RefSql} {op} {other.RefSql})";
        if (Optional)
            condition += $" AND ({RefSql} <> NULL)";
        if (other.Optional)
            condition += $" AND ({other.RefSql} <> NULL)";
        return new(Optional || other.Optional ? $"({condition})" : condition);
    }

    private string NullFor(string test) => Optional
        ? "NULL"
        : throw new InvalidOperationException($"{RefSql} is not an optional column: {test} needs one (an option in the module).");
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
