using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace SpacetimeDB;

// The server-side query builder a view returns (module-api.md §6.1). Each piece renders SQL text;
// the host parses it and maintains it as a live query. Tables and columns are named by their
// source names (accessor and field), which the binder resolves like canonical names.

/// <summary>A query over rows of <typeparamref name="TRow"/>, returned by a view.</summary>
/// <typeparam name="TRow">The row type.</typeparam>
[SuppressMessage("Design", "CA1040", Justification = "The row type parameter is the point: it types what a view returns.")]
public interface IQuery<TRow>
{
    /// <summary>The query as SQL.</summary>
    string ToSql();
}

/// <summary>A typed SQL literal.</summary>
/// <typeparam name="T">The value's type.</typeparam>
public readonly struct SqlLiteral<T> : IEquatable<SqlLiteral<T>>
{
    internal SqlLiteral(string sql) => Sql = sql;

    /// <summary>The literal as SQL text.</summary>
    public string Sql { get; }

    /// <inheritdoc />
    public override string ToString() => Sql;

    /// <inheritdoc />
    public bool Equals(SqlLiteral<T> other) => Sql == other.Sql;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SqlLiteral<T> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Sql?.GetHashCode(StringComparison.Ordinal) ?? 0;

    /// <summary>Equality.</summary>
    public static bool operator ==(SqlLiteral<T> left, SqlLiteral<T> right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(SqlLiteral<T> left, SqlLiteral<T> right) => !left.Equals(right);
}

/// <summary>Makes SQL literals.</summary>
public static class SqlLit
{
    /// <summary>A string literal.</summary>
    public static SqlLiteral<string> String(string value) => new(SqlText.Literal(value));

    /// <summary>A boolean literal.</summary>
    public static SqlLiteral<bool> Bool(bool value) => new(SqlText.Literal(value));

    /// <summary>An integer literal.</summary>
    public static SqlLiteral<sbyte> Int(sbyte value) => new(SqlText.Literal(value));

    /// <summary>An integer literal.</summary>
    public static SqlLiteral<byte> Int(byte value) => new(SqlText.Literal(value));

    /// <summary>An integer literal.</summary>
    public static SqlLiteral<short> Int(short value) => new(SqlText.Literal(value));

    /// <summary>An integer literal.</summary>
    public static SqlLiteral<ushort> Int(ushort value) => new(SqlText.Literal(value));

    /// <summary>An integer literal.</summary>
    public static SqlLiteral<int> Int(int value) => new(SqlText.Literal(value));

    /// <summary>An integer literal.</summary>
    public static SqlLiteral<uint> Int(uint value) => new(SqlText.Literal(value));

    /// <summary>An integer literal.</summary>
    public static SqlLiteral<long> Int(long value) => new(SqlText.Literal(value));

    /// <summary>An integer literal.</summary>
    public static SqlLiteral<ulong> Int(ulong value) => new(SqlText.Literal(value));

    /// <summary>An identity literal.</summary>
    public static SqlLiteral<Identity> Identity(Identity value) => new(SqlText.Literal(value));

    /// <summary>A connection id literal.</summary>
    public static SqlLiteral<ConnectionId> ConnectionId(ConnectionId value) => new(SqlText.Literal(value));
}

/// <summary>SQL text for identifiers and values.</summary>
public static class SqlText
{
    /// <summary>A double-quoted identifier.</summary>
    public static string Ident(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A column of a table, both quoted.</summary>
    public static string Column(string table, string column) => Ident(table) + "." + Ident(column);

    /// <summary>A value as a SQL literal; throws <see cref="NotSupportedException"/> for a type SQL cannot spell.</summary>
    public static string Literal<T>(T value) => value switch
    {
        null => throw new ArgumentNullException(nameof(value), "A query builder comparison needs a value, not null."),
        string s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'",
        bool b => b ? "TRUE" : "FALSE",
        sbyte or byte or short or ushort or int or uint or long or ulong or Int128 or UInt128 =>
            ((IFormattable)value).ToString(null, CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        Identity id => "0x" + id.ToString(),
        ConnectionId c => "0x" + c.ToString(),
        _ => throw new NotSupportedException($"The query builder cannot compare with a {typeof(T).Name} value."),
    };
}

/// <summary>A condition on rows of <typeparamref name="TRow"/>.</summary>
/// <typeparam name="TRow">The row type.</typeparam>
/// <param name="sql">The condition as SQL.</param>
public readonly struct BoolExpr<TRow>(string sql) : IEquatable<BoolExpr<TRow>>
{
    /// <summary>The condition as SQL.</summary>
    public string Sql { get; } = sql;

    /// <summary>Both conditions.</summary>
    public BoolExpr<TRow> And(BoolExpr<TRow> other) => new($"({Sql} AND {other.Sql})");

    /// <summary>Either condition.</summary>
    public BoolExpr<TRow> Or(BoolExpr<TRow> other) => new($"({Sql} OR {other.Sql})");

    /// <summary>The negation.</summary>
    public BoolExpr<TRow> Not() => new($"(NOT {Sql})");

    /// <inheritdoc />
    public override string ToString() => Sql;

    /// <summary>A constant condition.</summary>
    [SuppressMessage("Usage", "CA2225", Justification = "Upstream's API: a bool converts to a condition.")]
    public static implicit operator BoolExpr<TRow>(bool value) => new(value ? "TRUE" : "FALSE");

    /// <summary>A bool column as a condition.</summary>
    [SuppressMessage("Usage", "CA2225", Justification = "Upstream's API: a bool column converts to a condition.")]
    public static implicit operator BoolExpr<TRow>(Col<TRow, bool> column) => column.Eq(true);

    /// <summary>An indexed bool column as a condition.</summary>
    [SuppressMessage("Usage", "CA2225", Justification = "Upstream's API: a bool column converts to a condition.")]
    public static implicit operator BoolExpr<TRow>(IxCol<TRow, bool> column) => column.Eq(true);

    /// <inheritdoc />
    public bool Equals(BoolExpr<TRow> other) => Sql == other.Sql;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is BoolExpr<TRow> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Sql?.GetHashCode(StringComparison.Ordinal) ?? 0;

    /// <summary>Equality of the SQL text.</summary>
    public static bool operator ==(BoolExpr<TRow> left, BoolExpr<TRow> right) => left.Equals(right);

    /// <summary>Inequality of the SQL text.</summary>
    public static bool operator !=(BoolExpr<TRow> left, BoolExpr<TRow> right) => !left.Equals(right);
}

/// <summary>A column of <typeparamref name="TRow"/> holding <typeparamref name="TValue"/>.</summary>
/// <typeparam name="TRow">The row type.</typeparam>
/// <typeparam name="TValue">The column type.</typeparam>
/// <param name="tableName">The table.</param>
/// <param name="columnName">The column.</param>
[SuppressMessage("Performance", "CA1815", Justification = "A column reference is not compared.")]
public readonly struct Col<TRow, TValue>(string tableName, string columnName)
{
    /// <summary>The column as SQL.</summary>
    public string RefSql { get; } = SqlText.Column(tableName, columnName);

    /// <summary>Equal to a value.</summary>
    public BoolExpr<TRow> Eq(TValue value) => Compare("=", SqlText.Literal(value));

    /// <summary>Equal to a literal.</summary>
    public BoolExpr<TRow> Eq(SqlLiteral<TValue> value) => Compare("=", value.Sql);

    /// <summary>Equal to another column.</summary>
    public BoolExpr<TRow> Eq(Col<TRow, TValue> other) => Compare("=", other.RefSql);

    /// <summary>Not equal to a value.</summary>
    public BoolExpr<TRow> Neq(TValue value) => Compare("<>", SqlText.Literal(value));

    /// <summary>Not equal to a literal.</summary>
    public BoolExpr<TRow> Neq(SqlLiteral<TValue> value) => Compare("<>", value.Sql);

    /// <summary>Not equal to another column.</summary>
    public BoolExpr<TRow> Neq(Col<TRow, TValue> other) => Compare("<>", other.RefSql);

    /// <summary>Less than a value.</summary>
    public BoolExpr<TRow> Lt(TValue value) => Compare("<", SqlText.Literal(value));

    /// <summary>Less than a literal.</summary>
    public BoolExpr<TRow> Lt(SqlLiteral<TValue> value) => Compare("<", value.Sql);

    /// <summary>Less than another column.</summary>
    public BoolExpr<TRow> Lt(Col<TRow, TValue> other) => Compare("<", other.RefSql);

    /// <summary>At most a value.</summary>
    public BoolExpr<TRow> Lte(TValue value) => Compare("<=", SqlText.Literal(value));

    /// <summary>At most a literal.</summary>
    public BoolExpr<TRow> Lte(SqlLiteral<TValue> value) => Compare("<=", value.Sql);

    /// <summary>At most another column.</summary>
    public BoolExpr<TRow> Lte(Col<TRow, TValue> other) => Compare("<=", other.RefSql);

    /// <summary>Greater than a value.</summary>
    public BoolExpr<TRow> Gt(TValue value) => Compare(">", SqlText.Literal(value));

    /// <summary>Greater than a literal.</summary>
    public BoolExpr<TRow> Gt(SqlLiteral<TValue> value) => Compare(">", value.Sql);

    /// <summary>Greater than another column.</summary>
    public BoolExpr<TRow> Gt(Col<TRow, TValue> other) => Compare(">", other.RefSql);

    /// <summary>At least a value.</summary>
    public BoolExpr<TRow> Gte(TValue value) => Compare(">=", SqlText.Literal(value));

    /// <summary>At least a literal.</summary>
    public BoolExpr<TRow> Gte(SqlLiteral<TValue> value) => Compare(">=", value.Sql);

    /// <summary>At least another column.</summary>
    public BoolExpr<TRow> Gte(Col<TRow, TValue> other) => Compare(">=", other.RefSql);

    /// <inheritdoc />
    public override string ToString() => RefSql;

    private BoolExpr<TRow> Compare(string op, string right) => new($"({RefSql} {op} {right})");
}

/// <summary>An indexed column, usable in equality conditions and join conditions.</summary>
/// <typeparam name="TRow">The row type.</typeparam>
/// <typeparam name="TValue">The column type.</typeparam>
/// <param name="tableName">The table.</param>
/// <param name="columnName">The column.</param>
[SuppressMessage("Performance", "CA1815", Justification = "A column reference is not compared.")]
public readonly struct IxCol<TRow, TValue>(string tableName, string columnName)
{
    /// <summary>The column as SQL.</summary>
    public string RefSql { get; } = SqlText.Column(tableName, columnName);

    /// <summary>Equal to a value.</summary>
    public BoolExpr<TRow> Eq(TValue value) => new($"({RefSql} = {SqlText.Literal(value)})");

    /// <summary>Equal to a literal.</summary>
    public BoolExpr<TRow> Eq(SqlLiteral<TValue> value) => new($"({RefSql} = {value.Sql})");

    /// <summary>Not equal to a value.</summary>
    public BoolExpr<TRow> Neq(TValue value) => new($"({RefSql} <> {SqlText.Literal(value)})");

    /// <summary>Not equal to a literal.</summary>
    public BoolExpr<TRow> Neq(SqlLiteral<TValue> value) => new($"({RefSql} <> {value.Sql})");

    /// <summary>A join condition: this column equals an indexed column of another table.</summary>
    public IxJoinEq<TRow, TOtherRow> Eq<TOtherRow>(IxCol<TOtherRow, TValue> other) => new($"{RefSql} = {other.RefSql}");

    /// <inheritdoc />
    public override string ToString() => RefSql;
}

/// <summary>An equi-join condition between indexed columns of two tables.</summary>
/// <typeparam name="TLeftRow">The left row type.</typeparam>
/// <typeparam name="TRightRow">The right row type.</typeparam>
/// <param name="sql">The condition as SQL.</param>
[SuppressMessage("Performance", "CA1815", Justification = "A join condition is not compared.")]
public readonly struct IxJoinEq<TLeftRow, TRightRow>(string sql)
{
    /// <summary>The condition as SQL.</summary>
    public string Sql { get; } = sql;

    /// <inheritdoc />
    public override string ToString() => Sql;
}

/// <summary>A table in the query builder: every row, or filtered with <see cref="Where(Func{TCols, BoolExpr{TRow}})"/>.</summary>
/// <typeparam name="TRow">The row type.</typeparam>
/// <typeparam name="TCols">The generated columns type.</typeparam>
/// <typeparam name="TIxCols">The generated indexed-columns type.</typeparam>
/// <param name="tableName">The table's name.</param>
/// <param name="cols">Its columns.</param>
/// <param name="ixCols">Its indexed columns.</param>
public sealed class Table<TRow, TCols, TIxCols>(string tableName, TCols cols, TIxCols ixCols) : IQuery<TRow>
{
    internal string Name { get; } = tableName;

    internal TCols Cols { get; } = cols;

    internal TIxCols IxCols { get; } = ixCols;

    /// <inheritdoc />
    public string ToSql() => $"SELECT * FROM {SqlText.Ident(Name)}";

    /// <summary>The rows for which <paramref name="predicate"/> holds.</summary>
    public FromWhere<TRow, TCols, TIxCols> Where(Func<TCols, BoolExpr<TRow>> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return new FromWhere<TRow, TCols, TIxCols>(this, predicate(Cols));
    }

    /// <summary>The rows for which <paramref name="predicate"/> holds (it also receives the indexed columns).</summary>
    public FromWhere<TRow, TCols, TIxCols> Where(Func<TCols, TIxCols, BoolExpr<TRow>> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return new FromWhere<TRow, TCols, TIxCols>(this, predicate(Cols, IxCols));
    }

    /// <summary>Same as <see cref="Where(Func{TCols, BoolExpr{TRow}})"/>.</summary>
    public FromWhere<TRow, TCols, TIxCols> Filter(Func<TCols, BoolExpr<TRow>> predicate) => Where(predicate);

    /// <summary>Same as <see cref="Where(Func{TCols, TIxCols, BoolExpr{TRow}})"/>.</summary>
    public FromWhere<TRow, TCols, TIxCols> Filter(Func<TCols, TIxCols, BoolExpr<TRow>> predicate) => Where(predicate);

    /// <summary>The rows of this table that have a matching row in <paramref name="right"/>.</summary>
    public LeftSemiJoin<TRow, TCols, TIxCols, TRightRow, TRightCols, TRightIxCols> LeftSemijoin<TRightRow, TRightCols, TRightIxCols>(
        Table<TRightRow, TRightCols, TRightIxCols> right, Func<TIxCols, TRightIxCols, IxJoinEq<TRow, TRightRow>> on) =>
        new(this, null, right, null, Join(right, on));

    /// <summary>The rows of <paramref name="right"/> that have a matching row in this table.</summary>
    public RightSemiJoin<TRow, TCols, TIxCols, TRightRow, TRightCols, TRightIxCols> RightSemijoin<TRightRow, TRightCols, TRightIxCols>(
        Table<TRightRow, TRightCols, TRightIxCols> right, Func<TIxCols, TRightIxCols, IxJoinEq<TRow, TRightRow>> on) =>
        new(this, null, right, null, Join(right, on));

    internal string Join<TRightRow, TRightCols, TRightIxCols>(
        Table<TRightRow, TRightCols, TRightIxCols> right, Func<TIxCols, TRightIxCols, IxJoinEq<TRow, TRightRow>> on)
    {
        ArgumentNullException.ThrowIfNull(right);
        ArgumentNullException.ThrowIfNull(on);
        if (right.Name == Name)
            throw new NotSupportedException($"The query builder cannot join table '{Name}' with itself.");
        return on(IxCols, right.IxCols).Sql;
    }
}

/// <summary>A filtered table.</summary>
/// <typeparam name="TRow">The row type.</typeparam>
/// <typeparam name="TCols">The generated columns type.</typeparam>
/// <typeparam name="TIxCols">The generated indexed-columns type.</typeparam>
public sealed class FromWhere<TRow, TCols, TIxCols> : IQuery<TRow>
{
    private readonly Table<TRow, TCols, TIxCols> _table;

    internal FromWhere(Table<TRow, TCols, TIxCols> table, BoolExpr<TRow> condition)
    {
        _table = table;
        Condition = condition;
    }

    internal BoolExpr<TRow> Condition { get; }

    /// <inheritdoc />
    public string ToSql() => $"{_table.ToSql()} WHERE {Condition.Sql}";

    /// <summary>Adds a condition (both must hold).</summary>
    public FromWhere<TRow, TCols, TIxCols> Where(Func<TCols, BoolExpr<TRow>> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return new(_table, Condition.And(predicate(_table.Cols)));
    }

    /// <summary>Adds a condition that also receives the indexed columns.</summary>
    public FromWhere<TRow, TCols, TIxCols> Where(Func<TCols, TIxCols, BoolExpr<TRow>> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return new(_table, Condition.And(predicate(_table.Cols, _table.IxCols)));
    }

    /// <summary>Same as <see cref="Where(Func{TCols, BoolExpr{TRow}})"/>.</summary>
    public FromWhere<TRow, TCols, TIxCols> Filter(Func<TCols, BoolExpr<TRow>> predicate) => Where(predicate);

    /// <summary>Same as <see cref="Where(Func{TCols, TIxCols, BoolExpr{TRow}})"/>.</summary>
    public FromWhere<TRow, TCols, TIxCols> Filter(Func<TCols, TIxCols, BoolExpr<TRow>> predicate) => Where(predicate);

    /// <summary>The filtered rows that have a matching row in <paramref name="right"/>.</summary>
    public LeftSemiJoin<TRow, TCols, TIxCols, TRightRow, TRightCols, TRightIxCols> LeftSemijoin<TRightRow, TRightCols, TRightIxCols>(
        Table<TRightRow, TRightCols, TRightIxCols> right, Func<TIxCols, TRightIxCols, IxJoinEq<TRow, TRightRow>> on) =>
        new(_table, Condition.Sql, right, null, _table.Join(right, on));

    /// <summary>The rows of <paramref name="right"/> that have a matching filtered row.</summary>
    public RightSemiJoin<TRow, TCols, TIxCols, TRightRow, TRightCols, TRightIxCols> RightSemijoin<TRightRow, TRightCols, TRightIxCols>(
        Table<TRightRow, TRightCols, TRightIxCols> right, Func<TIxCols, TRightIxCols, IxJoinEq<TRow, TRightRow>> on) =>
        new(_table, Condition.Sql, right, null, _table.Join(right, on));
}

/// <summary>Rows of the left table with a match in the right table.</summary>
/// <typeparam name="TLeftRow">Left row type (the result).</typeparam>
/// <typeparam name="TLeftCols">Left columns.</typeparam>
/// <typeparam name="TLeftIxCols">Left indexed columns.</typeparam>
/// <typeparam name="TRightRow">Right row type.</typeparam>
/// <typeparam name="TRightCols">Right columns.</typeparam>
/// <typeparam name="TRightIxCols">Right indexed columns.</typeparam>
public sealed class LeftSemiJoin<TLeftRow, TLeftCols, TLeftIxCols, TRightRow, TRightCols, TRightIxCols> : IQuery<TLeftRow>
{
    private readonly Table<TLeftRow, TLeftCols, TLeftIxCols> _left;
    private readonly string? _leftCondition;
    private readonly Table<TRightRow, TRightCols, TRightIxCols> _right;
    private readonly string? _rightCondition;
    private readonly string _on;

    internal LeftSemiJoin(
        Table<TLeftRow, TLeftCols, TLeftIxCols> left,
        string? leftCondition,
        Table<TRightRow, TRightCols, TRightIxCols> right,
        string? rightCondition,
        string on)
    {
        _left = left;
        _leftCondition = leftCondition;
        _right = right;
        _rightCondition = rightCondition;
        _on = on;
    }

    /// <summary>Adds a condition on the left (result) rows.</summary>
    public LeftSemiJoin<TLeftRow, TLeftCols, TLeftIxCols, TRightRow, TRightCols, TRightIxCols> Where(Func<TLeftCols, BoolExpr<TLeftRow>> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return new(_left, JoinSql.And(_leftCondition, predicate(_left.Cols).Sql), _right, _rightCondition, _on);
    }

    /// <summary>Same as <see cref="Where(Func{TLeftCols, BoolExpr{TLeftRow}})"/>.</summary>
    public LeftSemiJoin<TLeftRow, TLeftCols, TLeftIxCols, TRightRow, TRightCols, TRightIxCols> Filter(Func<TLeftCols, BoolExpr<TLeftRow>> predicate) =>
        Where(predicate);

    /// <inheritdoc />
    public string ToSql() => JoinSql.Render(_left.Name, _right.Name, _left.Name, _on, _leftCondition, _rightCondition);
}

/// <summary>Rows of the right table with a match in the left table.</summary>
/// <typeparam name="TLeftRow">Left row type.</typeparam>
/// <typeparam name="TLeftCols">Left columns.</typeparam>
/// <typeparam name="TLeftIxCols">Left indexed columns.</typeparam>
/// <typeparam name="TRightRow">Right row type (the result).</typeparam>
/// <typeparam name="TRightCols">Right columns.</typeparam>
/// <typeparam name="TRightIxCols">Right indexed columns.</typeparam>
public sealed class RightSemiJoin<TLeftRow, TLeftCols, TLeftIxCols, TRightRow, TRightCols, TRightIxCols> : IQuery<TRightRow>
{
    private readonly Table<TLeftRow, TLeftCols, TLeftIxCols> _left;
    private readonly string? _leftCondition;
    private readonly Table<TRightRow, TRightCols, TRightIxCols> _right;
    private readonly string? _rightCondition;
    private readonly string _on;

    internal RightSemiJoin(
        Table<TLeftRow, TLeftCols, TLeftIxCols> left,
        string? leftCondition,
        Table<TRightRow, TRightCols, TRightIxCols> right,
        string? rightCondition,
        string on)
    {
        _left = left;
        _leftCondition = leftCondition;
        _right = right;
        _rightCondition = rightCondition;
        _on = on;
    }

    /// <summary>Adds a condition on the right (result) rows.</summary>
    public RightSemiJoin<TLeftRow, TLeftCols, TLeftIxCols, TRightRow, TRightCols, TRightIxCols> Where(Func<TRightCols, BoolExpr<TRightRow>> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return new(_left, _leftCondition, _right, JoinSql.And(_rightCondition, predicate(_right.Cols).Sql), _on);
    }

    /// <summary>Same as <see cref="Where(Func{TRightCols, BoolExpr{TRightRow}})"/>.</summary>
    public RightSemiJoin<TLeftRow, TLeftCols, TLeftIxCols, TRightRow, TRightCols, TRightIxCols> Filter(Func<TRightCols, BoolExpr<TRightRow>> predicate) =>
        Where(predicate);

    /// <inheritdoc />
    public string ToSql() => JoinSql.Render(_left.Name, _right.Name, _right.Name, _on, _leftCondition, _rightCondition);
}

internal static class JoinSql
{
    public static string And(string? a, string b) => a is null ? b : $"({a} AND {b})";

    public static string Render(string left, string right, string result, string on, string? leftCondition, string? rightCondition)
    {
        var sql = $"SELECT {SqlText.Ident(result)}.* FROM {SqlText.Ident(left)} JOIN {SqlText.Ident(right)} ON {on}";
        var where = leftCondition is null ? rightCondition : rightCondition is null ? leftCondition : $"{leftCondition} AND {rightCondition}";
        return where is null ? sql : $"{sql} WHERE {where}";
    }
}
