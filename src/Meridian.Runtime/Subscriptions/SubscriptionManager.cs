using System.Diagnostics;
using Meridian.Query.Subscriptions;
using Meridian.Runtime.Diagnostics;
using Meridian.Runtime.Pipeline;
using Meridian.Sats.Rows;
using Meridian.Storage;
using Meridian.Storage.Changesets;
using Meridian.Storage.Schema;

namespace Meridian.Runtime.Subscriptions;

/// <summary>
/// Every client's query sets, kept up to date as an observer of the commit pipeline. A query is
/// compiled once and shared by all clients that subscribe to it; after a commit only the queries
/// that commit can affect are evaluated — those reading a changed table, and of those that fix a
/// column to a value, only the ones whose value a changed row holds — and each query's changed rows
/// are shared by all its subscribers.
/// </summary>
/// <remarks>
/// Everything here runs on the pipeline's loop, except initial evaluation: a new query set is
/// registered at a point in the commit order (so its queries' deltas are computed from the next
/// commit on), its initial rows are evaluated on the thread pool against the committed version of
/// that point, and the deltas of commits that land meanwhile are held and folded into those rows.
/// The client gets <c>SubscribeApplied</c> when that is done, as of the pipeline's position then;
/// neither the writer nor other clients wait for a large initial result.
/// </remarks>
internal sealed class SubscriptionManager(string database, RuntimeMetrics metrics) : ICommitObserver
{
    private sealed class SharedQuery(ILiveQuery query)
    {
        public ILiveQuery Query { get; } = query;

        /// <summary>The triggers registered for it, and the query's trigger version then.</summary>
        public IReadOnlyList<QueryTrigger> Registered { get; set; } = [];

        public int RegisteredVersion { get; set; }

        public int References => Sets.Count;

        /// <summary>The query sets holding this query, so a commit reaches only the clients it concerns.</summary>
        public HashSet<QuerySet> Sets { get; } = new(ReferenceEqualityComparer.Instance);
    }

    private sealed class QuerySet(
        IClientSession client, Dictionary<uint, QuerySet> clientSets, uint id, uint requestId, IReadOnlyList<SharedQuery> queries, long order)
    {
        /// <summary>All the client's sets (this one among them), by id.</summary>
        public Dictionary<uint, QuerySet> ClientSets { get; } = clientSets;


        /// <summary>When the set was registered: a client's updates list its sets in this order.</summary>
        public long Order { get; } = order;

        public IClientSession Client { get; } = client;

        public uint Id { get; } = id;

        public uint RequestId { get; } = requestId;

        public IReadOnlyList<SharedQuery> Queries { get; } = queries;

        /// <summary>Deltas held while the initial rows are evaluated (one list per query); null once applied.</summary>
        public List<QueryDelta>[]? Held { get; set; } = queries.Select(_ => new List<QueryDelta>()).ToArray();

        public TaskCompletionSource Applied { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    // The queries to evaluate when one table changes: any change, or a row holding a value in a column.
    private sealed class TableTriggers
    {
        // Set by the first value trigger (the table's layout, to read the fixed column from changed rows).
        public RowLayout? Layout { get; set; }

        public List<SharedQuery> Any { get; } = [];

        public Dictionary<int, Dictionary<ByteKey, List<SharedQuery>>> ByValue { get; } = [];

        public bool IsEmpty => Any.Count == 0 && ByValue.Count == 0;
    }

    private readonly Dictionary<string, SharedQuery> _queries = new(StringComparer.Ordinal);
    private readonly Dictionary<TableId, TableTriggers> _triggers = [];
    private readonly Dictionary<IClientSession, Dictionary<uint, QuerySet>> _clients = new(ReferenceEqualityComparer.Instance);
    private Func<Action<CommittedState>, Task> _post = _ => throw new InvalidOperationException("The subscription manager is not attached to a pipeline.");
    private long _registrations;

    /// <summary>Awaited before each initial evaluation starts (tests use it to hold one while commits land).</summary>
    internal Func<Task>? InitialEvaluationGate { get; set; }

    /// <summary>Distinct live queries (for tests and metrics). Read on the pipeline loop.</summary>
    public int QueryCount => _queries.Count;

    /// <summary>
    /// How many times the view instance with this key and its filtered subscriptions (keys "KEY where ...") have run,
    /// or -1 when there is none (tests and benchmarks; on the pipeline loop).
    /// </summary>
    public int ViewRuns(string key)
    {
        // Filters and joins over one view share its instance: each instance counts once.
        var instances = _queries.Values.SelectMany(q => q.Query is Views.ViewJoinQuery join ? join.Views.Select(v => v.Live.View) : [q.Query])
            .Select(q => q.Key == key || q.Key.StartsWith(key + " where ", StringComparison.Ordinal) ? Procedural(q) : null)
            .OfType<Views.ProceduralViewQuery>().Distinct().ToList();
        return instances.Count == 0 ? -1 : instances.Sum(p => p.Runs);
    }

    /// <summary>Connects the manager to the pipeline whose loop it runs on.</summary>
    public void Attach(CommitPipeline pipeline) => _post = pipeline.Post;

    /// <summary>
    /// Registers a query set at the current point of the commit order (on the pipeline loop) and starts
    /// evaluating its initial rows against <paramref name="position"/>. The returned task completes once
    /// the client has been sent <c>SubscribeApplied</c> or an error.
    /// </summary>
    public Task Subscribe(IClientSession client, uint requestId, uint querySetId, IReadOnlyList<ILiveQuery> compiled, CommittedState position)
    {
        if (_clients.TryGetValue(client, out var sets) && sets.ContainsKey(querySetId))
        {
            client.OnSubscriptionError(requestId, querySetId, $"Query set {querySetId} is already subscribed; unsubscribe it before reusing its id.");
            return Task.CompletedTask;
        }
        var shared = new List<SharedQuery>(compiled.Count);
        foreach (var query in compiled)
        {
            try
            {
                shared.Add(Acquire(query, position));
            }
            catch (Exception e)
            {
                // A view that fails on its first run: nothing of this set stays registered.
                foreach (var q in shared.Distinct())
                    ReleaseIfUnused(q);
                client.OnSubscriptionError(requestId, querySetId, $"{query.TableName}: {SpacetimeDB.Internal.ModuleDescriptor.ErrorMessage(e)}");
                return Task.CompletedTask;
            }
        }
        if (!_clients.TryGetValue(client, out sets))
            _clients[client] = sets = [];
        var set = new QuerySet(client, sets, querySetId, requestId, shared, _registrations++);
        foreach (var q in shared)
            q.Sets.Add(set);
        sets[querySetId] = set;

        _ = EvaluateInitialAsync(set, position);
        return set.Applied.Task;
    }

    private async Task EvaluateInitialAsync(QuerySet set, CommittedState position)
    {
        if (InitialEvaluationGate is { } gate)
            await gate().ConfigureAwait(false);
        var (rows, error) = await Task.Run<(RowList[]?, Exception?)>(() =>
        {
            var stopwatch = Stopwatch.StartNew();
            try
            {
                var result = set.Queries.Select(q => q.Query.Evaluate(position)).ToArray();
                metrics.SubscriptionEvaluated(database, "initial", stopwatch.Elapsed, result.Sum(r => r.Count));
                return (result, null);
            }
            catch (Exception e)
            {
                return (null, e);
            }
        }).ConfigureAwait(false);
        try
        {
            await _post(now => Apply(set, rows, error, now)).ConfigureAwait(false);
        }
        catch (DatabaseClosedException)
        {
            set.Applied.TrySetResult(); // the database closed first: there is no one left to tell
        }
    }

    // On the pipeline loop: folds the held deltas into the initial rows and makes the set live.
    private void Apply(QuerySet set, RowList[]? initial, Exception? error, CommittedState now)
    {
        if (!_clients.TryGetValue(set.Client, out var sets) || !sets.TryGetValue(set.Id, out var current) || !ReferenceEquals(current, set))
        {
            set.Applied.TrySetResult(); // the client left meanwhile
            return;
        }
        if (error is not null || initial is null)
        {
            sets.Remove(set.Id);
            Release(set);
            set.Client.OnSubscriptionError(set.RequestId, set.Id, $"The subscription could not be evaluated: {error?.Message}");
            set.Applied.TrySetResult();
            return;
        }
        var held = set.Held!;
        set.Held = null;
        var rows = new List<TableRowsResult>(set.Queries.Count);
        for (var i = 0; i < set.Queries.Count; i++)
            rows.Add(new TableRowsResult(set.Queries[i].Query.TableName, Fold(initial[i], held[i])));
        set.Client.OnSubscribeApplied(set.RequestId, set.Id, rows, now.LastOffset);
        set.Applied.TrySetResult();
    }

    // Applies deltas, in order, to a multiset of rows.
    private static RowList Fold(RowList initial, List<QueryDelta> deltas)
    {
        if (deltas.Count == 0)
            return initial;
        var removed = new Dictionary<ByteKey, int>();
        var added = new List<ReadOnlyMemory<byte>>();
        var addedCount = new Dictionary<ByteKey, int>();
        foreach (var delta in deltas)
        {
            foreach (var row in delta.Deletes)
            {
                var key = new ByteKey(row);
                if (addedCount.TryGetValue(key, out var n) && n > 0)
                    addedCount[key] = n - 1;
                else
                    removed[key] = removed.GetValueOrDefault(key) + 1;
            }
            foreach (var row in delta.Inserts)
            {
                var key = new ByteKey(row);
                addedCount[key] = addedCount.GetValueOrDefault(key) + 1;
                added.Add(row);
            }
        }
        var result = new RowList.Builder(initial.Count + added.Count, initial.ByteLength);
        foreach (var row in initial)
        {
            var key = new ByteKey(row);
            if (removed.TryGetValue(key, out var n) && n > 0)
                removed[key] = n - 1;
            else
                result.Add(row.Span);
        }
        foreach (var row in added)
        {
            var key = new ByteKey(row);
            if (addedCount.TryGetValue(key, out var n) && n > 0)
            {
                addedCount[key] = n - 1;
                result.Add(row.Span);
            }
        }
        return result.Build();
    }

    /// <summary>
    /// Drops a query set at the current point of the commit order; sends <c>UnsubscribeApplied</c> (with
    /// the set's rows as of <paramref name="position"/> when asked) or an error for an unknown set.
    /// </summary>
    public Task Unsubscribe(IClientSession client, uint requestId, uint querySetId, bool sendRows, CommittedState position)
    {
        if (!_clients.TryGetValue(client, out var sets) || !sets.TryGetValue(querySetId, out var set) || set.Held is not null)
        {
            client.OnSubscriptionError(requestId, querySetId, $"Query set {querySetId} is not subscribed.");
            return Task.CompletedTask;
        }
        sets.Remove(querySetId);
        Release(set);
        if (!sendRows)
        {
            client.OnUnsubscribeApplied(requestId, querySetId, null, position.LastOffset);
            return Task.CompletedTask;
        }
        // The client's copy stopped changing at this point: its rows are the queries' rows here.
        return Task.Run(() =>
        {
            var rows = set.Queries.Select(q => new TableRowsResult(q.Query.TableName, q.Query.Evaluate(position))).ToList();
            client.OnUnsubscribeApplied(requestId, querySetId, rows, position.LastOffset);
        });
    }

    /// <summary>
    /// After a module update (on the pipeline loop, at <paramref name="position"/>): every query set
    /// holding a view, or reading one of <paramref name="changed"/>, is compiled again against the new
    /// module and stays live. A plain SQL query is compiled again with <paramref name="compile"/>; its rows
    /// did not change, so nothing is sent. A view is compiled again with <paramref name="compileView"/> (the
    /// new module's code may return other rows): the client is sent the rows that differ between what it
    /// holds and what the new view returns, as one update. A set reading one of
    /// <paramref name="rowsChanged"/> with plain SQL or a query view (its rows change shape), a set still
    /// waiting for its initial rows, or a set whose query no longer compiles or whose view is gone ends with
    /// a subscription error (<paramref name="reason"/>, plus the cause); the client stays connected and may
    /// subscribe again. Returns (kept, ended).
    /// </summary>
    /// <param name="changed">Tables whose definition changed.</param>
    /// <param name="rowsChanged">Tables whose rows changed shape or content.</param>
    /// <param name="compile">Compiles a client's SQL against the new module.</param>
    /// <param name="compileView">Compiles a client's <c>SELECT * FROM view</c> against the new module (null: no such view).</param>
    /// <param name="compileAsOwner">Compiles SQL a query view returned, as the owner, against the new module's tables.</param>
    /// <param name="reason">Why an ended set ended.</param>
    /// <param name="position">The committed version after the update.</param>
    public (int Kept, int Ended) Rebind(
        IReadOnlySet<TableId> changed,
        IReadOnlySet<TableId> rowsChanged,
        Func<IClientSession, string, SubscriptionQuery> compile,
        Func<IClientSession, string, ILiveQuery?> compileView,
        Func<IClientSession, string, SubscriptionQuery> compileAsOwner,
        string reason,
        CommittedState position)
    {
        var affected = new List<QuerySet>();
        foreach (var sets in _clients.Values)
        {
            foreach (var set in sets.Values)
            {
                if (set.Queries.Any(q => PlainSql(q.Query) is null || Reads(q.Query, changed) || Reads(q.Query, rowsChanged)))
                    affected.Add(set);
            }
        }
        // Release first: no set outside this list can share a query that reads a changed table or is a view.
        foreach (var set in affected)
        {
            _clients[set.Client].Remove(set.Id);
            Release(set);
            set.Applied.TrySetResult();
        }
        var kept = 0;
        foreach (var set in affected)
        {
            string? problem = null;
            List<ILiveQuery>? compiled = null;
            if (set.Held is not null || set.Queries.Any(q => Procedural(q.Query) is null && Reads(q.Query, rowsChanged)))
            {
                problem = reason;
            }
            else
            {
                try
                {
                    compiled = set.Queries.Select(q => PlainSql(q.Query) is { } sql
                        ? new SqlLiveQuery(compile(set.Client, sql.Query.Sql))
                        : compileView(set.Client, q.Query.Sql)
                            ?? throw new Meridian.Query.Sql.SqlException($"'{q.Query.TableName}' is no longer a view of the module.")).ToList();
                }
                catch (Meridian.Query.Sql.SqlException e)
                {
                    problem = $"{reason} The query no longer applies: {e.Message}";
                }
            }
            // What the client holds of each view, and what the new module's view returns.
            List<TableDelta>? viewChanges = null;
            if (problem is null)
            {
                try
                {
                    for (var i = 0; i < set.Queries.Count; i++)
                    {
                        if (PlainSql(set.Queries[i].Query) is not null)
                            continue;
                        var held = HeldRows(set.Client, set.Queries[i].Query, position, compileAsOwner);
                        var now = Acquire(compiled![i], position).Query.Evaluate(position);
                        var delta = Views.ProceduralViewQuery.Diff(held.Select(r => r.ToArray()).ToList(), now.Select(r => r.ToArray()).ToList());
                        if (!delta.IsEmpty)
                            (viewChanges ??= []).Add(new TableDelta(compiled[i].TableName, false, delta.Inserts, delta.Deletes));
                    }
                }
                catch (Exception e)
                {
                    problem = $"{reason} A view failed: {SpacetimeDB.Internal.ModuleDescriptor.ErrorMessage(e)}";
                }
            }
            if (problem is not null)
            {
                // With the set's own request id: the TypeScript SDK (2.10.1) disconnects on an error
                // without one, and with it ends only that subscription (its handle's onError).
                set.Client.OnSubscriptionError(set.RequestId, set.Id, problem);
                if (compiled is not null)
                {
                    foreach (var q in compiled)
                    {
                        if (_queries.TryGetValue(q.Key, out var unused))
                            ReleaseIfUnused(unused);
                    }
                }
                continue;
            }
            var shared = compiled!.Select(q => Acquire(q, position)).ToList();
            var again = new QuerySet(set.Client, _clients[set.Client], set.Id, set.RequestId, shared, set.Order) { Held = null };
            foreach (var q in shared)
                q.Sets.Add(again);
            again.Applied.TrySetResult();
            _clients[set.Client][set.Id] = again;
            if (viewChanges is not null)
                set.Client.OnTransactionUpdate(position.LastOffset, [new QuerySetDelta(set.Id, viewChanges)]);
            kept++;
        }
        return (kept, affected.Count - kept);
    }

    // The rows a client holds of a view before an update: a view returning rows keeps what it last sent;
    // the query a view returned is evaluated again, compiled against the new tables (its rows are the same).
    private static RowList HeldRows(
        IClientSession client, ILiveQuery view, CommittedState position, Func<IClientSession, string, SubscriptionQuery> compileAsOwner) =>
        view switch
        {
            Views.ProceduralViewQuery procedural => procedural.LastRows,
            Views.FilteredViewQuery filtered => filtered.Condition.Filter(HeldRows(client, filtered.View, position, compileAsOwner)),
            Views.DistinctViewQuery distinct => Views.DistinctViewQuery.Distinct(HeldRows(client, distinct.Query, position, compileAsOwner)),
            Views.ViewJoinQuery join => join.Current(position),
            SqlLiveQuery sql => compileAsOwner(client, sql.Query.Sql).Evaluate(position),
            _ => view.Evaluate(position),
        };

    /// <summary>Forgets a client and all its query sets.</summary>
    public void RemoveClient(IClientSession client)
    {
        if (!_clients.Remove(client, out var sets))
            return;
        foreach (var set in sets.Values)
        {
            Release(set);
            set.Applied.TrySetResult();
        }
    }

    // A view returning rows, whole or with a WHERE (a filtered view's condition is applied to its changes).
    private static Views.ProceduralViewQuery? Procedural(ILiveQuery query) =>
        (query as Views.FilteredViewQuery)?.View as Views.ProceduralViewQuery ?? query as Views.ProceduralViewQuery;

    // A plain SQL subscription (not a view): the only kind a migration can compile again as it was.
    private static SqlLiveQuery? PlainSql(ILiveQuery query) => query is SqlLiveQuery s && s.Key == s.Query.Key ? s : null;

    // Whether a live query reads one of the tables; a view's code may read any table, so it is taken to read all.
    private static bool Reads(ILiveQuery query, IReadOnlySet<TableId> tables) =>
        tables.Count > 0 && (PlainSql(query) is not { } sql || sql.Query.ReadTables.Any(tables.Contains));

    // position: where a new query starts; null only for SQL queries, which need no preparation.
    private SharedQuery Acquire(ILiveQuery query, CommittedState? position)
    {
        if (!_queries.TryGetValue(query.Key, out var shared))
        {
            if (position is not null)
                query.Prepare(position);
            _queries[query.Key] = shared = new SharedQuery(query);
            RegisterTriggers(shared);
        }
        return shared;
    }

    private void RegisterTriggers(SharedQuery shared)
    {
        shared.Registered = shared.Query.Triggers;
        shared.RegisteredVersion = shared.Query.TriggerVersion;
        foreach (var trigger in shared.Registered)
        {
            if (!_triggers.TryGetValue(trigger.Table, out var table))
                _triggers[trigger.Table] = table = new TableTriggers();
            table.Layout ??= trigger.Layout;
            if (trigger.Column < 0)
            {
                table.Any.Add(shared);
                continue;
            }
            if (!table.ByValue.TryGetValue(trigger.Column, out var byValue))
                table.ByValue[trigger.Column] = byValue = [];
            var key = new ByteKey(trigger.Value);
            if (!byValue.TryGetValue(key, out var list))
                byValue[key] = list = [];
            list.Add(shared);
        }
    }

    private void UnregisterTriggers(SharedQuery shared)
    {
        foreach (var trigger in shared.Registered)
        {
            var table = _triggers[trigger.Table];
            if (trigger.Column < 0)
            {
                table.Any.Remove(shared);
            }
            else
            {
                var byValue = table.ByValue[trigger.Column];
                var key = new ByteKey(trigger.Value);
                var list = byValue[key];
                list.Remove(shared);
                if (list.Count == 0)
                    byValue.Remove(key);
                if (byValue.Count == 0)
                    table.ByValue.Remove(trigger.Column);
            }
            if (table.IsEmpty)
                _triggers.Remove(trigger.Table);
        }
        shared.Registered = [];
    }

    private void Release(QuerySet set)
    {
        // Distinct: a set may hold one query twice (the same SQL twice in one Subscribe).
        foreach (var shared in set.Queries.Distinct())
        {
            shared.Sets.Remove(set);
            ReleaseIfUnused(shared);
        }
    }

    private void ReleaseIfUnused(SharedQuery shared)
    {
        if (shared.References > 0 || !_queries.Remove(shared.Query.Key))
            return;
        UnregisterTriggers(shared);
        shared.Query.Retire();
    }

    /// <inheritdoc />
    public void OnCommit(CommitRecord commit, CommittedState before)
    {
        var changeset = commit.Changeset;
        IReadOnlyList<QuerySetDelta> own = [];
        if (_clients.Count > 0 && changeset.Tables.Count > 0)
        {
            var deltas = Evaluate(changeset, before, commit.After);
            if (deltas.Count > 0)
                own = FanOut(deltas, changeset.Offset, commit.Origin?.Session);
        }
        if (commit.Origin is { } origin)
        {
            // No copy of the result when the caller has no update of its own (the usual call): it already says so.
            origin.Answer = own.Count == 0 && origin.Result.OwnUpdates.Count == 0 ? origin.Result : origin.Result with { OwnUpdates = own };
            origin.Session.OnReducerResult(origin.RequestId, origin.Answer);
        }
    }

    // Evaluates each query the commit can affect, once, however many of its tables changed.
    private Dictionary<SharedQuery, TableDelta> Evaluate(Changeset changeset, CommittedState before, CommittedState after)
    {
        var affected = new HashSet<SharedQuery>(ReferenceEqualityComparer.Instance);
        foreach (var change in changeset.Tables)
        {
            if (!_triggers.TryGetValue(change.TableId, out var table))
                continue;
            affected.UnionWith(table.Any);
            foreach (var (column, byValue) in table.ByValue)
            {
                Collect(table.Layout!, column, byValue, change.Inserts, affected);
                Collect(table.Layout!, column, byValue, change.Deletes, affected);
            }
        }
        var deltas = new Dictionary<SharedQuery, TableDelta>(ReferenceEqualityComparer.Instance);
        if (affected.Count == 0)
            return deltas;
        var stopwatch = Stopwatch.StartNew();
        var rows = 0;
        foreach (var q in affected)
        {
            var delta = q.Query.Delta(changeset, before, after);
            if (delta.IsEmpty)
                continue;
            rows += delta.Inserts.Count + delta.Deletes.Count;
            deltas[q] = new TableDelta(q.Query.TableName, q.Query.IsEvent, delta.Inserts, delta.Deletes);
        }
        // A view that read other rows this time is triggered by those from now on.
        foreach (var q in affected)
        {
            if (q.Query.TriggerVersion != q.RegisteredVersion && _queries.ContainsKey(q.Query.Key))
            {
                UnregisterTriggers(q);
                RegisterTriggers(q);
            }
        }
        metrics.SubscriptionEvaluated(database, "delta", stopwatch.Elapsed, rows);
        return deltas;
    }

    private static void Collect(RowLayout layout, int column, Dictionary<ByteKey, List<SharedQuery>> byValue, RowList rows, HashSet<SharedQuery> affected)
    {
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var (start, length) = layout.ColumnRange(row.Span, column);
            if (byValue.TryGetValue(new ByteKey(row.Slice(start, length)), out var queries))
                affected.UnionWith(queries);
        }
    }

    // Sends each client the changes of its live sets; holds those of sets still being evaluated.
    // Returns the caller's own changes, which go into its reducer result instead.
    private static IReadOnlyList<QuerySetDelta> FanOut(Dictionary<SharedQuery, TableDelta> deltas, ulong? offset, IClientSession? caller)
    {
        IReadOnlyList<QuerySetDelta> own = [];
        // Clients with several sets, or a set still held or of several queries: their sets are gathered and sorted first.
        Dictionary<IClientSession, List<QuerySet>>? touched = null;
        foreach (var (q, delta) in deltas)
        {
            // The common case (a client whose one live set is this one query) goes straight to the client with a list
            // shared by every such set numbered alike, so a session can encode the update once for all its subscribers
            // (see IClientSession.OnTransactionUpdate); nothing is allocated per client.
            IReadOnlyList<QuerySetDelta>? alone = null;
            IReadOnlyList<TableDelta>? tables = null;
            foreach (var set in q.Sets)
            {
                if (set.ClientSets.Count == 1 && set.Held is null && set.Queries.Count == 1)
                {
                    if (alone is null || alone[0].QuerySetId != set.Id)
                        alone = [new QuerySetDelta(set.Id, tables ??= [delta])];
                    if (ReferenceEquals(set.Client, caller))
                        own = alone;
                    else
                        set.Client.OnTransactionUpdate(offset, alone);
                    continue;
                }
                touched ??= new(ReferenceEqualityComparer.Instance);
                if (!touched.TryGetValue(set.Client, out var sets))
                    touched[set.Client] = sets = [];
                if (!sets.Contains(set))
                    sets.Add(set);
            }
        }
        if (touched is null)
            return own;
        Dictionary<SharedQuery, IReadOnlyList<TableDelta>>? shared = null;
        foreach (var (client, sets) in touched)
        {
            if (sets.Count > 1)
                sets.Sort((a, b) => a.Order.CompareTo(b.Order));
            List<QuerySetDelta>? updates = null;
            foreach (var set in sets)
            {
                if (set.Held is null && set.Queries.Count == 1)
                {
                    var query = set.Queries[0];
                    if (!deltas.TryGetValue(query, out var only))
                        continue;
                    shared ??= new(ReferenceEqualityComparer.Instance);
                    if (!shared.TryGetValue(query, out var list))
                        shared[query] = list = [only];
                    (updates ??= []).Add(new QuerySetDelta(set.Id, list));
                    continue;
                }
                List<TableDelta>? tables = null;
                for (var i = 0; i < set.Queries.Count; i++)
                {
                    if (!deltas.TryGetValue(set.Queries[i], out var d))
                        continue;
                    if (set.Held is { } held)
                    {
                        // Events are not rows of the table: a set that is not live yet misses them.
                        if (!d.IsEvent)
                            held[i].Add(new QueryDelta(d.Inserts, d.Deletes));
                    }
                    else
                    {
                        (tables ??= []).Add(d);
                    }
                }
                if (tables is not null)
                    (updates ??= []).Add(new QuerySetDelta(set.Id, tables));
            }
            if (updates is null)
                continue;
            if (ReferenceEquals(client, caller))
                own = updates;
            else
                client.OnTransactionUpdate(offset, updates);
        }
        return own;
    }
}
