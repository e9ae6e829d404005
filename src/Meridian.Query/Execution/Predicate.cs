using Meridian.Query.Plans;
using Meridian.Query.Sql;
using Meridian.Sats.Rows;
using Meridian.Sats.Types;

namespace Meridian.Query.Execution;

/// <summary>
/// A bound condition compiled to run on row bytes: a tuple holds one BSATN row per source, and
/// columns are read in place through each table's <see cref="RowLayout"/>, never by decoding rows.
/// </summary>
internal abstract class Predicate
{
    private protected Predicate()
    {
    }

    /// <summary>Whether the condition holds for <paramref name="tuple"/> (one row per source; only the sources it reads need be set).</summary>
    public abstract bool Test(ReadOnlyMemory<byte>[] tuple);

    /// <summary>Compiles <paramref name="expr"/> for tuples of <paramref name="sources"/>.</summary>
    public static Predicate Compile(BoundExpr expr, IReadOnlyList<PlanSource> sources) => expr switch
    {
        BoundExpr.And a => new AndPredicate(Compile(a.Left, sources), Compile(a.Right, sources)),
        BoundExpr.Or o => new OrPredicate(Compile(o.Left, sources), Compile(o.Right, sources)),
        BoundExpr.Not n => new NotPredicate(Compile(n.Operand, sources)),
        BoundExpr.Constant c => c.Value ? ConstantPredicate.True : ConstantPredicate.False,
        BoundExpr.Comparison { Op: not (SqlComparison.Eq or SqlComparison.NotEq) } c when OptionValueType(c.Left) is { } inner =>
            CompileOptionOrdering(c, inner, sources),
        BoundExpr.Comparison { Right: BoundExpr.Literal literal } c =>
            new ColumnLiteral(c.Left.Ref, sources[c.Left.Ref.Source].Table.Layout, c.Op, literal.Bsatn, ValueComparer.For(c.Left.Type, c.Left.Typespace)),
        BoundExpr.Comparison { Right: BoundExpr.Column right } c =>
            new ColumnColumn(
                c.Left.Ref,
                sources[c.Left.Ref.Source].Table.Layout,
                c.Op,
                right.Ref,
                sources[right.Ref.Source].Table.Layout,
                ValueComparer.For(c.Left.Type, c.Left.Typespace)),
        _ => throw new ArgumentException($"Cannot compile condition {expr}.", nameof(expr)),
    };

    // An option is a sum whose first variant (tag 0) holds the value and whose second (tag 1) is none.
    private const byte SomeTag = 0;

    private static AlgebraicType? OptionValueType(BoundExpr.Column column) =>
        column.Type.SpecialKind == SpecialTypeKind.Option ? ((SumType)column.Type).Variants[SomeTag].Type : null;

    // Equality keeps comparing whole options (none = none, as `= NULL` tests), but an ordering holds only between two
    // values, as C#'s lifted operators on int? and SQL's comparisons with NULL have it: a row without a value is neither
    // less nor greater than anything. Comparing the whole sums would put none after every value.
    private static Predicate CompileOptionOrdering(BoundExpr.Comparison c, AlgebraicType inner, IReadOnlyList<PlanSource> sources)
    {
        var comparer = ValueComparer.For(inner, c.Left.Typespace);
        var leftLayout = sources[c.Left.Ref.Source].Table.Layout;
        return c.Right switch
        {
            // The binder refuses orderings with NULL, so the literal holds a value.
            BoundExpr.Literal literal => new OptionColumnLiteral(c.Left.Ref, leftLayout, c.Op, literal.Bsatn.AsMemory(1), comparer),
            BoundExpr.Column right => new OptionColumnColumn(c.Left.Ref, leftLayout, c.Op, right.Ref, sources[right.Ref.Source].Table.Layout, comparer),
            _ => throw new ArgumentException($"Cannot compile condition {c}.", nameof(c)),
        };
    }

    /// <summary>The conjunction of <paramref name="conjuncts"/>, or null when there are none.</summary>
    public static Predicate? CompileAll(IEnumerable<BoundExpr> conjuncts, IReadOnlyList<PlanSource> sources)
    {
        Predicate? result = null;
        foreach (var c in conjuncts)
        {
            var p = Compile(c, sources);
            result = result is null ? p : new AndPredicate(result, p);
        }
        return result;
    }

    private sealed class ColumnLiteral(ColumnRef column, RowLayout layout, SqlComparison op, byte[] literal, ValueComparer comparer) : Predicate
    {
        public override bool Test(ReadOnlyMemory<byte>[] tuple) =>
            comparer.Test(layout.Column(tuple[column.Source].Span, column.Column), op, literal);
    }

    private sealed class ColumnColumn(
        ColumnRef left, RowLayout leftLayout, SqlComparison op, ColumnRef right, RowLayout rightLayout, ValueComparer comparer) : Predicate
    {
        public override bool Test(ReadOnlyMemory<byte>[] tuple) =>
            comparer.Test(leftLayout.Column(tuple[left.Source].Span, left.Column), op, rightLayout.Column(tuple[right.Source].Span, right.Column));
    }

    private sealed class OptionColumnLiteral(ColumnRef column, RowLayout layout, SqlComparison op, ReadOnlyMemory<byte> value, ValueComparer comparer)
        : Predicate
    {
        public override bool Test(ReadOnlyMemory<byte>[] tuple)
        {
            var option = layout.Column(tuple[column.Source].Span, column.Column);
            return option[0] == SomeTag && comparer.Test(option[1..], op, value.Span);
        }
    }

    private sealed class OptionColumnColumn(
        ColumnRef left, RowLayout leftLayout, SqlComparison op, ColumnRef right, RowLayout rightLayout, ValueComparer comparer) : Predicate
    {
        public override bool Test(ReadOnlyMemory<byte>[] tuple)
        {
            var a = leftLayout.Column(tuple[left.Source].Span, left.Column);
            var b = rightLayout.Column(tuple[right.Source].Span, right.Column);
            return a[0] == SomeTag && b[0] == SomeTag && comparer.Test(a[1..], op, b[1..]);
        }
    }

    private sealed class AndPredicate(Predicate left, Predicate right) : Predicate
    {
        public override bool Test(ReadOnlyMemory<byte>[] tuple) => left.Test(tuple) && right.Test(tuple);
    }

    private sealed class OrPredicate(Predicate left, Predicate right) : Predicate
    {
        public override bool Test(ReadOnlyMemory<byte>[] tuple) => left.Test(tuple) || right.Test(tuple);
    }

    private sealed class NotPredicate(Predicate operand) : Predicate
    {
        public override bool Test(ReadOnlyMemory<byte>[] tuple) => !operand.Test(tuple);
    }

    private sealed class ConstantPredicate(bool value) : Predicate
    {
        public static readonly ConstantPredicate True = new(true);
        public static readonly ConstantPredicate False = new(false);

        public override bool Test(ReadOnlyMemory<byte>[] tuple) => value;
    }
}
