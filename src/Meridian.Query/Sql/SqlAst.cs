namespace Meridian.Query.Sql;

/// <summary>A parsed SQL statement.</summary>
public abstract record SqlStatement;

/// <summary><c>SELECT projection FROM from [JOIN ...] [WHERE ...] [GROUP BY ...] [ORDER BY ...] [LIMIT n] [OFFSET m]</c>.</summary>
public sealed record SelectStatement(SqlProjection Projection, TableRef From, IReadOnlyList<SqlJoin> Joins, SqlExpr? Where, ulong? Limit) : SqlStatement
{
    /// <summary>The GROUP BY columns (none when there is no GROUP BY).</summary>
    public IReadOnlyList<SqlExpr.Column> GroupBy { get; init; } = [];

    /// <summary>The ORDER BY keys, most significant first (none when there is no ORDER BY).</summary>
    public IReadOnlyList<SqlOrderItem> OrderBy { get; init; } = [];

    /// <summary>Rows to skip before the first one returned.</summary>
    public ulong? Offset { get; init; }
}

/// <summary><c>EXPLAIN SELECT ...</c>: how the query would run, as text.</summary>
public sealed record ExplainStatement(SelectStatement Select) : SqlStatement;

/// <summary>One ORDER BY key: a column, or the name of a result column (an alias), and its direction.</summary>
/// <param name="Column">The column or result name.</param>
/// <param name="Descending">DESC.</param>
public sealed record SqlOrderItem(SqlExpr.Column Column, bool Descending);

/// <summary>Aggregate functions.</summary>
public enum SqlAggregate
{
    /// <summary><c>COUNT(*)</c> or <c>COUNT(column)</c>.</summary>
    Count,
    /// <summary><c>SUM(column)</c> of an integer or float column.</summary>
    Sum,
    /// <summary><c>MIN(column)</c>.</summary>
    Min,
    /// <summary><c>MAX(column)</c>.</summary>
    Max,
}

/// <summary>One item of a SELECT list that has aggregates: a grouping column or an aggregate.</summary>
public abstract record SqlSelectItem
{
    private SqlSelectItem()
    {
    }

    /// <summary>A column (it must be one of the GROUP BY columns).</summary>
    public sealed record ColumnItem(SqlExpr.Column Column, string? Alias) : SqlSelectItem;

    /// <summary>An aggregate over the group's rows; <see cref="Argument"/> is null for <c>COUNT(*)</c>.</summary>
    public sealed record AggregateItem(SqlAggregate Function, SqlExpr.Column? Argument, string Alias) : SqlSelectItem;
}

/// <summary><c>INSERT INTO table [(columns)] VALUES (...), (...)</c>.</summary>
public sealed record InsertStatement(string Table, IReadOnlyList<string>? Columns, IReadOnlyList<IReadOnlyList<SqlExpr>> Rows) : SqlStatement;

/// <summary><c>DELETE FROM table [WHERE ...]</c>.</summary>
public sealed record DeleteStatement(TableRef Table, SqlExpr? Where) : SqlStatement;

/// <summary><c>UPDATE table SET col = value, ... [WHERE ...]</c>.</summary>
public sealed record UpdateStatement(TableRef Table, IReadOnlyList<(string Column, SqlExpr Value)> Assignments, SqlExpr? Where) : SqlStatement;

/// <summary><c>SET name = value</c>.</summary>
public sealed record SetStatement(string Name, SqlExpr Value) : SqlStatement;

/// <summary><c>SHOW name</c>.</summary>
public sealed record ShowStatement(string Name) : SqlStatement;

/// <summary>A table in FROM or JOIN, with its alias (the table name when none is given).</summary>
public sealed record TableRef(string Name, string? Alias)
{
    /// <summary>The name columns are qualified with.</summary>
    public string EffectiveAlias => Alias ?? Name;

    /// <summary>Where the name starts in the query text (-1 when unknown); not part of equality.</summary>
    public int Position { get; init; } = -1;

    /// <inheritdoc />
    public bool Equals(TableRef? other) => other is not null && Name == other.Name && Alias == other.Alias;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Alias);
}

/// <summary><c>[INNER] JOIN table [alias] [ON predicate]</c>.</summary>
public sealed record SqlJoin(TableRef Table, SqlExpr? On);

/// <summary>What a SELECT returns.</summary>
public abstract record SqlProjection
{
    private SqlProjection()
    {
    }

    /// <summary><c>*</c> or <c>alias.*</c>.</summary>
    public sealed record Star(string? Table) : SqlProjection;

    /// <summary>A list of columns with optional aliases.</summary>
    public sealed record Columns(IReadOnlyList<(SqlExpr.Column Column, string? Alias)> Items) : SqlProjection;

    /// <summary><c>COUNT(*) AS alias</c>.</summary>
    public sealed record Count(string Alias) : SqlProjection;

    /// <summary>A list with aggregates (<c>SUM</c>, <c>MIN</c>, <c>MAX</c>, <c>COUNT</c>) and the grouping columns.</summary>
    public sealed record Aggregates(IReadOnlyList<SqlSelectItem> Items) : SqlProjection;
}

/// <summary>Comparison operators.</summary>
public enum SqlComparison
{
    /// <summary><c>=</c></summary>
    Eq,
    /// <summary><c>!=</c> or <c>&lt;&gt;</c></summary>
    NotEq,
    /// <summary><c>&lt;</c></summary>
    Lt,
    /// <summary><c>&lt;=</c></summary>
    LtEq,
    /// <summary><c>&gt;</c></summary>
    Gt,
    /// <summary><c>&gt;=</c></summary>
    GtEq,
}

/// <summary>An expression in WHERE, ON, VALUES or SET.</summary>
public abstract record SqlExpr
{
    private SqlExpr()
    {
    }

    /// <summary>A column reference, optionally qualified.</summary>
    public sealed record Column(string? Table, string Name) : SqlExpr
    {
        /// <summary>Where the reference starts in the query text (-1 when unknown); not part of equality.</summary>
        public int Position { get; init; } = -1;

        /// <inheritdoc />
        public bool Equals(Column? other) => other is not null && Table == other.Table && Name == other.Name;

        /// <inheritdoc />
        public override int GetHashCode() => HashCode.Combine(Table, Name);

        /// <inheritdoc />
        public override string ToString() => Table is null ? Name : $"{Table}.{Name}";
    }

    /// <summary>An integer or decimal literal, kept as text so it can take the column's type.</summary>
    public sealed record Number(string Text) : SqlExpr;

    /// <summary>A string literal.</summary>
    public sealed record String(string Value) : SqlExpr;

    /// <summary>A hex literal (<c>0x…</c> or <c>X'…'</c>).</summary>
    public sealed record Hex(string Digits) : SqlExpr;

    /// <summary><c>TRUE</c> or <c>FALSE</c>.</summary>
    public sealed record Bool(bool Value) : SqlExpr;

    /// <summary><c>NULL</c>.</summary>
    public sealed record Null : SqlExpr;

    /// <summary>The <c>:sender</c> parameter: the caller's identity.</summary>
    public sealed record Sender : SqlExpr;

    /// <summary>A comparison.</summary>
    public sealed record Compare(SqlExpr Left, SqlComparison Op, SqlExpr Right) : SqlExpr;

    /// <summary><c>a AND b</c>.</summary>
    public sealed record And(SqlExpr Left, SqlExpr Right) : SqlExpr;

    /// <summary><c>a OR b</c>.</summary>
    public sealed record Or(SqlExpr Left, SqlExpr Right) : SqlExpr;

    /// <summary><c>NOT a</c>.</summary>
    public sealed record Not(SqlExpr Operand) : SqlExpr;
}
