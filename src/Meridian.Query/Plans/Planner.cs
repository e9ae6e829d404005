using Meridian.Query.Execution;
using Meridian.Query.Sql;
using Meridian.Sats.Types;
using Meridian.Storage.Indexes;
using Meridian.Storage.Schema;

namespace Meridian.Query.Plans;

/// <summary>
/// Chooses how to compute a <see cref="QueryBlock"/>: which source to start from, the order in which
/// the others are joined, and for each the access path — an index lookup when the leading columns of
/// an index are fixed by literals or by columns of sources already bound, a range on a btree index,
/// a hash lookup for an equi-join without an index, else a scan. Each condition is tested at the
/// first step where every source it reads is bound.
/// </summary>
internal static class Planner
{
    /// <summary>The plan for the whole result, starting from the most selective source.</summary>
    public static PhysicalPlan PlanFull(QueryBlock block)
    {
        var first = 0;
        var best = -1;
        for (var s = 0; s < block.Sources.Count; s++)
        {
            var score = Score(ChooseAccess(block, s, bound: 0));
            if (score > best)
                (first, best) = (s, score);
        }
        return Build(block, first, ChooseAccess(block, first, bound: 0));
    }

    /// <summary>
    /// The plan of one delta term: it starts from the rows a commit changed in source
    /// <paramref name="changed"/> and joins the other sources to them.
    /// </summary>
    public static PhysicalPlan PlanDelta(QueryBlock block, int changed) => Build(block, changed, Access.Changes.Instance);

    private static PhysicalPlan Build(QueryBlock block, int first, Access firstAccess)
    {
        var count = block.Sources.Count;
        var order = new List<(int Source, Access Access)> { (first, firstAccess) };
        var bound = 1u << first;
        while (order.Count < count)
        {
            (int Source, Access Access, int Score) next = (-1, Access.Scan.Instance, -1);
            for (var s = 0; s < count; s++)
            {
                if ((bound & (1u << s)) != 0)
                    continue;
                var access = ChooseAccess(block, s, bound);
                var score = Score(access);
                if (score > next.Score)
                    next = (s, access, score);
            }
            order.Add((next.Source, next.Access));
            bound |= 1u << next.Source;
        }

        // Each condition is tested at the first step that binds every source it reads.
        var assigned = new List<BoundExpr>[count];
        for (var i = 0; i < count; i++)
            assigned[i] = [];
        foreach (var conjunct in block.Conjuncts)
        {
            var seen = 0u;
            for (var i = 0; i < count; i++)
            {
                seen |= 1u << order[i].Source;
                if ((conjunct.Sources & ~seen) == 0)
                {
                    assigned[i].Add(conjunct);
                    break;
                }
            }
        }
        var steps = order.Select((o, i) => new PlanStep(o.Source, o.Access, assigned[i], Predicate.CompileAll(assigned[i], block.Sources))).ToList();
        return new PhysicalPlan(block, steps);
    }

    private static int Score(Access access) => access switch
    {
        Access.IndexLookup { Key: var key } when key.All(k => k.Literal is not null) => 4,
        Access.IndexLookup => 3,
        Access.IndexRange => 2,
        Access.HashLookup => 1,
        _ => 0,
    };

    // The best way to find the rows of source s once the sources in `bound` are bound.
    private static Access ChooseAccess(QueryBlock block, int s, uint bound)
    {
        var table = block.Sources[s].Table.Schema;
        var equalities = Equalities(block, s, bound);

        // The index whose leading columns are most covered by equalities (hash indexes need all of them).
        (int Index, int Covered, bool Unique) best = (-1, 0, false);
        for (var i = 0; i < table.Indexes.Count; i++)
        {
            var index = table.Indexes[i];
            var covered = 0;
            while (covered < index.Columns.Count && equalities.ContainsKey(index.Columns[covered]))
                covered++;
            if (covered == 0 || (index.Algorithm == IndexAlgorithm.Hash && covered < index.Columns.Count))
                continue;
            var unique = index.IsUnique && covered == index.Columns.Count;
            if (covered > best.Covered || (covered == best.Covered && unique && !best.Unique))
                best = (i, covered, unique);
        }
        if (best.Index >= 0)
        {
            var columns = table.Indexes[best.Index].Columns;
            return new Access.IndexLookup(best.Index, columns.Take(best.Covered).Select(c => equalities[c]).ToList());
        }

        if (RangeAccess(block, s) is { } range)
            return range;

        // An equi-join on columns without an index: hash the source's rows by those columns.
        var joinColumns = equalities.Where(e => e.Value.Literal is null).ToList();
        if (joinColumns.Count > 0)
        {
            var local = Predicate.CompileAll(block.LocalConjuncts(s), block.Sources);
            return new Access.HashLookup(joinColumns.Select(e => e.Key).ToList(), joinColumns.Select(e => e.Value).ToList(), local);
        }
        return Access.Scan.Instance;
    }

    // Columns of source s fixed by `column = literal` or `column = bound source's column`, usable as byte keys.
    private static Dictionary<int, KeyPart> Equalities(QueryBlock block, int s, uint bound)
    {
        var result = new Dictionary<int, KeyPart>();
        foreach (var conjunct in block.Conjuncts)
        {
            if (conjunct is not BoundExpr.Comparison { Op: SqlComparison.Eq } c || !ValueComparer.For(c.Left.Type, c.Left.Typespace).BytewiseEquality)
                continue;
            switch (c.Left, c.Right)
            {
                case ({ } l, BoundExpr.Literal literal) when l.Ref.Source == s:
                    // A literal narrows more surely than a join column: it wins over one found before.
                    result[l.Ref.Column] = new KeyPart(default, literal.Bsatn);
                    break;
                case ({ } l, BoundExpr.Column r) when l.Ref.Source == s && r.Ref.Source != s && (bound & (1u << r.Ref.Source)) != 0:
                    result.TryAdd(l.Ref.Column, new KeyPart(r.Ref, null));
                    break;
                case ({ } l, BoundExpr.Column r) when r.Ref.Source == s && l.Ref.Source != s && (bound & (1u << l.Ref.Source)) != 0:
                    result.TryAdd(r.Ref.Column, new KeyPart(l.Ref, null));
                    break;
            }
        }
        return result;
    }

    // A range on the first column of a btree index, from `column < literal` style conditions on
    // integers and strings (types whose index order is the comparison order).
    private static Access? RangeAccess(QueryBlock block, int s)
    {
        var table = block.Sources[s].Table.Schema;
        foreach (var (index, i) in table.Indexes.Select((x, i) => (x, i)))
        {
            if (index.Algorithm != IndexAlgorithm.BTree)
                continue;
            var column = index.Columns[0];
            KeyBound lower = default, upper = default;
            var text = new List<string>();
            foreach (var conjunct in block.LocalConjuncts(s))
            {
                if (conjunct is not BoundExpr.Comparison { Right: BoundExpr.Literal literal } c || c.Left.Ref.Column != column || !OrderedInIndex(c.Left.Type))
                    continue;
                switch (c.Op)
                {
                    case SqlComparison.Gt:
                        lower = KeyBound.Exclusive(literal.Bsatn);
                        break;
                    case SqlComparison.GtEq:
                        lower = KeyBound.Inclusive(literal.Bsatn);
                        break;
                    case SqlComparison.Lt:
                        upper = KeyBound.Exclusive(literal.Bsatn);
                        break;
                    case SqlComparison.LtEq:
                        upper = KeyBound.Inclusive(literal.Bsatn);
                        break;
                    default:
                        continue;
                }
                text.Add(c.ToString());
            }
            if (lower.Kind != BoundKind.Unbounded || upper.Kind != BoundKind.Unbounded)
                return new Access.IndexRange(i, IndexScanRange.Between(lower, upper), string.Join(" and ", text));
        }
        return null;
    }

    private static bool OrderedInIndex(AlgebraicType type) => type.Tag is >= AlgebraicTypeTag.I8 and <= AlgebraicTypeTag.U256 or AlgebraicTypeTag.String;
}
