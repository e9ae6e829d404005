using System.Text;

namespace Meridian.Query.Plans;

/// <summary>
/// A logical plan in normal form: its sources, the conjunction of every ON and WHERE condition, and
/// what it returns. Joins are inner joins, so where a condition was written does not change the
/// result; the planner and the delta rules work on this form, and equal blocks are one query
/// (<see cref="Signature"/>).
/// </summary>
public sealed class QueryBlock
{
    private QueryBlock(IReadOnlyList<PlanSource> sources, IReadOnlyList<BoundExpr> conjuncts, Projection projection, IReadOnlyList<SortKey> order, ulong? limit, ulong offset)
    {
        Sources = sources;
        Conjuncts = conjuncts;
        Projection = projection;
        Order = order;
        Limit = limit;
        Offset = offset;
        Signature = BuildSignature();
    }

    /// <summary>The tables, by source number.</summary>
    public IReadOnlyList<PlanSource> Sources { get; }

    /// <summary>Conditions that must all hold (none: every tuple).</summary>
    public IReadOnlyList<BoundExpr> Conjuncts { get; }

    /// <summary>What a tuple becomes: a source's row, chosen columns, or (grouped) aggregates.</summary>
    public Projection Projection { get; }

    /// <summary>The order of the result (empty: unordered).</summary>
    public IReadOnlyList<SortKey> Order { get; }

    /// <summary>At most this many rows, when set.</summary>
    public ulong? Limit { get; }

    /// <summary>Rows skipped before the first returned.</summary>
    public ulong Offset { get; }

    /// <summary>True when the result is a window of an ordered result (ORDER BY with LIMIT or OFFSET).</summary>
    public bool IsWindow => Order.Count > 0 && (Limit is not null || Offset > 0);

    /// <summary>
    /// The block's identity: tables by id, conditions in canonical form and order, the projection and
    /// modifiers. Queries that differ only in aliases, spacing, quoting, the side a comparison is
    /// written on or the order of AND-ed conditions share it, so a live query is evaluated once for all.
    /// </summary>
    public string Signature { get; }

    /// <summary>Normalises a plan.</summary>
    public static QueryBlock From(LogicalPlan plan)
    {
        ulong? limit = null;
        ulong offset = 0;
        IReadOnlyList<SortKey> order = [];
        Projection? projection = null;
        var conjuncts = new List<BoundExpr>();
        var sources = new List<PlanSource>();
        void Walk(LogicalPlan node)
        {
            switch (node)
            {
                case LogicalPlan.Scan s:
                    sources.Add(s.Source);
                    break;
                case LogicalPlan.Filter f:
                    Walk(f.Input);
                    conjuncts.AddRange(BoundExpr.Conjuncts(f.Predicate));
                    break;
                case LogicalPlan.Join j:
                    Walk(j.Left);
                    Walk(j.Right);
                    conjuncts.AddRange(BoundExpr.Conjuncts(j.On));
                    break;
                case LogicalPlan.Project p:
                    Walk(p.Input);
                    projection = p.Projection;
                    break;
                case LogicalPlan.Sort o:
                    Walk(o.Input);
                    order = o.Keys;
                    break;
                case LogicalPlan.Limit l:
                    Walk(l.Input);
                    limit = l.Count;
                    offset = l.Offset;
                    break;
                case LogicalPlan.Aggregate a:
                    Walk(a.Input);
                    projection = a.Spec;
                    break;
            }
        }
        Walk(plan);
        sources.Sort((a, b) => a.Number.CompareTo(b.Number));
        // TRUE conjuncts say nothing; they are dropped so "WHERE TRUE" is the same query as none.
        conjuncts.RemoveAll(c => c is BoundExpr.Constant { Value: true });
        return new QueryBlock(sources, conjuncts, projection ?? throw new ArgumentException("The plan has no projection.", nameof(plan)), order, limit, offset);
    }

    /// <summary>The conjuncts that read only source <paramref name="source"/> (and maybe no column at all).</summary>
    public IEnumerable<BoundExpr> LocalConjuncts(int source) => Conjuncts.Where(c => (c.Sources & ~(1u << source)) == 0);

    private string BuildSignature()
    {
        var sb = new StringBuilder();
        sb.AppendJoin(",", Sources.Select(s => s.Table.Schema.Id.Value));
        sb.Append('|').AppendJoin(" AND ", Conjuncts.Select(c => c.Canonical()).Order(StringComparer.Ordinal));
        sb.Append('|');
        switch (Projection)
        {
            case Projection.Rows r:
                sb.Append('#').Append(r.Source.Number).Append(".*");
                break;
            case Projection.Columns c:
                sb.AppendJoin(",", c.Items.Select(i => $"{i.Ref}:{i.Name}"));
                break;
            case Projection.Aggregate a:
                sb.Append("agg:").Append(a);
                break;
        }
        if (Order.Count > 0)
            sb.Append("|order:").AppendJoin(",", Order);
        if (Limit is { } limit)
            sb.Append("|limit:").Append(limit);
        if (Offset > 0)
            sb.Append("|offset:").Append(Offset);
        return sb.ToString();
    }
}
