using Meridian.Query.Catalog;
using Meridian.Query.Sql;
using Meridian.Query.Subscriptions;
using Meridian.Storage;
using Meridian.Storage.Schema;
using Meridian.Storage.Changesets;

namespace Meridian.Runtime.Subscriptions;

/// <summary>
/// Every client's query sets. A query is compiled once and shared by all clients that subscribe to
/// it; after a commit only the queries reading a changed table run, on that table's inserted and
/// deleted rows, and each query's result rows are shared by all its subscribers. Not thread-safe:
/// the database calls it under its writer.
/// </summary>
internal sealed class SubscriptionManager
{
    private sealed class SharedQuery(SubscriptionQuery query)
    {
        public SubscriptionQuery Query { get; } = query;

        public int References { get; set; }
    }

    private sealed record QuerySet(IReadOnlyList<SharedQuery> Queries);

    private readonly Dictionary<string, SharedQuery> _queries = new(StringComparer.Ordinal);
    private readonly Dictionary<TableId, List<SharedQuery>> _byTable = [];
    private readonly Dictionary<IClientSession, Dictionary<uint, QuerySet>> _clients = new(ReferenceEqualityComparer.Instance);

    /// <summary>Number of distinct live queries (for tests and metrics).</summary>
    public int QueryCount => _queries.Count;

    /// <summary>Compiles and registers a query set; returns its initial rows, or throws <see cref="SqlException"/> and registers nothing.</summary>
    public IReadOnlyList<TableRowsResult> Subscribe(IClientSession client, uint querySetId, IReadOnlyList<string> queries, ISqlCatalog catalog, StateReader state, bool isOwner)
    {
        if (_clients.TryGetValue(client, out var sets) && sets.ContainsKey(querySetId))
            throw new SqlException($"Query set {querySetId} is already subscribed; unsubscribe it before reusing its id.");
        if (queries.Count == 0)
            throw new SqlException("A subscription needs at least one query.");
        var compiled = new List<SubscriptionQuery>(queries.Count);
        foreach (var sql in queries)
        {
            try
            {
                compiled.Add(SubscriptionQuery.Compile(sql, catalog, client.Identity, isOwner));
            }
            catch (SqlException e)
            {
                throw new SqlException($"{e.Message} (query: {sql})", e);
            }
        }

        var rows = new List<TableRowsResult>(compiled.Count);
        var shared = new List<SharedQuery>(compiled.Count);
        foreach (var q in compiled)
        {
            var found = _queries.TryGetValue(q.Key, out var existing) ? existing : new SharedQuery(q);
            shared.Add(found);
            rows.Add(new TableRowsResult(q.Table.Name, Evaluate(found.Query, state)));
        }
        foreach (var s in shared)
        {
            if (s.References++ == 0)
            {
                _queries[s.Query.Key] = s;
                foreach (var table in s.Query.ReadTables.Distinct())
                {
                    if (!_byTable.TryGetValue(table, out var list))
                        _byTable[table] = list = [];
                    list.Add(s);
                }
            }
        }
        if (!_clients.TryGetValue(client, out sets))
            _clients[client] = sets = [];
        sets[querySetId] = new QuerySet(shared);
        return rows;
    }

    /// <summary>Drops a query set; returns its current rows, or null when the client has no such set.</summary>
    public IReadOnlyList<TableRowsResult>? Unsubscribe(IClientSession client, uint querySetId, StateReader state)
    {
        if (!_clients.TryGetValue(client, out var sets) || !sets.Remove(querySetId, out var set))
            return null;
        var rows = set.Queries.Select(q => new TableRowsResult(q.Query.Table.Name, Evaluate(q.Query, state))).ToList();
        Release(set);
        return rows;
    }

    /// <summary>Forgets a client and all its query sets.</summary>
    public void RemoveClient(IClientSession client)
    {
        if (_clients.Remove(client, out var sets))
        {
            foreach (var set in sets.Values)
                Release(set);
        }
    }

    private void Release(QuerySet set)
    {
        foreach (var q in set.Queries)
        {
            if (--q.References == 0)
            {
                _queries.Remove(q.Query.Key);
                foreach (var table in q.Query.ReadTables.Distinct())
                {
                    var list = _byTable[table];
                    list.Remove(q);
                    if (list.Count == 0)
                        _byTable.Remove(table);
                }
            }
        }
    }

    /// <summary>
    /// The changes each client must hear about for <paramref name="changeset"/>, grouped per query
    /// set. <paramref name="before"/> and <paramref name="after"/> are the committed states around it.
    /// </summary>
    public Dictionary<IClientSession, List<QuerySetDelta>> ComputeUpdates(Changeset changeset, StateReader before, StateReader after)
    {
        var result = new Dictionary<IClientSession, List<QuerySetDelta>>(ReferenceEqualityComparer.Instance);
        if (_clients.Count == 0)
            return result;

        // Evaluate each affected query once, however many tables of it changed.
        var affected = new HashSet<SharedQuery>(ReferenceEqualityComparer.Instance);
        foreach (var change in changeset.Tables)
        {
            if (_byTable.TryGetValue(change.TableId, out var queries))
                affected.UnionWith(queries);
        }
        var deltas = new Dictionary<SharedQuery, TableDelta>(ReferenceEqualityComparer.Instance);
        foreach (var q in affected)
        {
            var inserts = new List<ReadOnlyMemory<byte>>();
            var deletes = new List<ReadOnlyMemory<byte>>();
            q.Query.Delta(changeset, before, after, inserts.Add, deletes.Add);
            if (inserts.Count > 0 || deletes.Count > 0)
            {
                var isEvent = q.Query.Table.Schema.IsEvent;
                deltas[q] = new TableDelta(q.Query.Table.Name, isEvent, Shared(inserts), Shared(deletes));
            }
        }
        if (deltas.Count == 0)
            return result;

        foreach (var (client, sets) in _clients)
        {
            List<QuerySetDelta>? updates = null;
            foreach (var (id, set) in sets)
            {
                List<TableDelta>? tables = null;
                foreach (var q in set.Queries)
                {
                    if (deltas.TryGetValue(q, out var d))
                        (tables ??= []).Add(d);
                }
                if (tables is not null)
                    (updates ??= []).Add(new QuerySetDelta(id, tables));
            }
            if (updates is not null)
                result[client] = updates;
        }
        return result;
    }

    private static SharedRows Evaluate(SubscriptionQuery query, StateReader state)
    {
        var rows = new List<ReadOnlyMemory<byte>>();
        query.Evaluate(state, rows.Add);
        return rows.Count == 0 ? SharedRows.Empty : new SharedRows(rows);
    }

    private static SharedRows Shared(List<ReadOnlyMemory<byte>> rows) => rows.Count == 0 ? SharedRows.Empty : new SharedRows(rows);
}
