using System.Text;
using Meridian.Query.Plans;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Rows;
using Meridian.Storage;
using Meridian.Storage.Changesets;
using Meridian.Storage.Indexes;

namespace Meridian.Query.Execution;

/// <summary>
/// Receives one tuple (a row per source) of a plan's result; <paramref name="sign"/> is -1 for tuples a delta removes.
/// Returns false to stop.
/// </summary>
internal delegate bool TupleSink(ReadOnlyMemory<byte>[] tuple, int sign);

/// <summary>Whether a source's row is one the query may see (row-level security); rows it refuses are skipped.</summary>
internal delegate bool RowFilter(ReadOnlySpan<byte> row);

/// <summary>Rows of a source whose join columns equal a key, from a hash table kept by the caller (instead of one built for the run).</summary>
internal delegate IEnumerable<ReadOnlyMemory<byte>>? HashProbe(int source, Access.HashLookup lookup, ReadOnlyMemory<byte> key);

/// <summary>The rows that entered (+1) and left (-1) a source in one commit: the driving input of a delta term.</summary>
/// <param name="Inserts">Rows that entered.</param>
/// <param name="Deletes">Rows that left.</param>
internal sealed record DeltaRows(RowList Inserts, RowList Deletes)
{
    /// <summary>A table's changes (an event table's rows only enter).</summary>
    public static DeltaRows From(TableChange change) => new(change.Inserts, change.IsEvent ? RowList.Empty : change.Deletes);
}

/// <summary>
/// How a <see cref="QueryBlock"/> is computed: its sources bound one at a time, each through an
/// access path (a scan, an index point or range, an index or hash lookup keyed by columns already
/// bound, or a commit's changed rows), with each condition tested as soon as every source it reads
/// is bound. Built by the <see cref="Planner"/>; the same class runs ad-hoc queries, initial
/// subscription results and the delta terms of live queries.
/// </summary>
internal sealed class PhysicalPlan
{
    internal PhysicalPlan(QueryBlock block, IReadOnlyList<PlanStep> steps)
    {
        Block = block;
        Steps = steps;
    }

    /// <summary>The query.</summary>
    public QueryBlock Block { get; }

    /// <summary>Sources in binding order.</summary>
    public IReadOnlyList<PlanStep> Steps { get; }

    /// <summary>
    /// Runs the plan: source <c>n</c> reads <paramref name="states"/>[n]; a plan that starts with the
    /// changed rows of its first source reads them from <paramref name="delta"/>.
    /// </summary>
    public void Run(IReadOnlyList<StateReader> states, TableChange? delta, TupleSink sink) =>
        Run(states, delta is null ? null : DeltaRows.From(delta), sink, null);

    /// <summary>
    /// Runs the plan with, per source, an optional filter of the rows it may see (<paramref name="visible"/>;
    /// the driving changed rows are taken as given).
    /// </summary>
    public void Run(IReadOnlyList<StateReader> states, DeltaRows? delta, TupleSink sink, IReadOnlyList<RowFilter?>? visible, HashProbe? hashes = null)
    {
        var run = new PlanRun(this, states, delta, sink, visible, hashes);
        run.Bind(0);
    }

    /// <summary>
    /// A rough count of the tuples the plan produces in <paramref name="state"/>, from table sizes and
    /// access paths (a unique lookup finds one row; other lookups a tenth of the table, ranges a
    /// quarter, scans all of it): what <c>row_limit</c> is checked against before a query runs.
    /// </summary>
    public double EstimateRows(StateReader state) => EstimateRows(Enumerable.Repeat(state, Block.Sources.Count).ToArray());

    /// <summary>As <see cref="EstimateRows(StateReader)"/>, with source <c>n</c> read in <paramref name="states"/>[n].</summary>
    public double EstimateRows(IReadOnlyList<StateReader> states)
    {
        var estimate = 1.0;
        foreach (var step in Steps)
        {
            var schema = Block.Sources[step.Source].Table.Schema;
            double count = states[step.Source].Count(schema.Id);
            estimate *= step.Access switch
            {
                Access.IndexLookup l when schema.Indexes[l.Index].IsUnique && l.Key.Count == schema.Indexes[l.Index].Columns.Count => 1,
                Access.IndexLookup or Access.HashLookup => Math.Max(1, count / 10),
                Access.IndexRange => Math.Max(1, count / 4),
                _ => count,
            };
        }
        return estimate;
    }

    /// <summary>The plan as text, one step a line.</summary>
    public string Explain()
    {
        var sb = new StringBuilder();
        foreach (var step in Steps)
        {
            var source = Block.Sources[step.Source];
            sb.Append(step.Access.Describe(source));
            if (step.Conditions.Count > 0)
                sb.Append(" where ").AppendJoin(" and ", step.Conditions);
            sb.AppendLine();
        }
        return sb.ToString().TrimEnd();
    }

    // One run of the plan: the tuple being built, hash tables built on first use, the stop flag.
    private sealed class PlanRun
    {
        private readonly PhysicalPlan _plan;
        private readonly IReadOnlyList<StateReader> _states;
        private readonly DeltaRows? _delta;
        private readonly TupleSink _sink;
        private readonly IReadOnlyList<RowFilter?>? _visible;
        private readonly ReadOnlyMemory<byte>[] _tuple;
        private readonly Dictionary<ByteKey, List<ReadOnlyMemory<byte>>>?[] _hashes;
        private BsatnWriter? _keyWriter; // created on the first lookup key: most runs of a delta term need none
        private BsatnWriter KeyWriter => _keyWriter ??= new BsatnWriter(64);
        private readonly byte[]?[] _keys; // per step: the last lookup key, reused (a step's cursor is done before its next key)
        private int _sign = 1;
        private bool _stopped;

        private readonly HashProbe? _hashProbe;

        public PlanRun(
            PhysicalPlan plan, IReadOnlyList<StateReader> states, DeltaRows? delta, TupleSink sink, IReadOnlyList<RowFilter?>? visible, HashProbe? hashes)
        {
            _hashProbe = hashes;
            _plan = plan;
            _states = states;
            _delta = delta;
            _sink = sink;
            _visible = visible;
            _tuple = new ReadOnlyMemory<byte>[plan.Block.Sources.Count];
            _hashes = new Dictionary<ByteKey, List<ReadOnlyMemory<byte>>>?[plan.Steps.Count];
            _keys = new byte[]?[plan.Steps.Count];
        }

        public void Bind(int index)
        {
            if (_stopped)
                return;
            if (index == _plan.Steps.Count)
            {
                if (!_sink(_tuple, _sign))
                    _stopped = true;
                return;
            }
            var step = _plan.Steps[index];
            var source = _plan.Block.Sources[step.Source];
            var table = source.Table.Schema.Id;
            switch (step.Access)
            {
                case Access.Changes:
                {
                    var change = _delta ?? throw new InvalidOperationException("A delta plan needs the commit's changes.");
                    _sign = 1;
                    Each(index, change.Inserts, filter: false);
                    _sign = -1;
                    Each(index, change.Deletes, filter: false);
                    _sign = 1;
                    return;
                }
                case Access.Scan:
                    Each(index, _states[step.Source].Scan(table));
                    return;
                case Access.IndexRange range:
                    Each(index, _states[step.Source].ScanIndex(table, range.Index, range.Range));
                    return;
                case Access.IndexLookup lookup:
                {
                    var key = StepKey(index, lookup.Key);
                    Each(index, _states[step.Source].ScanIndex(table, lookup.Index, IndexScanRange.WithPrefix(key, lookup.Key.Count)));
                    return;
                }
                case Access.HashLookup hash:
                {
                    if (_hashProbe?.Invoke(step.Source, hash, StepKey(index, hash.Probe)) is { } kept)
                    {
                        foreach (var row in kept)
                        {
                            if (_stopped)
                                return;
                            Try(index, row, filter: false); // the kept table holds only rows passing the source's own conditions
                        }
                        return;
                    }
                    var rows = (_hashes[index] ??= BuildHash(step, hash)).GetValueOrDefault(new ByteKey(Key(hash.Probe)));
                    if (rows is null)
                        return;
                    foreach (var row in rows)
                    {
                        if (_stopped)
                            return;
                        Try(index, row, filter: false); // filtered when the hash table was built
                    }
                    return;
                }
            }
        }

        private void Each(int index, RowCursor cursor)
        {
            while (!_stopped && cursor.MoveNext())
                Try(index, cursor.CurrentMemory);
        }

        private void Each(int index, RowList rows, bool filter)
        {
            for (var i = 0; i < rows.Count && !_stopped; i++)
                Try(index, rows[i], filter);
        }

        private void Try(int index, ReadOnlyMemory<byte> row, bool filter = true)
        {
            var step = _plan.Steps[index];
            if (filter && _visible?[step.Source] is { } visible && !visible(row.Span))
                return;
            _tuple[step.Source] = row;
            if (step.Check is null || step.Check.Test(_tuple))
                Bind(index + 1);
        }

        // The lookup key of one step in that step's reusable buffer (no allocation once it is large enough).
        private ReadOnlyMemory<byte> StepKey(int step, IReadOnlyList<KeyPart> parts)
        {
            KeyWriter.Reset();
            foreach (var part in parts)
            {
                if (part.Literal is { } literal)
                    KeyWriter.WriteRaw(literal);
                else
                    KeyWriter.WriteRaw(_plan.Block.Sources[part.Column.Source].Table.Layout.Column(_tuple[part.Column.Source].Span, part.Column.Column));
            }
            var buffer = _keys[step];
            if (buffer is null || buffer.Length < KeyWriter.Length)
                _keys[step] = buffer = new byte[Math.Max(KeyWriter.Length, 16)];
            KeyWriter.WrittenSpan.CopyTo(buffer);
            return buffer.AsMemory(0, KeyWriter.Length);
        }

        // The key bytes of the bound columns and literals, concatenated (index keys are BSATN columns back to back).
        private byte[] Key(IReadOnlyList<KeyPart> parts)
        {
            KeyWriter.Reset();
            foreach (var part in parts)
            {
                if (part.Literal is { } literal)
                    KeyWriter.WriteRaw(literal);
                else
                    KeyWriter.WriteRaw(_plan.Block.Sources[part.Column.Source].Table.Layout.Column(_tuple[part.Column.Source].Span, part.Column.Column));
            }
            return KeyWriter.ToArray();
        }

        // Every row of the step's source that passes its own conditions, grouped by its build-side key.
        private Dictionary<ByteKey, List<ReadOnlyMemory<byte>>> BuildHash(PlanStep step, Access.HashLookup hash)
        {
            var source = _plan.Block.Sources[step.Source];
            var layout = source.Table.Layout;
            var table = new Dictionary<ByteKey, List<ReadOnlyMemory<byte>>>();
            var probe = new ReadOnlyMemory<byte>[_tuple.Length];
            var cursor = _states[step.Source].Scan(source.Table.Schema.Id);
            var key = new BsatnWriter(64);
            while (cursor.MoveNext())
            {
                var row = cursor.CurrentMemory;
                probe[step.Source] = row;
                if (hash.Local is not null && !hash.Local.Test(probe))
                    continue;
                if (_visible?[step.Source] is { } visible && !visible(row.Span))
                    continue;
                key.Reset();
                foreach (var column in hash.Build)
                    key.WriteRaw(layout.Column(row.Span, column));
                var k = new ByteKey(key.ToArray());
                if (!table.TryGetValue(k, out var list))
                    table[k] = list = [];
                list.Add(row);
            }
            return table;
        }
    }
}

/// <summary>One source bound by a plan: how its rows are found, and the conditions tested once it is bound.</summary>
/// <param name="Source">The source number.</param>
/// <param name="Access">How its rows are found.</param>
/// <param name="Conditions">The conditions tested at this step (for explaining).</param>
/// <param name="Check">Their compiled conjunction (null when none).</param>
internal sealed record PlanStep(int Source, Access Access, IReadOnlyList<BoundExpr> Conditions, Predicate? Check);

/// <summary>One part of an index or hash key: a column of an already bound source, or a literal's BSATN.</summary>
/// <param name="Column">The column (when <paramref name="Literal"/> is null).</param>
/// <param name="Literal">The literal's BSATN.</param>
internal readonly record struct KeyPart(ColumnRef Column, byte[]? Literal)
{
    public override string ToString() => Literal is { } l ? "0x" + Convert.ToHexStringLower(l) : Column.ToString();
}

/// <summary>How a plan step finds the rows of its source.</summary>
internal abstract record Access
{
    private Access()
    {
    }

    public abstract string Describe(PlanSource source);

    /// <summary>Every row.</summary>
    public sealed record Scan : Access
    {
        public static readonly Scan Instance = new();

        public override string Describe(PlanSource source) => $"scan {source.Table.Name} as {source.Alias}";
    }

    /// <summary>The rows a commit inserted (sign +1) and deleted (sign -1): the driving step of a delta term.</summary>
    public sealed record Changes : Access
    {
        public static readonly Changes Instance = new();

        public override string Describe(PlanSource source) => $"changes of {source.Table.Name} as {source.Alias}";
    }

    /// <summary>Rows whose leading index columns equal <see cref="Key"/> (literals, or columns of bound sources).</summary>
    public sealed record IndexLookup(int Index, IReadOnlyList<KeyPart> Key) : Access
    {
        public override string Describe(PlanSource source) =>
            $"index lookup {source.Table.Name} as {source.Alias} via {source.Table.Schema.Indexes[Index].Name} = ({string.Join(", ", Key)})";
    }

    /// <summary>Rows in a range of an index's first column.</summary>
    public sealed record IndexRange(int Index, IndexScanRange Range, string Text) : Access
    {
        public override string Describe(PlanSource source) =>
            $"index range {source.Table.Name} as {source.Alias} via {source.Table.Schema.Indexes[Index].Name} {Text}";
    }

    /// <summary>
    /// Rows whose <see cref="Build"/> columns equal <see cref="Probe"/>, through a hash table built
    /// once per run from the rows passing <see cref="Local"/>: a join on columns without an index.
    /// </summary>
    public sealed record HashLookup(IReadOnlyList<int> Build, IReadOnlyList<KeyPart> Probe, Predicate? Local) : Access
    {
        public override string Describe(PlanSource source)
        {
            var build = string.Join(", ", Build.Select(c => new ColumnRef(source.Number, c)));
            return $"hash lookup {source.Table.Name} as {source.Alias} on ({build}) = ({string.Join(", ", Probe)})";
        }
    }
}
