namespace Meridian.Client;

/// <summary>The left table's rows that have a matching right row (<c>SELECT l.* FROM l JOIN r ON …</c>).</summary>
/// <typeparam name="TLeftRow">The left table's row type (what the query returns).</typeparam>
/// <typeparam name="TLeftCols">The left table's generated <c>Cols</c>.</typeparam>
/// <typeparam name="TLeftIxCols">The left table's generated <c>IxCols</c>.</typeparam>
/// <typeparam name="TRightRow">The right table's row type.</typeparam>
/// <typeparam name="TRightCols">The right table's generated <c>Cols</c>.</typeparam>
/// <typeparam name="TRightIxCols">The right table's generated <c>IxCols</c>.</typeparam>
public sealed class LeftSemiJoin<TLeftRow, TLeftCols, TLeftIxCols, TRightRow, TRightCols, TRightIxCols> : IQuery<TLeftRow>
{
    private readonly Table<TLeftRow, TLeftCols, TLeftIxCols> _left;
    private readonly Table<TRightRow, TRightCols, TRightIxCols> _right;
    private readonly IxJoinEq<TLeftRow, TRightRow> _on;
    private readonly BoolExpr<TLeftRow>? _condition;

    internal LeftSemiJoin(
        Table<TLeftRow, TLeftCols, TLeftIxCols> left, Table<TRightRow, TRightCols, TRightIxCols> right, IxJoinEq<TLeftRow, TRightRow> on,
        BoolExpr<TLeftRow>? condition)
    {
        _left = left;
        _right = right;
        _on = on;
        _condition = condition;
    }

    /// <summary>Adds a condition (AND) on the left rows.</summary>
    public LeftSemiJoin<TLeftRow, TLeftCols, TLeftIxCols, TRightRow, TRightCols, TRightIxCols> Where(Func<TLeftCols, BoolExpr<TLeftRow>> predicate) =>
        new(_left, _right, _on, And(_condition, predicate(_left.Cols)));

    /// <summary>Adds a condition (AND) on the left rows that may also use their indexed columns.</summary>
    public LeftSemiJoin<TLeftRow, TLeftCols, TLeftIxCols, TRightRow, TRightCols, TRightIxCols> Where(
        Func<TLeftCols, TLeftIxCols, BoolExpr<TLeftRow>> predicate) =>
        new(_left, _right, _on, And(_condition, predicate(_left.Cols, _left.IxCols)));

    /// <summary>Another name for <see cref="Where(Func{TLeftCols, BoolExpr{TLeftRow}})"/>.</summary>
    public LeftSemiJoin<TLeftRow, TLeftCols, TLeftIxCols, TRightRow, TRightCols, TRightIxCols> Filter(Func<TLeftCols, BoolExpr<TLeftRow>> predicate) =>
        Where(predicate);

    /// <inheritdoc />
    public string ToSql() =>
        $"SELECT {_left.RefSql}.* FROM {_left.RefSql} JOIN {_right.RefSql} ON {_on.LeftRefSql} = {_on.RightRefSql}"
        + (_condition is { } c ? " WHERE " + c.Sql : "");

    private static BoolExpr<TLeftRow> And(BoolExpr<TLeftRow>? first, BoolExpr<TLeftRow> next) => first is { } f ? f.And(next) : next;
}

/// <summary>The right table's rows that have a matching left row (<c>SELECT r.* FROM l JOIN r ON …</c>).</summary>
/// <typeparam name="TLeftRow">The left table's row type.</typeparam>
/// <typeparam name="TLeftCols">The left table's generated <c>Cols</c>.</typeparam>
/// <typeparam name="TLeftIxCols">The left table's generated <c>IxCols</c>.</typeparam>
/// <typeparam name="TRightRow">The right table's row type (what the query returns).</typeparam>
/// <typeparam name="TRightCols">The right table's generated <c>Cols</c>.</typeparam>
/// <typeparam name="TRightIxCols">The right table's generated <c>IxCols</c>.</typeparam>
public sealed class RightSemiJoin<TLeftRow, TLeftCols, TLeftIxCols, TRightRow, TRightCols, TRightIxCols> : IQuery<TRightRow>
{
    private readonly Table<TLeftRow, TLeftCols, TLeftIxCols> _left;
    private readonly Table<TRightRow, TRightCols, TRightIxCols> _right;
    private readonly IxJoinEq<TLeftRow, TRightRow> _on;
    private readonly BoolExpr<TLeftRow>? _leftCondition;
    private readonly BoolExpr<TRightRow>? _rightCondition;

    internal RightSemiJoin(
        Table<TLeftRow, TLeftCols, TLeftIxCols> left, Table<TRightRow, TRightCols, TRightIxCols> right, IxJoinEq<TLeftRow, TRightRow> on,
        BoolExpr<TLeftRow>? leftCondition, BoolExpr<TRightRow>? rightCondition)
    {
        _left = left;
        _right = right;
        _on = on;
        _leftCondition = leftCondition;
        _rightCondition = rightCondition;
    }

    /// <summary>Adds a condition (AND) on the right rows.</summary>
    public RightSemiJoin<TLeftRow, TLeftCols, TLeftIxCols, TRightRow, TRightCols, TRightIxCols> Where(
        Func<TRightCols, BoolExpr<TRightRow>> predicate) =>
        new(_left, _right, _on, _leftCondition, _rightCondition is { } r ? r.And(predicate(_right.Cols)) : predicate(_right.Cols));

    /// <summary>Adds a condition (AND) on the right rows that may also use their indexed columns.</summary>
    public RightSemiJoin<TLeftRow, TLeftCols, TLeftIxCols, TRightRow, TRightCols, TRightIxCols> Where(
        Func<TRightCols, TRightIxCols, BoolExpr<TRightRow>> predicate)
    {
        var next = predicate(_right.Cols, _right.IxCols);
        return new(_left, _right, _on, _leftCondition, _rightCondition is { } r ? r.And(next) : next);
    }

    /// <summary>Another name for <see cref="Where(Func{TRightCols, BoolExpr{TRightRow}})"/>.</summary>
    public RightSemiJoin<TLeftRow, TLeftCols, TLeftIxCols, TRightRow, TRightCols, TRightIxCols> Filter(
        Func<TRightCols, BoolExpr<TRightRow>> predicate) => Where(predicate);

    /// <inheritdoc />
    public string ToSql()
    {
        var conditions = new List<string>(2);
        if (_leftCondition is { } l)
            conditions.Add(l.Sql);
        if (_rightCondition is { } r)
            conditions.Add(r.Sql);
        return $"SELECT {_right.RefSql}.* FROM {_left.RefSql} JOIN {_right.RefSql} ON {_on.LeftRefSql} = {_on.RightRefSql}"
            + (conditions.Count > 0 ? " WHERE " + string.Join(" AND ", conditions) : "");
    }
}
