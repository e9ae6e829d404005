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
using Meridian.Sats.Rows;
using Meridian.Sats.Values;
using Meridian.Storage;
using Meridian.Storage.Schema;

namespace Meridian.Runtime;

public sealed partial class Database
{
    // The whole views that filtered subscriptions and joins read, shared among them (pipeline loop only).
    private readonly ViewInstances _viewInstances = new();

    /// <summary>
    /// The live query for a subscription to a view (<c>SELECT * FROM view [WHERE ...]</c>), or null when
    /// <paramref name="sql"/> does not read a view. A view returning rows becomes a
    /// <see cref="ProceduralViewQuery"/> (per caller unless anonymous); a view returning a query is
    /// run once for the caller to get its SQL, which is compiled as a live query read as the owner
    /// (views see every table) and maintained by delta rules like any subscription. A WHERE is applied
    /// to the whole view's rows as they enter and leave (<see cref="FilteredViewQuery"/>).
    /// </summary>
    /// <exception cref="SqlException">The view is read in a way not supported, or it failed.</exception>
    private ILiveQuery? CompileView(string sql, Identity sender, ActiveModule active) =>
        active.Schema.Views.Count == 0 ? null : CompileView(SqlParser.ParseSubscription(sql), sql, sender, active);

    /// <summary>As <see cref="CompileView(string, Identity, ActiveModule)"/>, for a parsed SELECT.</summary>
    private ILiveQuery? CompileView(SelectStatement select, string sql, Identity sender, ActiveModule active)
    {
        if (active.Schema.Views.Count == 0)
            return null;
        if (select.Joins.Count > 0)
            return ViewsRead(select, active).Count == 0 ? null : CompileViewJoin(select, sql, sender, active);
        var view = active.Schema.FindView(select.From.Name);
        if (view is null)
            return null;
        if (select.Projection is not SqlProjection.Star || select.Limit is not null || select.Offset is not null || select.OrderBy.Count > 0)
            throw new SqlException($"A subscription to view '{view.Name}' takes its whole rows and may filter them, not order or limit them: "
                + $"SELECT * FROM {view.Name} [WHERE ...].");
        var whole = CompileWholeView(view, sender, active);
        return select.Where is null
            ? whole
            : new FilteredViewQuery(new ViewHandle(whole, _viewInstances), RowCondition.Compile(select, ViewTable(view, active), sender), sql);
    }

    // The live result of a whole view for sender.
    private ILiveQuery CompileWholeView(ModuleView view, Identity sender, ActiveModule active)
    {
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
        var live = new SqlLiveQuery(inner, view.Name, $"view {view.Name}: {inner.Key}");
        return inner.MayRepeatRows ? new DistinctViewQuery(live) : live;
    }

    // A view as a table for SQL: its row type's columns, under its canonical and source names.
    private static SqlTable ViewTable(ModuleView view, ActiveModule active) => ViewStore.Table(view, active.Schema.Typespace);

    // The views a SELECT reads (FROM and JOINs), once each, in the order it names them.
    private static List<ModuleView> ViewsRead(SelectStatement select, ActiveModule active) =>
        new[] { select.From }.Concat(select.Joins.Select(j => j.Table))
            .Select(t => active.Schema.FindView(t.Name)).OfType<ModuleView>().DistinctBy(v => v.Name).ToList();

    // The views a SELECT reads as tables of a fresh ViewStore, and a catalog of the module's tables plus those.
    private static (ViewStore Store, List<SqlTable> Tables, ViewCatalog Catalog) ViewTables(IReadOnlyList<ModuleView> views, ActiveModule active)
    {
        var typespace = active.Schema.Typespace;
        var store = new ViewStore(views.Select(v => ViewStore.Table(v, typespace).Schema).ToList());
        var tables = views.Select((v, i) => ViewStore.Table(v, typespace, store.Tables[i])).ToList();
        return (store, tables, new ViewCatalog(active.Catalog, tables));
    }

    /// <summary>
    /// A live query that joins views (with tables or with each other): the query compiled over the module's tables and the
    /// views as tables, under the subscription rules (a joined view needs a primary key and is joined on it), and each view
    /// as a live result of its own for <paramref name="sender"/> (see <see cref="ViewJoinQuery"/>).
    /// </summary>
    /// <exception cref="SqlException">The query is invalid, joins a view in a way subscriptions do not allow, or a view failed.</exception>
    private ViewJoinQuery CompileViewJoin(SelectStatement select, string sql, Identity sender, ActiveModule active)
    {
        var views = ViewsRead(select, active);
        var (store, _, catalog) = ViewTables(views, active);
        var query = SubscriptionQuery.Compile(select, sql, catalog, sender, IsOwner(sender), active.Visibility);
        var joined = views.Select((v, i) => new ViewJoinQuery.JoinedView(
            v.Name, new ViewHandle(CompileWholeView(v, sender, active), _viewInstances), store.Tables[i])).ToList();
        // A view that reads the caller makes the join the caller's own; the query's key already names the caller under visibility rules.
        var key = views.Any(v => !v.IsAnonymous) ? $"{query.Key}|views for {sender.ToHexString()}" : query.Key;
        return new ViewJoinQuery(query, joined, key, ReportViewJoinError);
    }

    /// <summary>
    /// Checks a new subscription to a view against the database's <c>row_limit</c>: a view alone is scanned whole (it has no
    /// index other than its primary key), so its row count is what counts; a join is estimated like any query, over the views' rows.
    /// </summary>
    /// <exception cref="SqlException">The subscription would read more rows than the limit.</exception>
    private void CheckViewRowLimit(ILiveQuery view, ulong limit)
    {
        var state = _store.Committed;
        if (view is ViewJoinQuery join)
        {
            join.CheckRowLimit(state, limit);
            return;
        }
        if ((view is FilteredViewQuery f ? f.View : view).Evaluate(state).Count is var count && (ulong)count > limit)
            throw SqlExecutor.RowLimitExceeded(count, limit);
    }

    /// <summary>
    /// How <c>EXPLAIN</c> sees the module: its tables plus its views, each view as a table whose rows the module computes for the
    /// caller (with its primary key's index), so a SELECT that reads views explains like any other.
    /// </summary>
    private static ISqlCatalog ExplainCatalog(SelectStatement select, ActiveModule active)
    {
        var views = ViewsRead(select, active);
        return views.Count == 0 ? active.Catalog : ViewTables(views, active).Catalog;
    }

    /// <summary>The text of <c>EXPLAIN</c> for a SELECT, with a line per view it reads saying where the view's rows come from.</summary>
    /// <exception cref="SqlException">The query is invalid or names something the caller may not read.</exception>
    private string ExplainSelect(SelectStatement select, Identity caller, bool isOwner)
    {
        var active = _active;
        var text = SqlExecutor.Explain(select, ExplainCatalog(select, active), caller, isOwner);
        foreach (var view in ViewsRead(select, active))
        {
            var kind = view.IsQuery ? "the live query the view returns" : "the rows the view's code returns, run again when rows it read change";
            var scope = view.IsAnonymous ? "one result for every caller" : "computed per caller";
            var key = view.PrimaryKeyColumn is int pk ? $", indexed by its primary key {view.RowType.Elements[pk].Name}" : ", no index";
            text += $"\nview {view.Name}: {kind} ({scope}{key})";
        }
        return text;
    }

    private void ReportViewJoinError(string views, Exception error) =>
        Log.Write(ModuleLogLevel.Error, "views",
            $"A query joining view(s) {views} could not follow their changes after a commit; its subscribers keep its previous rows: {error.Message}",
            _clock);

    /// <summary>
    /// The result of an ad-hoc SELECT of one view (any SELECT ad-hoc SQL allows, over the caller's rows of the
    /// view), or null when the SELECT reads no view.
    /// </summary>
    /// <exception cref="SqlException">The SELECT joins a view, is invalid for the view's columns, or the view failed.</exception>
    private SqlStatementResult? SelectView(SelectStatement select, Identity caller, ActiveModule active, CommittedState state, ulong? rowLimit)
    {
        if (select.Joins.Count > 0 && active.Schema.Views.Count > 0 && ViewsRead(select, active) is { Count: > 0 } joined)
        {
            // Any join ad-hoc SQL allows: the views' rows for the caller are read into a store of their own, and the query runs
            // over the module's tables and those (no index rule here: a one-time read may scan).
            var (store, _, catalog) = ViewTables(joined, active);
            foreach (var v in joined)
                store.Load(v.Name, CompileWholeView(v, caller, active).Evaluate(state));
            var views = joined.ToDictionary(v => v.Name, _ => (StateReader)store.Committed, StringComparer.Ordinal);
            return ToResult(SqlExecutor.Query(select, catalog, state, caller, IsOwner(caller), rowLimit, active.Visibility, views), state.LastOffset);
        }
        if (ReadView(select, active) is not { } view)
            return null;
        var rows = ViewRows(view, caller, active, state, rowLimit);
        if (select.Where is not null || select.Projection is not SqlProjection.Star || select.Limit is not null || select.Offset is not null
            || select.OrderBy.Count > 0 || select.GroupBy.Count > 0)
        {
            var (catalog, scratch) = ViewScratch(view, rows, active);
            return ToResult(SqlExecutor.Query(select, catalog, scratch, caller, isOwner: true), state.LastOffset);
        }
        var values = new List<ProductValue>(rows.Count);
        foreach (var row in rows)
            values.Add((ProductValue)AlgebraicValue.FromBsatn(row.Span, view.RowType, active.Schema.Typespace));
        return new SqlStatementResult(view.RowType, active.Schema.Typespace, values, 0, 0, 0, state.LastOffset);
    }

    /// <summary>
    /// The rows of a one-off query (subscription dialect) of one view, or null when it reads no view: a WHERE is
    /// applied to the caller's rows of the view as a subscription would; an ordered window runs over them.
    /// </summary>
    /// <exception cref="SqlException">The query joins a view, is invalid for the view's columns, or the view failed.</exception>
    private TableRowsResult? OneOffView(SelectStatement select, string sql, Identity caller, ActiveModule active, CommittedState state, ulong? rowLimit)
    {
        if (select.Joins.Count > 0 && active.Schema.Views.Count > 0 && ViewsRead(select, active).Count > 0)
        {
            // The subscription dialect: the join a subscription would keep, evaluated once.
            var join = CompileViewJoin(select, sql, caller, active);
            if (rowLimit is { } limit)
                join.CheckRowLimit(state, limit);
            return new TableRowsResult(join.TableName, join.Evaluate(state));
        }
        if (ReadView(select, active) is not { } view)
            return null;
        var rows = ViewRows(view, caller, active, state, rowLimit);
        if (select.OrderBy.Count == 0 && select.Limit is null && select.Offset is null)
            return new TableRowsResult(view.Name, select.Where is null ? rows : RowCondition.Compile(select, ViewTable(view, active), caller).Filter(rows));
        var (catalog, scratch) = ViewScratch(view, rows, active);
        return new TableRowsResult(view.Name, SubscriptionQuery.Compile(select, sql, catalog, caller, isOwner: true).Evaluate(scratch));
    }

    // The view a one-time read of one view (no join) reads, or null when it reads none.
    private static ModuleView? ReadView(SelectStatement select, ActiveModule active) =>
        active.Schema.Views.Count == 0 || select.Joins.Count > 0 ? null : active.Schema.FindView(select.From.Name);

    /// <summary>
    /// The caller's rows of a whole view for a one-time read. A read scans all of them (a view has no index), so a
    /// non-owner's <paramref name="rowLimit"/> (the database's <c>row_limit</c>) is checked against their count.
    /// </summary>
    /// <exception cref="SqlException">The view failed, or it has more rows than the limit.</exception>
    private RowList ViewRows(ModuleView view, Identity caller, ActiveModule active, CommittedState state, ulong? rowLimit)
    {
        var rows = CompileWholeView(view, caller, active).Evaluate(state);
        if (rowLimit is { } limit && (ulong)rows.Count > limit)
            throw SqlExecutor.RowLimitExceeded(rows.Count, limit);
        return rows;
    }

    /// <summary>
    /// A view's rows in a scratch table of its row type, where a SELECT with a projection, an order or a limit runs
    /// like on any table (one-time reads only: a subscription's WHERE is applied to the view's changes instead).
    /// </summary>
    private static (SqlCatalog Catalog, CommittedState State) ViewScratch(ModuleView view, RowList rows, ActiveModule active)
    {
        var table = ViewTable(view, active);
        var store = Datastore.CreateInMemory();
        using (var tx = store.BeginTransaction())
        {
            var id = tx.CreateTable(table.Schema);
            foreach (var row in rows)
                tx.Insert(id, row.Span);
            tx.Commit();
        }
        var scratch = store.Committed;
        // The scratch store is the state this read runs against: the view is read there as a table.
        return (new SqlCatalog([table with { Schema = scratch.GetTable(view.Name), IsView = false }]), scratch);
    }

    /// <summary>How many whole views filtered subscriptions and joins share right now (tests; read on the pipeline loop).</summary>
    internal async Task<int> SharedViewCountForTests()
    {
        var count = -1;
        await _pipeline.Post(_ => count = _viewInstances.Count).ConfigureAwait(false);
        return count;
    }

    /// <summary>Runs <paramref name="action"/> on the pipeline loop, where the subscription manager lives (tests).</summary>
    internal Task RunOnPipelineForTests(Action<SubscriptionManager> action) => _pipeline.Post(_ => action(_subscriptions));

    private void ReportViewError(ModuleView view, Exception error) =>
        Log.Write(ModuleLogLevel.Error, view.SourceName,
            $"View '{view.Name}' failed after a commit; its subscribers keep its previous rows: {SpacetimeDB.Internal.ModuleDescriptor.ErrorMessage(error)}",
            _clock);
}
