using Meridian.Query.Sql;
using Meridian.Sats.Values;

namespace Meridian.Query.Planning;

/// <summary>A bound WHERE condition over one row (column positions already resolved, literals already typed).</summary>
public abstract class RowPredicate
{
    private protected RowPredicate()
    {
    }

    /// <summary>Whether <paramref name="row"/> satisfies the condition.</summary>
    public abstract bool Matches(ProductValue row);

    /// <summary>The highest column position the condition reads (-1 for none): a join can test it once that many columns are present.</summary>
    internal abstract int MaxColumn { get; }

    internal static bool Compare(AlgebraicValue left, SqlComparison op, AlgebraicValue right) => op switch
    {
        SqlComparison.Eq => left.Equals(right),
        SqlComparison.NotEq => !left.Equals(right),
        SqlComparison.Lt => left.CompareTo(right) < 0,
        SqlComparison.LtEq => left.CompareTo(right) <= 0,
        SqlComparison.Gt => left.CompareTo(right) > 0,
        _ => left.CompareTo(right) >= 0,
    };

    internal sealed class ColumnLiteral(int column, SqlComparison op, AlgebraicValue value) : RowPredicate
    {
        public int Column { get; } = column;

        public SqlComparison Op { get; } = op;

        public AlgebraicValue Value { get; } = value;

        public override bool Matches(ProductValue row) => Compare(row[Column], Op, Value);

        internal override int MaxColumn => Column;

        public override string ToString() => $"#{Column} {Op} {Value}";
    }

    internal sealed class ColumnColumn(int left, SqlComparison op, int right) : RowPredicate
    {
        public override bool Matches(ProductValue row) => Compare(row[left], op, row[right]);

        internal override int MaxColumn => Math.Max(left, right);

        public override string ToString() => $"#{left} {op} #{right}";
    }

    internal sealed class And(RowPredicate left, RowPredicate right) : RowPredicate
    {
        public RowPredicate Left { get; } = left;

        public RowPredicate Right { get; } = right;

        public override bool Matches(ProductValue row) => Left.Matches(row) && Right.Matches(row);

        internal override int MaxColumn => Math.Max(Left.MaxColumn, Right.MaxColumn);

        public override string ToString() => $"({Left} AND {Right})";
    }

    internal sealed class Or(RowPredicate left, RowPredicate right) : RowPredicate
    {
        public override bool Matches(ProductValue row) => left.Matches(row) || right.Matches(row);

        internal override int MaxColumn => Math.Max(left.MaxColumn, right.MaxColumn);

        public override string ToString() => $"({left} OR {right})";
    }

    internal sealed class Not(RowPredicate operand) : RowPredicate
    {
        public override bool Matches(ProductValue row) => !operand.Matches(row);

        internal override int MaxColumn => operand.MaxColumn;

        public override string ToString() => $"NOT {operand}";
    }

    internal sealed class Constant(bool value) : RowPredicate
    {
        public override bool Matches(ProductValue row) => value;

        internal override int MaxColumn => -1;

        public override string ToString() => value ? "TRUE" : "FALSE";
    }
}
