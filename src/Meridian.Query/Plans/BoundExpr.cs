using System.Text;
using Meridian.Query.Sql;
using Meridian.Sats.Types;
using Meridian.Sats.Values;

namespace Meridian.Query.Plans;

/// <summary>
/// A condition after binding: columns resolved to (source, column) and literals given the type of the
/// column they meet. Comparisons always have a column on the left.
/// </summary>
public abstract record BoundExpr
{
    private protected BoundExpr()
    {
    }

    /// <summary>Bit <c>1 &lt;&lt; n</c> is set when the expression reads a column of source <c>n</c>.</summary>
    public abstract uint Sources { get; }

    /// <summary>A canonical text that equal conditions share (literals as typed BSATN), for query identity.</summary>
    public string Canonical()
    {
        var sb = new StringBuilder();
        AppendCanonical(sb);
        return sb.ToString();
    }

    internal abstract void AppendCanonical(StringBuilder sb);

    /// <summary>A column of a source; <see cref="Type"/> is resolved (never a reference).</summary>
    public sealed record Column(ColumnRef Ref, AlgebraicType Type, Typespace Typespace) : BoundExpr
    {
        /// <inheritdoc />
        public override uint Sources => 1u << Ref.Source;

        internal override void AppendCanonical(StringBuilder sb) => sb.Append(Ref.ToString());

        /// <inheritdoc />
        public override string ToString() => Ref.ToString();
    }

    /// <summary>A literal already converted to the type of the column it is compared with.</summary>
    public sealed record Literal(AlgebraicValue Value, AlgebraicType Type, Typespace Typespace) : BoundExpr
    {
        private byte[]? _bsatn;

        /// <summary>The value's BSATN (what row bytes are compared with).</summary>
        public byte[] Bsatn => _bsatn ??= Value.ToBsatn();

        /// <inheritdoc />
        public override uint Sources => 0;

        internal override void AppendCanonical(StringBuilder sb) => sb.Append("0x").Append(Convert.ToHexStringLower(Bsatn));

        /// <inheritdoc />
        public override string ToString() => Value.ToString();
    }

    /// <summary><c>Left Op Right</c>, where <see cref="Left"/> is a column and both sides have the same type.</summary>
    public sealed record Comparison(Column Left, SqlComparison Op, BoundExpr Right) : BoundExpr
    {
        /// <inheritdoc />
        public override uint Sources => Left.Sources | Right.Sources;

        internal override void AppendCanonical(StringBuilder sb)
        {
            // Column-to-column comparisons put the lower column first, so a = b and b = a are one condition.
            if (Right is Column r && (r.Ref.Source, r.Ref.Column).CompareTo((Left.Ref.Source, Left.Ref.Column)) < 0)
            {
                new Comparison(r, Flip(Op), Left).AppendCanonical(sb);
                return;
            }
            sb.Append('(');
            Left.AppendCanonical(sb);
            sb.Append(' ').Append(Symbol(Op)).Append(' ');
            Right.AppendCanonical(sb);
            sb.Append(')');
        }

        /// <inheritdoc />
        public override string ToString() => $"{Left} {Symbol(Op)} {Right}";
    }

    /// <summary>Both operands hold.</summary>
    public sealed record And(BoundExpr Left, BoundExpr Right) : BoundExpr
    {
        /// <inheritdoc />
        public override uint Sources => Left.Sources | Right.Sources;

        internal override void AppendCanonical(StringBuilder sb) => AppendSorted(sb, "AND", Conjuncts(this));

        /// <inheritdoc />
        public override string ToString() => $"({Left} AND {Right})";
    }

    /// <summary>Either operand holds.</summary>
    public sealed record Or(BoundExpr Left, BoundExpr Right) : BoundExpr
    {
        /// <inheritdoc />
        public override uint Sources => Left.Sources | Right.Sources;

        internal override void AppendCanonical(StringBuilder sb) => AppendSorted(sb, "OR", Disjuncts(this));

        /// <inheritdoc />
        public override string ToString() => $"({Left} OR {Right})";
    }

    /// <summary>The operand does not hold.</summary>
    public sealed record Not(BoundExpr Operand) : BoundExpr
    {
        /// <inheritdoc />
        public override uint Sources => Operand.Sources;

        internal override void AppendCanonical(StringBuilder sb)
        {
            sb.Append("NOT ");
            Operand.AppendCanonical(sb);
        }

        /// <inheritdoc />
        public override string ToString() => $"NOT {Operand}";
    }

    /// <summary><c>TRUE</c> or <c>FALSE</c>.</summary>
    public sealed record Constant(bool Value) : BoundExpr
    {
        /// <inheritdoc />
        public override uint Sources => 0;

        internal override void AppendCanonical(StringBuilder sb) => sb.Append(Value ? "TRUE" : "FALSE");

        /// <inheritdoc />
        public override string ToString() => Value ? "TRUE" : "FALSE";
    }

    /// <summary>The AND-ed parts of <paramref name="e"/> (itself when it is not an AND).</summary>
    public static IEnumerable<BoundExpr> Conjuncts(BoundExpr? e) => e switch
    {
        null => [],
        And a => Conjuncts(a.Left).Concat(Conjuncts(a.Right)),
        _ => [e],
    };

    private static IEnumerable<BoundExpr> Disjuncts(BoundExpr e) => e is Or o ? Disjuncts(o.Left).Concat(Disjuncts(o.Right)) : [e];

    private static void AppendSorted(StringBuilder sb, string op, IEnumerable<BoundExpr> parts)
    {
        var texts = parts.Select(p => p.Canonical()).Order(StringComparer.Ordinal).ToList();
        sb.Append('(').AppendJoin($" {op} ", texts).Append(')');
    }

    /// <summary>The operator with its sides swapped (<c>a &lt; b</c> is <c>b &gt; a</c>).</summary>
    public static SqlComparison Flip(SqlComparison op) => op switch
    {
        SqlComparison.Lt => SqlComparison.Gt,
        SqlComparison.LtEq => SqlComparison.GtEq,
        SqlComparison.Gt => SqlComparison.Lt,
        SqlComparison.GtEq => SqlComparison.LtEq,
        _ => op,
    };

    /// <summary>The SQL spelling of an operator.</summary>
    public static string Symbol(SqlComparison op) => op switch
    {
        SqlComparison.Eq => "=",
        SqlComparison.NotEq => "!=",
        SqlComparison.Lt => "<",
        SqlComparison.LtEq => "<=",
        SqlComparison.Gt => ">",
        _ => ">=",
    };
}
