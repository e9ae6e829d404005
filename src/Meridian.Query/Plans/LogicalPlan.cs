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

    /// <summary>At most <see cref="Count"/> rows of the input.</summary>
    public sealed record Limit(LogicalPlan Input, ulong Count) : LogicalPlan;

    /// <summary>One row holding the number of the input's rows, named <see cref="Alias"/>.</summary>
    public sealed record CountRows(LogicalPlan Input, string Alias) : LogicalPlan;

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
            case Limit l:
                sb.Append("Limit ").Append(l.Count).AppendLine();
                l.Input.Describe(sb, depth + 1);
                break;
            case CountRows c:
                sb.Append("Count as ").AppendLine(c.Alias);
                c.Input.Describe(sb, depth + 1);
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
}

/// <summary>One column of a <see cref="Projection.Columns"/> projection.</summary>
/// <param name="Ref">Where it comes from.</param>
/// <param name="Name">Its name in the result.</param>
/// <param name="Type">Its type as declared (may be a reference into <paramref name="Typespace"/>).</param>
/// <param name="Typespace">The typespace of its table.</param>
public sealed record ProjectedColumn(ColumnRef Ref, string Name, AlgebraicType Type, Typespace Typespace);
