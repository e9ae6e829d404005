using Meridian.Query.Subscriptions;
using Meridian.Runtime.Subscriptions;
using Meridian.Sats.Rows;
using Meridian.Storage;
using Meridian.Storage.Changesets;
using Meridian.Storage.Schema;

namespace Meridian.Runtime.Views;

/// <summary>
/// A subscription to a view with a WHERE (<c>SELECT * FROM view WHERE ...</c>): the whole view as a live
/// result (<paramref name="view"/>, run for the caller unless anonymous, and shared with every other filter
/// and join over it), with the condition applied to the rows that enter and leave it after each commit, never
/// by evaluating the view again for the filter. It is triggered by what the view read, like the whole view.
/// </summary>
/// <param name="view">The whole view's live result (a view returning rows, or the query a view returned).</param>
/// <param name="condition">The subscription's WHERE over the view's row type.</param>
/// <param name="sql">The query as the client sent it.</param>
internal sealed class FilteredViewQuery(ViewHandle view, RowCondition condition, string sql) : ILiveQuery
{
    /// <summary>The whole view's live result (shared with every other query over the view while live).</summary>
    public ILiveQuery View => view.View;

    /// <summary>The condition over the view's rows.</summary>
    public RowCondition Condition { get; } = condition;

    public string Key { get; } = $"{view.Key} where {condition.Signature}";

    public string TableName => View.TableName;

    public string Sql { get; } = sql;

    public IReadOnlyList<TableId> ReadTables => View.ReadTables;

    public bool IsEvent => false;

    public IReadOnlyList<QueryTrigger> Triggers => View.Triggers;

    public int TriggerVersion => View.TriggerVersion;

    public void Prepare(CommittedState position) => view.Prepare(position);

    public void Retire() => view.Retire();

    public RowList Evaluate(StateReader state) => Condition.Filter(View.Evaluate(state));

    public QueryDelta Delta(Changeset changeset, StateReader before, StateReader after)
    {
        var delta = view.Delta(changeset, before, after);
        if (delta.IsEmpty)
            return delta;
        var inserts = Condition.Filter(delta.Inserts);
        var deletes = Condition.Filter(delta.Deletes);
        return inserts.Count == 0 && deletes.Count == 0 ? QueryDelta.None : new QueryDelta(inserts, deletes);
    }
}
