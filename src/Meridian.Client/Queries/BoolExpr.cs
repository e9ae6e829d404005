namespace Meridian.Client;

/// <summary>A condition on rows of <typeparamref name="TRow"/> in a typed query's <c>WHERE</c>.</summary>
/// <typeparam name="TRow">The row type the condition reads.</typeparam>
public readonly struct BoolExpr<TRow>
{
    /// <summary>A condition from its SQL text (parenthesised where it combines others).</summary>
    public BoolExpr(string sql) => Sql = sql ?? throw new ArgumentNullException(nameof(sql));

    /// <summary>The condition's SQL text.</summary>
    public string Sql { get; }

    /// <summary>Both conditions.</summary>
    public BoolExpr<TRow> And(BoolExpr<TRow> other) => new($"({Sql} AND {other.Sql})");

    /// <summary>Either condition.</summary>
    public BoolExpr<TRow> Or(BoolExpr<TRow> other) => new($"({Sql} OR {other.Sql})");

    /// <summary>The opposite condition.</summary>
    public BoolExpr<TRow> Not() => new($"(NOT {Sql})");

    /// <summary>Both conditions.</summary>
    public static BoolExpr<TRow> operator &(BoolExpr<TRow> left, BoolExpr<TRow> right) => left.And(right);

    /// <summary>Either condition.</summary>
    public static BoolExpr<TRow> operator |(BoolExpr<TRow> left, BoolExpr<TRow> right) => left.Or(right);

    /// <summary>The opposite condition.</summary>
    public static BoolExpr<TRow> operator !(BoolExpr<TRow> value) => value.Not();

    /// <summary>A constant condition: every row or none.</summary>
    public static implicit operator BoolExpr<TRow>(bool value) => new(value ? "TRUE" : "FALSE");

    /// <summary>A boolean column as the condition that it is true.</summary>
    public static implicit operator BoolExpr<TRow>(Col<TRow, bool> column) => column.Eq(true);

    /// <summary>An indexed boolean column as the condition that it is true.</summary>
    public static implicit operator BoolExpr<TRow>(IxCol<TRow, bool> column) => column.Eq(true);

    /// <inheritdoc />
    public override string ToString() => Sql;
}
