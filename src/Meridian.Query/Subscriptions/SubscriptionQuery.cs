using Meridian.Query.Catalog;
using Meridian.Query.Execution;
using Meridian.Query.Plans;
using Meridian.Query.Sql;
using Meridian.Sats;
using Meridian.Sats.Rows;
using Meridian.Storage;
using Meridian.Storage.Changesets;
using Meridian.Storage.Schema;

namespace Meridian.Query.Subscriptions;

/// <summary>
/// A compiled live query: the rows of one source of a join (or of a single table) for which every
/// condition holds — a row once per matching combination of the other sources' rows, since clients
/// count row references. Evaluated in full for the initial result, and incrementally after each
/// commit by delta rules derived from the same plan: the change of a join of sources S₀…Sₙ₋₁ is
/// the sum, over each source i, of the join with Sᵢ replaced by its changed rows (signed), the
/// sources before i read after the commit and those after i read before it.
/// </summary>
public sealed class SubscriptionQuery
{
    private readonly QueryBlock _block;
    private readonly PlanSource _projected;
    private readonly PhysicalPlan _full;
    private readonly PhysicalPlan[] _deltas;
    private readonly LiveWindow? _window;
    private readonly VisibilityFilter?[]? _filters; // per source, for a client under row-level security
    private readonly Dictionary<(int Source, string Columns), MaintainedHash> _hashes = [];
    private readonly string _key;

    private SubscriptionQuery(string sql, QueryBlock block, PlanSource projected, VisibilityFilter?[]? filters, Identity sender)
    {
        Sql = sql;
        _block = block;
        _projected = projected;
        _full = Planner.PlanFull(block);
        _deltas = block.Sources.Select(s => Planner.PlanDelta(block, s.Number)).ToArray();
        _filters = filters is not null && filters.Any(f => f is not null) ? filters : null;
        ViewNames = block.Sources.Where(s => s.Table.IsView).Select(s => s.Table.Name).Distinct(StringComparer.Ordinal).ToList();
        ReadTables = block.Sources.Where(s => !s.Table.IsView).Select(s => s.Table.Schema.Id)
            .Concat(_filters?.Where(f => f is not null).SelectMany(f => f!.ReadTables) ?? [])
            .Distinct().ToList();
        if (block.IsWindow)
            _window = new LiveWindow(block, _full, projected.Number, FiltersAt);
        // Joins on columns without an index keep their hash tables from one commit to the next.
        foreach (var step in _deltas.SelectMany(d => d.Steps))
        {
            if (step.Access is Access.HashLookup hash && _filters?[step.Source] is null && !block.Sources[step.Source].Table.IsView)
            {
                var maintained = new MaintainedHash(block.Sources[step.Source], hash.Build, hash.Local, block.Sources.Count);
                _hashes.TryAdd((step.Source, string.Join(",", hash.Build)), maintained);
            }
        }
        // Under visibility rules the result depends on who asks, and on the rules' tables too.
        _key = _filters is null ? block.Signature : $"{block.Signature}|visible to {sender.ToHexString()}";
        Triggers = _filters is null ? BuildTriggers(block) : ReadTables.Select(t => new QueryTrigger(t, null, -1, null)).ToList();
    }

    /// <summary>The query text as the client sent it.</summary>
    public string Sql { get; }

    /// <summary>The table whose rows the query returns.</summary>
    public SqlTable Table => _projected.Table;

    /// <summary>
    /// Every table whose changes can change the result, once each (with those its visibility rules read); views the
    /// query joins are not among them (see <see cref="ViewNames"/>).
    /// </summary>
    public IReadOnlyList<TableId> ReadTables { get; }

    /// <summary>
    /// The views the query reads (canonical names, once each): their rows come from a <see cref="ViewInput"/> per view
    /// given to <see cref="Evaluate(StateReader, IReadOnlyDictionary{string, ViewInput}?)"/> and
    /// <see cref="Delta(Changeset, StateReader, StateReader, IReadOnlyDictionary{string, ViewInput}?)"/>.
    /// </summary>
    public IReadOnlyList<string> ViewNames { get; }

    /// <summary>The table (or view) each source reads, by source number (FROM first, then each JOIN).</summary>
    public IReadOnlyList<SqlTable> SourceTables => _block.Sources.Select(s => s.Table).ToList();

    /// <summary>True when the result may hold a row more than once (a join: a row once per matching combination).</summary>
    public bool MayRepeatRows => _block.Sources.Count > 1;

    /// <summary>True for an ordered window (ORDER BY with LIMIT or OFFSET).</summary>
    public bool IsWindow => _window is not null;

    /// <summary>
    /// The query's identity: its normalised plan (<see cref="QueryBlock.Signature"/>), and the client
    /// when visibility rules apply. Equal keys give equal results.
    /// </summary>
    public string Key => _key;

    /// <summary>
    /// When a commit can change the result: for each table read, either any change to it, or (when
    /// the query fixes a column of that table to a value) only a changed row holding that value.
    /// </summary>
    public IReadOnlyList<QueryTrigger> Triggers { get; }

    /// <summary>
    /// Compiles a subscription query; <paramref name="sender"/> is the value of <c>:sender</c>. For a
    /// client other than the owner, tables with <paramref name="visibility"/> rules are read through them.
    /// </summary>
    /// <exception cref="SqlException">The query is invalid or not supported.</exception>
    public static SubscriptionQuery Compile(string sql, ISqlCatalog catalog, Identity sender, bool isOwner, VisibilityRules? visibility = null) =>
        Compile(SqlParser.ParseSubscription(sql), sql, catalog, sender, isOwner, visibility);

    /// <summary>
    /// As <see cref="Compile(string, ISqlCatalog, Identity, bool, VisibilityRules?)"/>, for a query already parsed with
    /// <see cref="SqlParser.ParseSubscription"/> from <paramref name="sql"/> (so a caller that looked at the SELECT parses it once).
    /// </summary>
    /// <exception cref="SqlException">The query is invalid or not supported.</exception>
    public static SubscriptionQuery Compile(
        SelectStatement select, string sql, ISqlCatalog catalog, Identity sender, bool isOwner, VisibilityRules? visibility = null)
    {
        var tables = new List<SqlTable> { Binder.ResolveTable(catalog, select.From.Name, isOwner, select.From.Position) };
        foreach (var join in select.Joins)
            tables.Add(Binder.ResolveTable(catalog, join.Table.Name, isOwner, join.Table.Position));
        SubscriptionRules.Check(select, tables);
        var block = QueryBlock.From(Binder.BindSelect(select, catalog, sender, isOwner));
        SubscriptionRules.CheckViews(block);
        var projected = ((Projection.Rows)block.Projection).Source;
        var filters = !isOwner && visibility is { Any: true } ? visibility.FiltersFor(block.Sources, catalog, sender) : null;
        return new SubscriptionQuery(sql, block, projected, filters, sender);
    }

    /// <summary>
    /// A live query over an already bound block, without <see cref="SubscriptionRules"/>: any number
    /// of inner-joined sources and any conditions. The engine (plans and delta rules) supports every
    /// such block; the rules only keep what clients may subscribe to at upstream's shape, so this is
    /// for tests of the engine and for callers that widen the rules later. The block must return
    /// whole rows of one source.
    /// </summary>
    internal static SubscriptionQuery FromBlock(string sql, QueryBlock block)
    {
        if (block.Projection is not Projection.Rows { Source: var projected } || ((block.Limit is not null || block.Offset > 0) && block.Order.Count == 0))
            throw new ArgumentException("A live query returns whole rows of one source, and a LIMIT or OFFSET only with an ORDER BY.", nameof(block));
        return new SubscriptionQuery(sql, block, projected, null, Identity.Zero);
    }

    /// <summary>
    /// Every row of the result in <paramref name="state"/>, each as many times as it occurs (for a window, its rows in order);
    /// a view the query reads is read from <paramref name="views"/> (its <see cref="ViewInput.After"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The query reads a view that <paramref name="views"/> does not hold.</exception>
    public RowList Evaluate(StateReader state, IReadOnlyDictionary<string, ViewInput>? views = null)
    {
        if (_window is not null)
            return _window.Evaluate(state);
        var rows = new RowList.Builder();
        var states = new StateReader[_block.Sources.Count];
        for (var i = 0; i < states.Length; i++)
            states[i] = _block.Sources[i].Table.IsView ? View(i, views).After : state;
        var projected = _projected.Number;
        _full.Run(states, null, (tuple, _) =>
        {
            rows.Add(tuple[projected].Span);
            return true;
        }, FiltersAt(state));
        return rows.Build();
    }

    // What each source may see in an arbitrary state (rules evaluated afresh), or null without rules.
    private RowFilter?[]? FiltersAt(StateReader state) =>
        _filters?.Select(f => f is null ? null : VisibilityFilter.Filter(f.VisibleAt(state))).ToArray();

    /// <summary>
    /// What one commit changed in the result: rows that entered and rows that left, each as many
    /// times as its multiplicity changed. <paramref name="before"/> and <paramref name="after"/> are the
    /// committed states around the commit. Must see every commit that touches <see cref="Triggers"/>,
    /// in order (windows and visibility rules keep state from one commit to the next).
    /// </summary>
    /// <remarks>
    /// A view the query reads is read from <paramref name="views"/>: its rows before and after the commit, and its changes
    /// (which drive the view's delta term like a table's changed rows).
    /// </remarks>
    /// <exception cref="InvalidOperationException">The query reads a view that <paramref name="views"/> does not hold.</exception>
    public QueryDelta Delta(Changeset changeset, StateReader before, StateReader after, IReadOnlyDictionary<string, ViewInput>? views = null)
    {
        if (_window is not null)
            return _window.Apply(TupleChanges(changeset, before, after), before, after);
        if (_block.Sources.Count == 1 && _filters is null && !_block.Sources[0].Table.IsView)
            return SingleTableDelta(changeset);

        // A row's multiplicity change, summed over every delta term (a row may gain in one and lose in another).
        var net = new Dictionary<ByteKey, int>();
        var order = new List<ByteKey>();
        var projected = _projected.Number;
        RunDeltaTerms(changeset, before, after, views, (tuple, sign) =>
        {
            var key = new ByteKey(tuple[projected]);
            if (net.TryGetValue(key, out var n))
            {
                net[key] = n + sign;
            }
            else
            {
                net[key] = sign;
                order.Add(key);
            }
            return true;
        });
        var inserts = new RowList.Builder();
        var deletes = new RowList.Builder();
        foreach (var key in order)
        {
            var n = net[key];
            if (n > 0)
                inserts.Add(key.Bytes.Span, n);
            else if (n < 0)
                deletes.Add(key.Bytes.Span, -n);
        }
        return new QueryDelta(inserts.Build(), deletes.Build());
    }

    // Runs the delta term of every source the commit changed: the term of source i starts from its
    // changed rows (for a source under visibility rules, the rows that became or stopped being
    // visible), reads sources before i after the commit and sources after i before it.
    private void RunDeltaTerms(Changeset changeset, StateReader before, StateReader after, IReadOnlyDictionary<string, ViewInput>? views, TupleSink sink)
    {
        var count = _block.Sources.Count;
        var changed = new DeltaRows?[count];
        var beforeOf = new StateReader[count];
        var afterOf = new StateReader[count];
        for (var i = 0; i < count; i++)
        {
            if (_block.Sources[i].Table.IsView)
            {
                var view = View(i, views);
                (beforeOf[i], afterOf[i]) = (view.Before, view.After);
                changed[i] = new DeltaRows(view.Inserts, view.Deletes);
                continue;
            }
            (beforeOf[i], afterOf[i]) = (before, after);
            if (_filters?[i] is { } filter)
                changed[i] = filter.Advance(changeset, before, after);
            else if (changeset.For(_block.Sources[i].Table.Schema.Id) is { } change)
                changed[i] = DeltaRows.From(change);
        }
        foreach (var hash in _hashes.Values)
            hash.Advance(changeset, before);
        var states = new StateReader[count];
        var visible = _filters is null ? null : new RowFilter?[count];
        for (var i = 0; i < count; i++)
        {
            if (changed[i] is not { } rows || (rows.Inserts.Count == 0 && rows.Deletes.Count == 0))
                continue;
            for (var j = 0; j < count; j++)
            {
                states[j] = j < i ? afterOf[j] : beforeOf[j];
                if (visible is not null)
                    visible[j] = _filters![j] is { } f ? (j < i ? f.VisibleAfter : f.VisibleBefore) : null;
            }
            var term = i;
            _deltas[i].Run(states, rows, sink, visible, (source, lookup, key) =>
                _hashes.TryGetValue((source, string.Join(",", lookup.Build)), out var kept) ? kept.Probe(key, before: source > term) : null);
        }
    }

    // The commit's changes to the result as whole tuples with signs, netted (a tuple both gained and
    // lost in one commit appears in neither): what an ordered window needs, since its keys may read
    // any source.
    private List<(ReadOnlyMemory<byte>[] Tuple, int Sign)> TupleChanges(Changeset changeset, StateReader before, StateReader after)
    {
        if (_block.Sources.Count == 1 && _filters is null)
        {
            // One table: the commit's rows are already net (a row is inserted or deleted, not both).
            var rows = new List<(ReadOnlyMemory<byte>[], int)>();
            if (changeset.For(_block.Sources[0].Table.Schema.Id) is { } change)
            {
                _deltas[0].Run([], change, (tuple, sign) =>
                {
                    rows.Add(([tuple[0]], sign));
                    return true;
                });
                rows.Sort((a, b) => a.Item2.CompareTo(b.Item2));
            }
            return rows;
        }
        var net = new Dictionary<ByteKey, (ReadOnlyMemory<byte>[] Tuple, int Count)>();
        var order = new List<ByteKey>();
        var key = new Sats.Bsatn.BsatnWriter(64);
        RunDeltaTerms(changeset, before, after, null, (tuple, sign) =>
        {
            key.Reset();
            foreach (var row in tuple)
            {
                key.WriteU32((uint)row.Length);
                key.WriteRaw(row.Span);
            }
            var k = new ByteKey(key.ToArray());
            if (net.TryGetValue(k, out var entry))
            {
                net[k] = (entry.Tuple, entry.Count + sign);
            }
            else
            {
                net[k] = ((ReadOnlyMemory<byte>[])tuple.Clone(), sign);
                order.Add(k);
            }
            return true;
        });
        var changes = new List<(ReadOnlyMemory<byte>[], int)>();
        foreach (var k in order)
        {
            var (tuple, n) = net[k];
            for (var c = 0; c < Math.Abs(n); c++)
                changes.Add((tuple, Math.Sign(n)));
        }
        // Deletions first, so a tuple that leaves and one that enters the window's end are handled in order.
        changes.Sort((a, b) => a.Item2.CompareTo(b.Item2));
        return changes;
    }

    private QueryDelta SingleTableDelta(Changeset changeset)
    {
        if (changeset.For(Table.Schema.Id) is not { } change)
            return QueryDelta.None;
        var deletes = change.IsEvent ? RowList.Empty : change.Deletes;
        // Without conditions the commit's own lists are the result's changes: shared, not copied.
        if (_block.Conjuncts.Count == 0)
            return new QueryDelta(change.Inserts, deletes);
        var inserted = new RowList.Builder();
        var deleted = new RowList.Builder();
        _deltas[0].Run([], change, (tuple, sign) =>
        {
            (sign > 0 ? inserted : deleted).Add(tuple[0].Span);
            return true;
        });
        return new QueryDelta(inserted.Build(), deleted.Build());
    }

    /// <summary>Throws when the initial evaluation is estimated to scan more than <paramref name="rowLimit"/> rows (the database's <c>row_limit</c>).</summary>
    /// <exception cref="SqlException">The query is too large for the limit.</exception>
    public void CheckRowLimit(StateReader state, ulong rowLimit, IReadOnlyDictionary<string, ViewInput>? views = null)
    {
        var states = _block.Sources.Select(s => s.Table.IsView ? View(s.Number, views).After : state).ToArray();
        if (_full.EstimateRows(states) is var estimate && estimate > rowLimit)
            throw SqlExecutor.RowLimitExceeded(estimate, rowLimit);
    }

    private ViewInput View(int source, IReadOnlyDictionary<string, ViewInput>? views)
    {
        var name = _block.Sources[source].Table.Name;
        return views is not null && views.TryGetValue(name, out var input)
            ? input
            : throw new InvalidOperationException($"The query reads view '{name}', but no rows of it were given.");
    }

    /// <summary>The logical plan, the plan of the initial result and the plan of each delta term, as text.</summary>
    public string Explain()
    {
        var parts = new List<string> { $"initial:\n{_full.Explain()}" };
        for (var i = 0; i < _deltas.Length; i++)
            parts.Add($"delta of #{i} ({_block.Sources[i].Alias}):\n{_deltas[i].Explain()}");
        return string.Join("\n", parts);
    }

    private static List<QueryTrigger> BuildTriggers(QueryBlock block)
    {
        var triggers = new List<QueryTrigger>();
        // A view's changes reach the query through its ViewInput: whoever keeps the view triggers on what it read.
        foreach (var group in block.Sources.Where(s => !s.Table.IsView).GroupBy(s => s.Table.Schema.Id))
        {
            var layout = group.First().Table.Layout;
            QueryTrigger trigger = new(group.Key, layout, -1, null);
            // A table read once whose column the query fixes to a literal changes the result only
            // through rows holding that value; a table read twice (self-join) through any row.
            if (group.Count() == 1)
            {
                var source = group.First().Number;
                foreach (var c in block.LocalConjuncts(source))
                {
                    if (c is BoundExpr.Comparison { Op: SqlComparison.Eq, Right: BoundExpr.Literal literal } eq
                        && ValueComparer.For(eq.Left.Type, eq.Left.Typespace).BytewiseEquality)
                    {
                        trigger = new QueryTrigger(group.Key, layout, eq.Left.Ref.Column, literal.Bsatn);
                        break;
                    }
                }
            }
            triggers.Add(trigger);
        }
        return triggers;
    }
}

/// <summary>The rows that entered and left a query's result in one commit.</summary>
/// <param name="Inserts">Rows that entered.</param>
/// <param name="Deletes">Rows that left.</param>
public sealed record QueryDelta(RowList Inserts, RowList Deletes)
{
    /// <summary>No change.</summary>
    public static QueryDelta None { get; } = new(RowList.Empty, RowList.Empty);

    /// <summary>True when nothing entered or left.</summary>
    public bool IsEmpty => Inserts.Count == 0 && Deletes.Count == 0;
}

/// <summary>
/// A table whose changes can move a query's result: any change (<see cref="Column"/> is -1), or only
/// a changed row whose column <see cref="Column"/> holds <see cref="Value"/> (its BSATN).
/// </summary>
/// <param name="Table">The table.</param>
/// <param name="Layout">The table's row layout (to read <paramref name="Column"/> from changed rows; null with no column).</param>
/// <param name="Column">The column the query fixes, or -1.</param>
/// <param name="Value">The value it fixes it to.</param>
public sealed record QueryTrigger(TableId Table, RowLayout? Layout, int Column, byte[]? Value);
