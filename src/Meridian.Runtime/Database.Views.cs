using Meridian.Query.Catalog;
using Meridian.Query.Execution;
using Meridian.Query.Sql;
using Meridian.Query.Subscriptions;
using Meridian.Runtime.Logging;
using Meridian.Runtime.Modules;
using Meridian.Runtime.Subscriptions;
using Meridian.Runtime.Sql;
using Meridian.Runtime.Views;
using Meridian.Sats;
using Meridian.Sats.Values;
using Meridian.Storage;
using Meridian.Storage.Schema;

namespace Meridian.Runtime;

public sealed partial class Database
{
    /// <summary>
    /// The live query for a subscription to a view (<c>SELECT * FROM view</c>), or null when
    /// <paramref name="sql"/> does not read a view. A view returning rows becomes a
    /// <see cref="ProceduralViewQuery"/> (per caller unless anonymous); a view returning a query is
    /// run once for the caller to get its SQL, which is compiled as a live query read as the owner
    /// (views see every table) and maintained by delta rules like any subscription.
    /// </summary>
    /// <exception cref="SqlException">The view is read in a way not supported, or it failed.</exception>
    private ILiveQuery? CompileView(string sql, Identity sender, ActiveModule active) =>
        active.Schema.Views.Count == 0 ? null : CompileView(SqlParser.ParseSubscription(sql), sender, active);

    /// <summary>As <see cref="CompileView(string, Identity, ActiveModule)"/>, for a parsed SELECT.</summary>
    private ILiveQuery? CompileView(SelectStatement select, Identity sender, ActiveModule active)
    {
        if (active.Schema.Views.Count == 0)
            return null;
        var view = active.Schema.FindView(select.From.Name);
        if (view is null)
        {
            if (select.Joins.Select(j => active.Schema.FindView(j.Table.Name)).FirstOrDefault(v => v is not null) is { } joined)
                throw new SqlException($"View '{joined.Name}' cannot be joined; subscribe to it whole with SELECT * FROM {joined.Name}.");
            return null;
        }
        if (select.Joins.Count > 0 || select.Where is not null || select.Projection is not SqlProjection.Star || select.Limit is not null
            || select.OrderBy.Count > 0)
            throw new SqlException($"View '{view.Name}' can only be subscribed to whole: SELECT * FROM {view.Name}.");
        if (!view.IsQuery)
            return new ProceduralViewQuery(active, view, view.IsAnonymous ? null : sender, Identity, ReportViewError);

        string viewSql;
        try
        {
            var host = new ViewReadHost(_store.Committed, active.TableIds, t => active.Catalog.Tables.First(x => x.Schema.Id == t).Layout,
                SpacetimeDB.Identity.FromBigEndian(Identity.ToBigEndianBytes()));
            viewSql = active.Module.Descriptor.CallView(host, view.Id, SpacetimeDB.Identity.FromBigEndian(sender.ToBigEndianBytes())).Sql
                ?? throw new InvalidOperationException("it returned rows, not a query");
        }
        catch (Exception e)
        {
            throw new SqlException($"View '{view.Name}' failed: {SpacetimeDB.Internal.ModuleDescriptor.ErrorMessage(e)}", e);
        }
        SubscriptionQuery inner;
        try
        {
            inner = SubscriptionQuery.Compile(viewSql, active.Catalog, sender, isOwner: true);
        }
        catch (SqlException e)
        {
            throw new SqlException($"View '{view.Name}' returned a query that cannot be maintained ({viewSql}): {e.Message}", e);
        }
        return new SqlLiveQuery(inner, view.Name, $"view {view.Name}: {inner.Key}");
    }

    /// <summary>A view's rows for an ad-hoc SELECT of a view, decoded, or null when the SELECT reads no view.</summary>
    private SqlStatementResult? SelectView(SelectStatement select, Identity caller, ActiveModule active, CommittedState state)
    {
        if (ViewScratch(select, caller, active, state) is { } scratch)
            return ToResult(SqlExecutor.Query(select, scratch.Catalog, scratch.State, caller, isOwner: true, rowLimit: null), state.LastOffset);
        if (CompileView(select, caller, active) is not { } query)
            return null;
        var view = active.Schema.FindView(select.From.Name)!;
        var rows = query.Evaluate(state);
        var values = new List<ProductValue>(rows.Count);
        foreach (var row in rows)
            values.Add((ProductValue)AlgebraicValue.FromBsatn(row.Span, view.RowType, active.Schema.Typespace));
        return new SqlStatementResult(view.RowType, active.Schema.Typespace, values, 0, 0, 0, state.LastOffset);
    }

    /// <summary>
    /// For a one-off read of one view with a filter, a projection, an order or a limit (upstream's SDKs send
    /// <c>SELECT v.* FROM v WHERE ...</c>; a subscription still takes a view whole): the caller's rows of the view in a
    /// scratch table of the view's row type, where the SELECT then runs like on any table. Null when the SELECT is not
    /// such a read.
    /// </summary>
    /// <exception cref="SqlException">The view failed.</exception>
    private (SqlCatalog Catalog, CommittedState State)? ViewScratch(SelectStatement select, Identity caller, ActiveModule active, CommittedState state)
    {
        if (active.Schema.Views.Count == 0 || select.Joins.Count > 0 || active.Schema.FindView(select.From.Name) is not { } view)
            return null;
        if (select.Where is null && select.Projection is SqlProjection.Star && select.Limit is null && select.OrderBy.Count == 0)
            return null;
        var rows = CompileView($"SELECT * FROM {view.Name}", caller, active)!.Evaluate(state);
        var store = Datastore.CreateInMemory();
        using (var tx = store.BeginTransaction())
        {
            var table = tx.CreateTable(new TableSchema(view.Name, view.RowType, typespace: active.Schema.Typespace));
            foreach (var row in rows)
                tx.Insert(table, row.Span);
            tx.Commit();
        }
        var scratch = store.Committed;
        var columns = view.RowType.Elements.Select((e, i) => e.Name ?? $"col_{i}").ToList();
        var sqlTable = new SqlTable(scratch.GetTable(view.Name), view.Name, view.SourceName, columns, view.ColumnAccessors);
        return (new SqlCatalog([sqlTable]), scratch);
    }

    /// <summary>Runs <paramref name="action"/> on the pipeline loop, where the subscription manager lives (tests).</summary>
    internal Task RunOnPipelineForTests(Action<SubscriptionManager> action) => _pipeline.Post(_ => action(_subscriptions));

    private void ReportViewError(ModuleView view, Exception error) =>
        Log.Write(ModuleLogLevel.Error, view.SourceName,
            $"View '{view.Name}' failed after a commit; its subscribers keep its previous rows: {SpacetimeDB.Internal.ModuleDescriptor.ErrorMessage(error)}",
            _clock);
}
