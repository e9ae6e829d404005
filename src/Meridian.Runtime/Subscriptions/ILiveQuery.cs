using Meridian.Query.Subscriptions;
using Meridian.Sats.Rows;
using Meridian.Storage;
using Meridian.Storage.Changesets;
using Meridian.Storage.Schema;

namespace Meridian.Runtime.Subscriptions;

/// <summary>
/// One live result the subscription manager keeps up to date: a compiled SQL query, or a view.
/// Every member is called on the pipeline loop, except <see cref="Evaluate"/>, which may run on the
/// thread pool against any committed version.
/// </summary>
internal interface ILiveQuery
{
    /// <summary>Equal keys give equal results, so one evaluation serves every subscriber.</summary>
    string Key { get; }

    /// <summary>The table name the client receives the rows under.</summary>
    string TableName { get; }

    /// <summary>The query as the client sent it.</summary>
    string Sql { get; }

    /// <summary>Every table whose changes can change the result (as far as known now).</summary>
    IReadOnlyList<TableId> ReadTables { get; }

    /// <summary>True when the rows are events (they are not kept between transactions).</summary>
    bool IsEvent { get; }

    /// <summary>When a commit can change the result (see <see cref="SubscriptionQuery.Triggers"/>).</summary>
    IReadOnlyList<QueryTrigger> Triggers { get; }

    /// <summary>Bumped when <see cref="Triggers"/> change (a view that read other rows this time).</summary>
    int TriggerVersion { get; }

    /// <summary>Called once, on the pipeline loop, when the query is first registered at <paramref name="position"/>.</summary>
    void Prepare(CommittedState position);

    /// <summary>Every row of the result in <paramref name="state"/>.</summary>
    RowList Evaluate(StateReader state);

    /// <summary>What one commit changed in the result; sees, in order, every commit that touches <see cref="Triggers"/>.</summary>
    QueryDelta Delta(Changeset changeset, StateReader before, StateReader after);

    /// <summary>Called once, on the pipeline loop, when the last subscriber lets go of a query that was prepared (it frees what it shared).</summary>
    void Retire()
    {
    }
}

/// <summary>A compiled SQL subscription query as a live result.</summary>
/// <param name="query">The query.</param>
/// <param name="tableName">The name rows are sent under (the query's table unless a view renames it).</param>
/// <param name="key">The sharing key (the query's own unless a view qualifies it).</param>
internal sealed class SqlLiveQuery(SubscriptionQuery query, string? tableName = null, string? key = null) : ILiveQuery
{
    public SubscriptionQuery Query { get; } = query;

    public string Key { get; } = key ?? query.Key;

    public string TableName { get; } = tableName ?? query.Table.Name;

    /// <summary>True when this is the query a view returned (rows go out under the view's name).</summary>
    public bool IsView { get; } = tableName is not null;

    public string Sql => IsView ? $"SELECT * FROM {TableName}" : Query.Sql;

    public IReadOnlyList<TableId> ReadTables => Query.ReadTables;

    public bool IsEvent => Query.Table.Schema.IsEvent;

    public IReadOnlyList<QueryTrigger> Triggers => Query.Triggers;

    public int TriggerVersion => 0;

    public void Prepare(CommittedState position)
    {
    }

    public RowList Evaluate(StateReader state) => Query.Evaluate(state);

    public QueryDelta Delta(Changeset changeset, StateReader before, StateReader after) => Query.Delta(changeset, before, after);
}
