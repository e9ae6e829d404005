using Meridian.Query.Subscriptions;
using Meridian.Runtime.Subscriptions;
using Meridian.Sats.Rows;
using Meridian.Storage;
using Meridian.Storage.Changesets;
using Meridian.Storage.Schema;

namespace Meridian.Runtime.Views;

/// <summary>
/// The query a view returned, when it can yield a row more than once (a join returns a row once per match),
/// with its rows as a set, as upstream stores a view's rows in a table: it keeps how many times the query
/// holds each row, and a row enters when that count leaves zero and leaves when it returns to zero.
/// </summary>
/// <param name="query">The query the view returned, as a live result under the view's name.</param>
internal sealed class DistinctViewQuery(SqlLiveQuery query) : ILiveQuery
{
    private readonly Dictionary<ByteKey, int> _counts = [];

    /// <summary>The query the view returned.</summary>
    public SqlLiveQuery Query { get; } = query;

    public string Key => Query.Key;

    public string TableName => Query.TableName;

    public string Sql => Query.Sql;

    public IReadOnlyList<TableId> ReadTables => Query.ReadTables;

    public bool IsEvent => false;

    public IReadOnlyList<QueryTrigger> Triggers => Query.Triggers;

    public int TriggerVersion => Query.TriggerVersion;

    // On the pipeline loop, where the first subscriber registers it: the counts its deltas start from.
    public void Prepare(CommittedState position)
    {
        _counts.Clear();
        foreach (var row in Query.Evaluate(position))
        {
            var key = new ByteKey(row.ToArray());
            _counts[key] = _counts.GetValueOrDefault(key) + 1;
        }
    }

    public RowList Evaluate(StateReader state) => Distinct(Query.Evaluate(state));

    public QueryDelta Delta(Changeset changeset, StateReader before, StateReader after)
    {
        var delta = Query.Delta(changeset, before, after);
        if (delta.IsEmpty)
            return delta;
        // The net change per row first, so a row that leaves and comes back in one commit sends nothing.
        var net = new Dictionary<ByteKey, int>();
        var order = new List<ByteKey>();
        void Count(RowList rows, int sign)
        {
            foreach (var row in rows)
            {
                var key = new ByteKey(row);
                if (!net.TryGetValue(key, out var n))
                    order.Add(key);
                net[key] = n + sign;
            }
        }
        Count(delta.Deletes, -1);
        Count(delta.Inserts, 1);
        var inserts = new RowList.Builder();
        var deletes = new RowList.Builder();
        foreach (var key in order)
        {
            var change = net[key];
            if (change == 0)
                continue;
            var had = _counts.GetValueOrDefault(key);
            var has = had + change;
            if (has <= 0)
                _counts.Remove(key);
            else
                _counts[new ByteKey(key.Bytes.ToArray())] = has; // owned bytes: the delta's buffers are not kept
            if (had == 0 && has > 0)
                inserts.Add(key.Bytes.Span);
            else if (had > 0 && has <= 0)
                deletes.Add(key.Bytes.Span);
        }
        var i = inserts.Build();
        var d = deletes.Build();
        return i.Count == 0 && d.Count == 0 ? QueryDelta.None : new QueryDelta(i, d);
    }

    /// <summary>The rows once each, in first-seen order.</summary>
    public static RowList Distinct(RowList rows)
    {
        var seen = new HashSet<ByteKey>();
        var result = new RowList.Builder();
        var repeated = false;
        foreach (var row in rows)
        {
            if (seen.Add(new ByteKey(row)))
                result.Add(row.Span);
            else
                repeated = true;
        }
        return repeated ? result.Build() : rows;
    }
}
