using System.Text;
using Meridian.Query.Execution;
using Meridian.Query.Sql;
using Meridian.Query.Subscriptions;
using Meridian.Runtime.Subscriptions;
using Meridian.Sats;
using Meridian.Storage.Changesets;

namespace Meridian.Runtime;

public sealed partial class Database
{
    /// <summary>
    /// Registers a query set and sends <c>SubscribeApplied</c> with its current rows, or a
    /// subscription error (nothing registered). Runs under the writer, so the initial rows come from
    /// a state between two transactions and precede every later update.
    /// </summary>
    public Task SubscribeAsync(IClientSession session, uint requestId, uint querySetId, IReadOnlyList<string> queries) =>
        Exclusive(() =>
        {
            try
            {
                var rows = _subscriptions.Subscribe(session, querySetId, queries, _catalog, _store.Committed, IsOwner(session.Identity));
                session.OnSubscribeApplied(requestId, querySetId, rows);
            }
            catch (SqlException e)
            {
                session.OnSubscriptionError(requestId, querySetId, e.Message);
            }
            return 0;
        });

    /// <summary>Drops a query set and sends <c>UnsubscribeApplied</c> (with its rows when asked), or an error for an unknown set.</summary>
    public Task UnsubscribeAsync(IClientSession session, uint requestId, uint querySetId, bool sendDroppedRows) =>
        Exclusive(() =>
        {
            var rows = _subscriptions.Unsubscribe(session, querySetId, _store.Committed);
            if (rows is null)
                session.OnSubscriptionError(requestId, querySetId, $"Query set {querySetId} is not subscribed.");
            else
                session.OnUnsubscribeApplied(requestId, querySetId, sendDroppedRows ? rows : null);
            return 0;
        });

    /// <summary>Runs a query of the subscription dialect once and sends its rows or error.</summary>
    public Task OneOffQueryAsync(IClientSession session, uint requestId, string sql) =>
        Exclusive(() =>
        {
            try
            {
                var query = SubscriptionQuery.Compile(sql, _catalog, session.Identity, IsOwner(session.Identity));
                var rows = new List<ReadOnlyMemory<byte>>();
                query.Evaluate(_store.Committed, rows.Add);
                session.OnOneOffQueryResult(requestId, [new TableRowsResult(query.Table.Name, new SharedRows(rows))], null);
            }
            catch (SqlException e)
            {
                session.OnOneOffQueryResult(requestId, null, e.Message);
            }
            return 0;
        });

    /// <summary>Distinct live subscription queries (shared by every client subscribed to them).</summary>
    internal int LiveQueryCount => _subscriptions.QueryCount;

    /// <summary>Whether <paramref name="identity"/> owns this database.</summary>
    public bool IsOwner(Identity identity) => identity == Owner;

    /// <summary>
    /// Runs ad-hoc SQL (statements separated by <c>;</c>) as <paramref name="caller"/>. Each DML
    /// statement is its own transaction and updates subscribers like a reducer would.
    /// </summary>
    /// <exception cref="SqlException">A statement is invalid, not allowed or failed; statements before it stay applied.</exception>
    public Task<IReadOnlyList<SqlResult>> ExecuteSqlAsync(string sql, Identity caller, ConnectionId connectionId) =>
        Exclusive<IReadOnlyList<SqlResult>>(() =>
        {
            var statements = SqlParser.ParseStatements(sql);
            var isOwner = IsOwner(caller);
            var results = new List<SqlResult>(statements.Count);
            foreach (var statement in statements)
            {
                switch (statement)
                {
                    case SelectStatement select:
                        results.Add(SqlExecutor.Query(select, _catalog, _store.Committed, caller, isOwner));
                        break;
                    case SetStatement or ShowStatement:
                        throw new SqlException("SET and SHOW are not supported yet.");
                    default:
                    {
                        var before = _store.Committed;
                        using var tx = _store.BeginTransaction();
                        SqlResult result;
                        try
                        {
                            result = SqlExecutor.Execute(statement, _catalog, tx, caller, isOwner);
                        }
                        catch (Storage.StorageException e)
                        {
                            throw new SqlException(e.Message, e);
                        }
                        catch (Sats.Bsatn.BsatnDecodeException e)
                        {
                            throw new SqlException(e.Message, e);
                        }
                        var changeset = tx.Commit(new TransactionCall("__sql__", Encoding.UTF8.GetBytes(sql), caller, connectionId, Timestamp.Now(_clock)));
                        Broadcast(changeset, caller: null, before);
                        results.Add(result);
                        break;
                    }
                }
            }
            return results;
        });
}
