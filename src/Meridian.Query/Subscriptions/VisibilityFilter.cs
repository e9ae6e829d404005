using Meridian.Query.Execution;
using Meridian.Sats.Rows;
using Meridian.Storage;
using Meridian.Storage.Changesets;
using Meridian.Storage.Schema;

namespace Meridian.Query.Subscriptions;

/// <summary>
/// The rows of one table that one client may see under the table's visibility rules (row-level
/// security): a row is visible while at least one rule returns it. Kept incrementally: each rule is
/// itself a live query, and a row's count of rule matches moves with the rules' deltas, so a commit
/// that adds or removes a collaborator moves exactly the rows whose count crosses zero.
/// </summary>
internal sealed class VisibilityFilter
{
    private readonly IReadOnlyList<SubscriptionQuery> _rules;
    private readonly Dictionary<ByteKey, int> _counts = [];
    private HashSet<ByteKey> _entered = [];
    private HashSet<ByteKey> _left = [];
    private bool _started;

    public VisibilityFilter(TableId table, IReadOnlyList<SubscriptionQuery> rules)
    {
        Table = table;
        _rules = rules;
        ReadTables = rules.SelectMany(r => r.ReadTables).Append(table).Distinct().ToList();
    }

    /// <summary>The protected table.</summary>
    public TableId Table { get; }

    /// <summary>Every table whose changes can change what is visible.</summary>
    public IReadOnlyList<TableId> ReadTables { get; }

    /// <summary>The visible rows in <paramref name="state"/>, computed afresh (for initial results and one-off reads).</summary>
    public HashSet<ByteKey> VisibleAt(StateReader state)
    {
        var visible = new HashSet<ByteKey>();
        foreach (var rule in _rules)
        {
            foreach (var row in rule.Evaluate(state))
                visible.Add(new ByteKey(row));
        }
        return visible;
    }

    /// <summary>A row filter over <paramref name="visible"/>.</summary>
    public static RowFilter Filter(HashSet<ByteKey> visible) => row => visible.Contains(new ByteKey(row.ToArray()));

    /// <summary>
    /// Moves the visible set across one commit and returns the rows that became visible (inserts) and
    /// that stopped being visible (deletes). The first call starts from <paramref name="before"/>.
    /// </summary>
    public DeltaRows Advance(Changeset changeset, StateReader before, StateReader after)
    {
        if (!_started)
        {
            foreach (var rule in _rules)
            {
                foreach (var row in rule.Evaluate(before))
                    Count(row, 1);
            }
            _started = true;
        }
        var entered = new HashSet<ByteKey>();
        var left = new HashSet<ByteKey>();
        foreach (var rule in _rules)
        {
            var delta = rule.Delta(changeset, before, after);
            foreach (var row in delta.Deletes)
            {
                if (Count(row, -1) == 0 && !entered.Remove(new ByteKey(row)))
                    left.Add(new ByteKey(row.ToArray()));
            }
            foreach (var row in delta.Inserts)
            {
                if (Count(row, 1) == 1 && !left.Remove(new ByteKey(row)))
                    entered.Add(new ByteKey(row.ToArray()));
            }
        }
        _entered = entered;
        _left = left;
        return new DeltaRows(Rows(entered), Rows(left));
    }

    /// <summary>Whether a row is visible after the last commit <see cref="Advance"/> took.</summary>
    public bool VisibleAfter(ReadOnlySpan<byte> row) => _counts.TryGetValue(new ByteKey(row.ToArray()), out var n) && n > 0;

    /// <summary>Whether a row was visible before the last commit <see cref="Advance"/> took.</summary>
    public bool VisibleBefore(ReadOnlySpan<byte> row)
    {
        var key = new ByteKey(row.ToArray());
        return _left.Contains(key) || (!_entered.Contains(key) && _counts.TryGetValue(key, out var n) && n > 0);
    }

    private int Count(ReadOnlyMemory<byte> row, int change)
    {
        var key = new ByteKey(row);
        var n = _counts.GetValueOrDefault(key) + change;
        if (n == 0)
        {
            _counts.Remove(key);
        }
        else
        {
            // Keys outlive the commit's row lists: keep a copy of the bytes.
            _counts.Remove(key);
            _counts[new ByteKey(row.ToArray())] = n;
        }
        return n;
    }

    private static RowList Rows(HashSet<ByteKey> rows)
    {
        var builder = new RowList.Builder(rows.Count);
        foreach (var row in rows)
            builder.Add(row.Bytes.Span);
        return builder.Build();
    }
}
