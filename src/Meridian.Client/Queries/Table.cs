namespace Meridian.Client;

/// <summary>
/// A table in a typed query (<c>qb.From.Player()</c>): all its rows, or those <see cref="Where(Func{TCols, BoolExpr{TRow}})"/>
/// selects, or a semijoin with another table on indexed columns.
/// </summary>
/// <typeparam name="TRow">The table's row type.</typeparam>
/// <typeparam name="TCols">The generated <c>&lt;Table&gt;Cols</c>: every column.</typeparam>
/// <typeparam name="TIxCols">The generated <c>&lt;Table&gt;IxCols</c>: the indexed columns.</typeparam>
public sealed class Table<TRow, TCols, TIxCols> : IQuery<TRow>
{
    /// <summary>Table <paramref name="tableName"/> (as the module names it) with its columns.</summary>
    public Table(string tableName, TCols cols, TIxCols ixCols)
    {
        RefSql = SqlText.Ident(tableName ?? throw new ArgumentNullException(nameof(tableName)));
        Cols = cols;
        IxCols = ixCols;
    }

    internal string RefSql { get; }

    internal TCols Cols { get; }

    internal TIxCols IxCols { get; }

    /// <inheritdoc />
    public string ToSql() => $"SELECT * FROM {RefSql}";

    /// <summary>The rows for which <paramref name="predicate"/> holds.</summary>
    public FromWhere<TRow, TCols, TIxCols> Where(Func<TCols, BoolExpr<TRow>> predicate) => new(this, predicate(Cols));

    /// <summary>The rows for which <paramref name="predicate"/> holds (it may also use the indexed columns).</summary>
    public FromWhere<TRow, TCols, TIxCols> Where(Func<TCols, TIxCols, BoolExpr<TRow>> predicate) => new(this, predicate(Cols, IxCols));

    /// <summary>Another name for <see cref="Where(Func{TCols, BoolExpr{TRow}})"/>.</summary>
    public FromWhere<TRow, TCols, TIxCols> Filter(Func<TCols, BoolExpr<TRow>> predicate) => Where(predicate);

    /// <summary>Another name for <see cref="Where(Func{TCols, TIxCols, BoolExpr{TRow}})"/>.</summary>
    public FromWhere<TRow, TCols, TIxCols> Filter(Func<TCols, TIxCols, BoolExpr<TRow>> predicate) => Where(predicate);

    /// <summary>This table's rows that have a matching row in <paramref name="right"/>, joined on indexed columns.</summary>
    public LeftSemiJoin<TRow, TCols, TIxCols, TRightRow, TRightCols, TRightIxCols> LeftSemijoin<TRightRow, TRightCols, TRightIxCols>(
        Table<TRightRow, TRightCols, TRightIxCols> right, Func<TIxCols, TRightIxCols, IxJoinEq<TRow, TRightRow>> on) =>
        new(this, right, on(IxCols, right.IxCols), null);

    /// <summary>The rows of <paramref name="right"/> that have a matching row in this table, joined on indexed columns.</summary>
    public RightSemiJoin<TRow, TCols, TIxCols, TRightRow, TRightCols, TRightIxCols> RightSemijoin<TRightRow, TRightCols, TRightIxCols>(
        Table<TRightRow, TRightCols, TRightIxCols> right, Func<TIxCols, TRightIxCols, IxJoinEq<TRow, TRightRow>> on) =>
        new(this, right, on(IxCols, right.IxCols), null, null);
}

/// <summary>A table's rows that a condition selects; more <c>Where</c> calls add conditions with AND.</summary>
/// <typeparam name="TRow">The table's row type.</typeparam>
/// <typeparam name="TCols">The generated <c>&lt;Table&gt;Cols</c>.</typeparam>
/// <typeparam name="TIxCols">The generated <c>&lt;Table&gt;IxCols</c>.</typeparam>
public sealed class FromWhere<TRow, TCols, TIxCols> : IQuery<TRow>
{
    private readonly Table<TRow, TCols, TIxCols> _table;
    private readonly BoolExpr<TRow> _condition;

    internal FromWhere(Table<TRow, TCols, TIxCols> table, BoolExpr<TRow> condition)
    {
        _table = table;
        _condition = condition;
    }

    /// <summary>Adds a condition (AND).</summary>
    public FromWhere<TRow, TCols, TIxCols> Where(Func<TCols, BoolExpr<TRow>> predicate) => new(_table, _condition.And(predicate(_table.Cols)));

    /// <summary>Adds a condition (AND) that may also use the indexed columns.</summary>
    public FromWhere<TRow, TCols, TIxCols> Where(Func<TCols, TIxCols, BoolExpr<TRow>> predicate) =>
        new(_table, _condition.And(predicate(_table.Cols, _table.IxCols)));

    /// <summary>Another name for <see cref="Where(Func{TCols, BoolExpr{TRow}})"/>.</summary>
    public FromWhere<TRow, TCols, TIxCols> Filter(Func<TCols, BoolExpr<TRow>> predicate) => Where(predicate);

    /// <summary>Another name for <see cref="Where(Func{TCols, TIxCols, BoolExpr{TRow}})"/>.</summary>
    public FromWhere<TRow, TCols, TIxCols> Filter(Func<TCols, TIxCols, BoolExpr<TRow>> predicate) => Where(predicate);

    /// <summary>These rows that have a matching row in <paramref name="right"/>, joined on indexed columns.</summary>
    public LeftSemiJoin<TRow, TCols, TIxCols, TRightRow, TRightCols, TRightIxCols> LeftSemijoin<TRightRow, TRightCols, TRightIxCols>(
        Table<TRightRow, TRightCols, TRightIxCols> right, Func<TIxCols, TRightIxCols, IxJoinEq<TRow, TRightRow>> on) =>
        new(_table, right, on(_table.IxCols, right.IxCols), _condition);

    /// <summary>The rows of <paramref name="right"/> that have a matching row among these, joined on indexed columns.</summary>
    public RightSemiJoin<TRow, TCols, TIxCols, TRightRow, TRightCols, TRightIxCols> RightSemijoin<TRightRow, TRightCols, TRightIxCols>(
        Table<TRightRow, TRightCols, TRightIxCols> right, Func<TIxCols, TRightIxCols, IxJoinEq<TRow, TRightRow>> on) =>
        new(_table, right, on(_table.IxCols, right.IxCols), _condition, null);

    /// <inheritdoc />
    public string ToSql() => $"{_table.ToSql()} WHERE {_condition.Sql}";
}
