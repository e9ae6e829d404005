using System.Text;
using Meridian.Sats.Types;

namespace Meridian.Query.Plans;

/// <summary>
/// What a query computes, after binding and before any choice of how: the tree the binder builds
/// for ad-hoc SELECTs and for subscriptions alike. The planner chooses access paths and a join
/// order for it (<see cref="Planner"/>); for live queries the delta rules derive, from the same
/// plan, how each table's changes move the result (<see cref="QueryBlock"/>).
/// </summary>
public abstract record LogicalPlan
{
    private protected LogicalPlan()
    {
    }

    /// <summary>Every row of one table.</summary>
    public sealed record Scan(PlanSource Source) : LogicalPlan;

    /// <summary>The input's tuples for which <see cref="Predicate"/> holds.</summary>
    public sealed record Filter(LogicalPlan Input, BoundExpr Predicate) : LogicalPlan;

    /// <summary>Inner join: every pair of tuples of both inputs for which <see cref="On"/> holds (all pairs when null).</summary>
    public sealed record Join(LogicalPlan Left, LogicalPlan Right, BoundExpr? On) : LogicalPlan;

    /// <summary>What each tuple of the input becomes in the result.</summary>
    public sealed record Project(LogicalPlan Input, Projection Projection) : LogicalPlan;

    /// <summary>The input's rows in the order of <see cref="Keys"/> (ties broken by the rows' bytes, so the order is total).</summary>
    public sealed record Sort(LogicalPlan Input, IReadOnlyList<SortKey> Keys) : LogicalPlan;

    /// <summary>The input's rows after skipping <see cref="Offset"/>, at most <see cref="Count"/> of them (all when null).</summary>
    public sealed record Limit(LogicalPlan Input, ulong? Count, ulong Offset = 0) : LogicalPlan;

    /// <summary>One row per group of the input (one row in all without GROUP BY), holding its group columns and aggregates.</summary>
    public sealed record Aggregate(LogicalPlan Input, Projection.Aggregate Spec) : LogicalPlan;

    /// <summary>The tree as indented text, one node a line.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        Describe(sb, 0);
        return sb.ToString().TrimEnd();
    }

    private void Describe(StringBuilder sb, int depth)
    {
        sb.Append(' ', depth * 2);
        switch (this)
        {
            case Scan s:
                sb.Append("Scan ").Append(s.Source.Table.Name).Append(" as ").Append(s.Source.Alias).Append(" (#").Append(s.Source.Number).AppendLine(")");
                break;
            case Filter f:
                sb.Append("Filter ").AppendLine(f.Predicate.ToString());
                f.Input.Describe(sb, depth + 1);
                break;
            case Join j:
                sb.Append("Join").AppendLine(j.On is null ? "" : " on " + j.On);
                j.Left.Describe(sb, depth + 1);
                j.Right.Describe(sb, depth + 1);
                break;
            case Project p:
                sb.Append("Project ").AppendLine(p.Projection.ToString());
                p.Input.Describe(sb, depth + 1);
                break;
            case Sort o:
                sb.Append("Sort ").AppendLine(string.Join(", ", o.Keys));
                o.Input.Describe(sb, depth + 1);
                break;
            case Limit l:
                sb.Append("Limit ").Append(l.Count?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "all");
                if (l.Offset > 0)
                    sb.Append(" offset ").Append(l.Offset);
                sb.AppendLine();
                l.Input.Describe(sb, depth + 1);
                break;
            case Aggregate a:
                sb.Append("Aggregate ").AppendLine(a.Spec.ToString());
                a.Input.Describe(sb, depth + 1);
                break;
        }
    }
}

/// <summary>What a query returns for each tuple.</summary>
public abstract record Projection
{
    private protected Projection()
    {
    }

    /// <summary>The whole row of one source (<c>SELECT *</c> or <c>SELECT t.*</c>).</summary>
    public sealed record Rows(PlanSource Source) : Projection
    {
        /// <inheritdoc />
        public override string ToString() => Source.Alias + ".*";
    }

    /// <summary>Chosen columns, each under a name.</summary>
    public sealed record Columns(IReadOnlyList<ProjectedColumn> Items) : Projection
    {
        /// <inheritdoc />
        public override string ToString() => string.Join(", ", Items.Select(i => $"{i.Ref} as {i.Name}"));
    }

    /// <summary>Per group of <see cref="GroupBy"/> (one group in all when empty), the <see cref="Items"/>: group columns and aggregates, in SELECT order.</summary>
    public sealed record Aggregate(IReadOnlyList<ColumnRef> GroupBy, IReadOnlyList<OutputItem> Items) : Projection
    {
        /// <summary>The result's row type.</summary>
        public ProductType RowType => new(Items.Select(i => new ProductTypeElement(i.Name, i.Type)));

        /// <inheritdoc />
        public override string ToString() =>
            (GroupBy.Count > 0 ? $"by ({string.Join(", ", GroupBy)}) " : "") + string.Join(", ", Items);
    }
}

/// <summary>One column of an aggregate's result: a group column or an aggregate of the group's rows.</summary>
public abstract record OutputItem
{
    private protected OutputItem()
    {
    }

    /// <summary>The column's name in the result.</summary>
    public abstract string Name { get; init; }

    /// <summary>The column's type (may be a reference into <see cref="Typespace"/>).</summary>
    public abstract AlgebraicType Type { get; }

    /// <summary>The typespace of the column's type.</summary>
    public abstract Typespace Typespace { get; }

    /// <summary>A group column.</summary>
    public sealed record GroupColumn(ColumnRef Ref, string Name, AlgebraicType ColumnType, Typespace ColumnTypespace) : OutputItem
    {
        /// <inheritdoc />
        public override AlgebraicType Type => ColumnType;

        /// <inheritdoc />
        public override Typespace Typespace => ColumnTypespace;

        /// <inheritdoc />
        public override string ToString() => $"{Ref} as {Name}";
    }

    /// <summary>
    /// An aggregate: COUNT (u64), SUM (i128/u128 of integers up to 64 bits, i256/u256 of wider ones,
    /// f64 of floats; 0 for no rows), MIN and MAX (the argument's type; an option of it when the
    /// query has no GROUP BY, since the one group may be empty).
    /// </summary>
    public sealed record Call(Sql.SqlAggregate Function, ColumnRef? Argument, AlgebraicType ArgumentType, string Name, AlgebraicType ResultType, Typespace ArgumentTypespace) : OutputItem
    {
        /// <inheritdoc />
        public override AlgebraicType Type => ResultType;

        /// <inheritdoc />
        public override Typespace Typespace => ArgumentTypespace;

        /// <inheritdoc />
        public override string ToString() => $"{Function.ToString().ToUpperInvariant()}({(Argument?.ToString() ?? "*")}) as {Name}";
    }
}

/// <summary>
/// One ORDER BY key: a column of a source (for queries returning rows or columns), or a column of
/// the result by position (for aggregates), and its direction.
/// </summary>
/// <param name="Column">The source column, or null when <paramref name="Output"/> is set.</param>
/// <param name="Output">The result column's position, or -1.</param>
/// <param name="Descending">DESC.</param>
/// <param name="Type">The key's resolved type.</param>
/// <param name="Typespace">Its typespace.</param>
public sealed record SortKey(ColumnRef? Column, int Output, bool Descending, AlgebraicType Type, Typespace Typespace)
{
    /// <inheritdoc />
    public override string ToString() => (Column?.ToString() ?? $"output #{Output}") + (Descending ? " desc" : "");
}

/// <summary>One column of a <see cref="Projection.Columns"/> projection.</summary>
/// <param name="Ref">Where it comes from.</param>
/// <param name="Name">Its name in the result.</param>
/// <param name="Type">Its type as declared (may be a reference into <paramref name="Typespace"/>).</param>
/// <param name="Typespace">The typespace of its table.</param>
public sealed record ProjectedColumn(ColumnRef Ref, string Name, AlgebraicType Type, Typespace Typespace);
