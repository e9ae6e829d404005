using Meridian.Query.Subscriptions;
using Meridian.Runtime.Subscriptions;
using Meridian.Sats.Rows;
using Meridian.Storage;
using Meridian.Storage.Changesets;
using Meridian.Storage.Schema;

namespace Meridian.Runtime.Views;

/// <summary>
/// A live query that joins views with tables or with each other (<c>SELECT t.* FROM t JOIN v ON t.x = v.id</c>). Each view
/// it reads is a live result of its own (<see cref="JoinedView.Live"/>, for the caller unless anonymous), whose rows are held
/// in a <see cref="ViewStore"/> table; after a commit that touches what a view read, the view's changes move that table, and
/// the query's delta rules run with the view's changes as the changed rows of its source, exactly as a table's changes drive
/// a join — the join is never evaluated again in full. A commit that touches neither the joined tables nor what the views
/// read does no work here (the triggers are the query's plus every view's).
/// </summary>
internal sealed class ViewJoinQuery : ILiveQuery
{
    /// <summary>One view the query reads: its live result, and its table's definition in the query's <see cref="ViewStore"/>.</summary>
    internal sealed record JoinedView(string Name, ViewHandle Live, TableSchema Table);

    private readonly IReadOnlyList<JoinedView> _views;
    private readonly Action<string, Exception> _onError;
    private ViewStore _store;
    private List<QueryTrigger> _triggers = [];
    private int _viewVersions = -1;

    /// <param name="query">The query, compiled with the views as <see cref="ViewStore"/> tables.</param>
    /// <param name="views">The views it reads, once each.</param>
    /// <param name="key">Its sharing key (the query's, qualified by the caller when a view depends on the caller).</param>
    /// <param name="onError">Told when moving a view's table fails after a commit (the query keeps its previous rows).</param>
    public ViewJoinQuery(SubscriptionQuery query, IReadOnlyList<JoinedView> views, string key, Action<string, Exception> onError)
    {
        Query = query;
        _views = views;
        _onError = onError;
        Key = key;
        _store = NewStore();
    }

    /// <summary>The compiled query.</summary>
    public SubscriptionQuery Query { get; }

    /// <summary>The views it reads.</summary>
    public IReadOnlyList<JoinedView> Views => _views;

    public string Key { get; }

    public string TableName => Query.Table.Name;

    public string Sql => Query.Sql;

    public IReadOnlyList<TableId> ReadTables => Query.ReadTables.Concat(_views.SelectMany(v => v.Live.ReadTables)).Distinct().ToList();

    public bool IsEvent => false;

    public IReadOnlyList<QueryTrigger> Triggers
    {
        get
        {
            var versions = TriggerVersion;
            if (versions != _viewVersions)
            {
                _triggers = Query.Triggers.Concat(_views.SelectMany(v => v.Live.Triggers)).ToList();
                _viewVersions = versions;
            }
            return _triggers;
        }
    }

    public int TriggerVersion => _views.Sum(v => v.Live.TriggerVersion);

    public void Prepare(CommittedState position)
    {
        _store = NewStore();
        foreach (var view in _views)
        {
            view.Live.Prepare(position);
            _store.Load(view.Name, view.Live.Evaluate(position));
        }
    }

    public void Retire()
    {
        foreach (var view in _views)
            view.Live.Retire();
    }

    public RowList Evaluate(StateReader state)
    {
        // Any version, on any thread: the views are read at that version into a store of this evaluation's own.
        var store = NewStore();
        foreach (var view in _views)
            store.Load(view.Name, view.Live.Evaluate(state));
        return Query.Evaluate(state, store.Unchanged());
    }

    /// <summary>Throws when evaluating the join at <paramref name="state"/> is estimated to scan more than <paramref name="rowLimit"/> rows.</summary>
    /// <exception cref="Query.Sql.SqlException">The query is too large for the limit.</exception>
    public void CheckRowLimit(StateReader state, ulong rowLimit)
    {
        var store = NewStore();
        foreach (var view in _views)
            store.Load(view.Name, view.Live.Evaluate(state));
        Query.CheckRowLimit(state, rowLimit, store.Unchanged());
    }

    /// <summary>The result as the subscribers hold it: the views' rows as last moved, joined with the tables in <paramref name="tables"/>.</summary>
    public RowList Current(StateReader tables) => Query.Evaluate(tables, _store.Unchanged());

    public QueryDelta Delta(Changeset changeset, StateReader before, StateReader after)
    {
        var changes = new Dictionary<string, QueryDelta>(StringComparer.Ordinal);
        foreach (var view in _views)
        {
            // A view sees only the commits that touch what it read, as if it were subscribed alone.
            if (!Touches(view.Live.Triggers, changeset))
                continue;
            var delta = view.Live.Delta(changeset, before, after);
            if (!delta.IsEmpty)
                changes[view.Name] = delta;
        }
        Dictionary<string, ViewInput> inputs;
        try
        {
            inputs = _store.Apply(changes);
        }
        catch (Exception e)
        {
            _onError(string.Join(", ", changes.Keys), e);
            return QueryDelta.None;
        }
        return Query.Delta(changeset, before, after, inputs);
    }

    private ViewStore NewStore() => new(_views.Select(v => v.Table).ToList());

    /// <summary>Whether a commit changes a row that one of <paramref name="triggers"/> watches.</summary>
    internal static bool Touches(IReadOnlyList<QueryTrigger> triggers, Changeset changeset)
    {
        foreach (var trigger in triggers)
        {
            if (changeset.For(trigger.Table) is not { } change)
                continue;
            if (trigger.Column < 0 || trigger.Layout is null)
                return true;
            if (Holds(trigger, change.Inserts) || Holds(trigger, change.Deletes))
                return true;
        }
        return false;
    }

    private static bool Holds(QueryTrigger trigger, RowList rows)
    {
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i].Span;
            var (start, length) = trigger.Layout!.ColumnRange(row, trigger.Column);
            if (row.Slice(start, length).SequenceEqual(trigger.Value))
                return true;
        }
        return false;
    }
}
