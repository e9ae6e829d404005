using System.Text;
using Meridian.Query.Execution;
using Meridian.Query.Sql;
using Meridian.Query.Subscriptions;
using Meridian.Runtime.Pipeline;
using Meridian.Runtime.Sql;
using Meridian.Runtime.Subscriptions;
using Meridian.Runtime.Views;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Storage;
using Meridian.Storage.Changesets;

namespace Meridian.Runtime;

public sealed partial class Database
{
    /// <summary>
    /// Subscribes a query set: the client gets <c>SubscribeApplied</c> with the set's rows and then
    /// every change to them, or a subscription error (nothing registered). The initial rows are
    /// evaluated off the writer, against the committed version of the moment the set was registered,
    /// with the commits that land meanwhile folded in; the task completes once the client has its answer.
    /// </summary>
    public async Task SubscribeAsync(IClientSession session, uint requestId, uint querySetId, IReadOnlyList<string> queries)
    {
        ThrowIfDisposed();
        if (queries.Count == 0)
        {
            session.OnSubscriptionError(requestId, querySetId, "A subscription needs at least one query.");
            return;
        }
        var compiled = new List<ILiveQuery>(queries.Count);
        var active = _active;
        var catalog = active.Catalog;
        var isOwner = IsOwner(session.Identity);
        var rowLimit = isOwner ? null : Settings.RowLimit;
        foreach (var sql in queries)
        {
            try
            {
                var select = SqlParser.ParseSubscription(sql);
                if (CompileView(select, sql, session.Identity, active) is { } view)
                {
                    if (rowLimit is { } viewLimit)
                        CheckViewRowLimit(view, viewLimit);
                    compiled.Add(view);
                    continue;
                }
                var query = SubscriptionQuery.Compile(select, sql, catalog, session.Identity, isOwner, active.Visibility);
                if (rowLimit is { } limit)
                    query.CheckRowLimit(_store.Committed, limit);
                compiled.Add(new SqlLiveQuery(query));
            }
            catch (SqlException e)
            {
                session.OnSubscriptionError(requestId, querySetId, $"{e.Message} (query: {sql})");
                return;
            }
        }
        var applied = Task.CompletedTask;
        await _pipeline.Post(position => applied = _subscriptions.Subscribe(session, requestId, querySetId, compiled, position)).ConfigureAwait(false);
        await applied.ConfigureAwait(false);
    }

    /// <summary>Drops a query set and sends <c>UnsubscribeApplied</c> (with its rows when asked), or an error for an unknown set.</summary>
    public async Task UnsubscribeAsync(IClientSession session, uint requestId, uint querySetId, bool sendDroppedRows)
    {
        ThrowIfDisposed();
        var done = Task.CompletedTask;
        await _pipeline.Post(position => done = _subscriptions.Unsubscribe(session, requestId, querySetId, sendDroppedRows, position)).ConfigureAwait(false);
        await done.ConfigureAwait(false);
    }

    /// <summary>Runs a query of the subscription dialect once, against the latest committed version, and sends its rows or error.</summary>
    public Task OneOffQueryAsync(IClientSession session, uint requestId, string sql)
    {
        ThrowIfDisposed();
        var state = _store.Committed;
        var started = Timestamp.Now(_clock);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var isOwner = IsOwner(session.Identity);
            var rowLimit = isOwner ? null : Settings.RowLimit;
            var active = _active;
            var select = SqlParser.ParseSubscription(sql);
            TableRowsResult result;
            if (OneOffView(select, sql, session.Identity, active, state, rowLimit) is { } viewRows)
            {
                result = viewRows;
            }
            else
            {
                var query = SubscriptionQuery.Compile(select, sql, active.Catalog, session.Identity, isOwner, active.Visibility);
                if (rowLimit is { } limit)
                    query.CheckRowLimit(state, limit);
                result = new TableRowsResult(query.Table.Name, query.Evaluate(state));
            }
            SlowLog.RecordQuery(sql, started, stopwatch.Elapsed, session.Identity, "ok");
            session.OnOneOffQueryResult(requestId, [result], null, state.LastOffset);
        }
        catch (SqlException e)
        {
            SlowLog.RecordQuery(sql, started, stopwatch.Elapsed, session.Identity, "error");
            session.OnOneOffQueryResult(requestId, null, e.Message, null);
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Runs ad-hoc SQL (statements separated by <c>;</c>) as <paramref name="caller"/>. SELECTs read the
    /// latest committed version without taking the writer; each INSERT, UPDATE or DELETE is its own
    /// transaction on the writer and updates subscribers like a reducer would.
    /// </summary>
    /// <exception cref="SqlStatementException">
    /// A statement is invalid, not allowed or failed; statements before it stay applied (their results are its <c>Completed</c>).
    /// </exception>
    public async Task<IReadOnlyList<SqlStatementResult>> ExecuteSqlAsync(string sql, Identity caller, ConnectionId connectionId)
    {
        ThrowIfDisposed();
        IReadOnlyList<SqlStatement> statements;
        try
        {
            statements = SqlParser.ParseStatements(sql);
        }
        catch (SqlException e)
        {
            throw new SqlStatementException(e.Message, e, SqlErrorKind.Syntax);
        }
        var isOwner = IsOwner(caller);
        var results = new List<SqlStatementResult>(statements.Count);
        try
        {
            await ExecuteStatementsAsync(statements, sql, caller, connectionId, isOwner, results).ConfigureAwait(false);
        }
        catch (SqlStatementException e)
        {
            e.Completed = results;
            throw;
        }
        return results;
    }

    private async Task ExecuteStatementsAsync(
        IReadOnlyList<SqlStatement> statements, string sql, Identity caller, ConnectionId connectionId, bool isOwner, List<SqlStatementResult> results)
    {
        foreach (var statement in statements)
        {
            switch (statement)
            {
                case SelectStatement select:
                {
                    var state = _store.Committed;
                    var started = Timestamp.Now(_clock);
                    var stopwatch = System.Diagnostics.Stopwatch.StartNew();
                    var outcome = "error";
                    try
                    {
                        var active = _active;
                        var rowLimit = isOwner ? null : Settings.RowLimit;
                        if (SelectView(select, caller, active, state, rowLimit) is { } viewRows)
                        {
                            results.Add(viewRows);
                        }
                        else
                        {
                            var result = ReadsSlowLog(select, active.Catalog, caller, isOwner)
                                ? SlowLog.Query(select, caller, rowLimit)
                                : SqlExecutor.Query(select, active.Catalog, state, caller, isOwner, rowLimit, active.Visibility);
                            results.Add(ToResult(result, state.LastOffset));
                        }
                        outcome = "ok";
                    }
                    catch (SqlException e)
                    {
                        throw new SqlStatementException(e.Message, e);
                    }
                    finally
                    {
                        SlowLog.RecordQuery(sql, started, stopwatch.Elapsed, caller, outcome);
                    }
                    break;
                }
                case ExplainStatement explain:
                {
                    string text;
                    try
                    {
                        text = ExplainSelect(explain.Select, caller, isOwner);
                    }
                    catch (SqlException e)
                    {
                        throw new SqlStatementException(e.Message, e);
                    }
                    var lines = text.Split('\n').Select(l => Sats.Values.AlgebraicValue.Product(Sats.Values.AlgebraicValue.String(l))).ToList();
                    var planType = Sats.Types.AlgebraicType.Product(("plan", Sats.Types.AlgebraicType.String));
                    results.Add(new SqlStatementResult(planType, Sats.Types.Typespace.Empty, lines, 0, 0, 0, null, SqlStatementKind.Explain));
                    break;
                }
                case SetStatement set:
                    results.Add(Set(set, caller, isOwner));
                    break;
                case ShowStatement show:
                    results.Add(Show(show));
                    break;
                default:
                {
                    if (!isOwner)
                        throw new SqlStatementException($"Caller {caller} is not authorized to run SQL DML statements.", kind: SqlErrorKind.NotAuthorized);
                    var (result, delivered) = await _writer.RunAsync(() => ExecuteDml(statement, sql, caller, connectionId, isOwner)).ConfigureAwait(false);
                    await delivered.ConfigureAwait(false);
                    results.Add(result);
                    break;
                }
            }
        }
    }

    // st_slow_log is the owner's, unless the module has a table of that name itself.
    private static bool ReadsSlowLog(SelectStatement select, Query.Catalog.SqlCatalog catalog, Identity caller, bool isOwner)
    {
        if (!Diagnostics.SlowLog.Reads(select) || catalog.TryGetTable(Diagnostics.SlowLog.TableName, out _))
            return false;
        if (!isOwner)
            throw new SqlException($"{Diagnostics.SlowLog.TableName} is readable by the database owner only (caller {caller}).");
        return true;
    }

    private SqlStatementResult Set(SetStatement set, Identity caller, bool isOwner)
    {
        if (!isOwner)
            throw new SqlStatementException($"Caller {caller} is not authorized to SET variables of this database.", kind: SqlErrorKind.NotAuthorized);
        if (!set.Name.Equals("row_limit", StringComparison.OrdinalIgnoreCase))
            throw new SqlStatementException($"Unknown variable '{set.Name}': the only one is row_limit.");
        if (set.Value is not SqlExpr.Number n
            || !ulong.TryParse(n.Text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var limit))
            throw new SqlStatementException("row_limit takes a non-negative integer (0 removes the limit).");
        Settings.SetRowLimit(limit);
        return new SqlStatementResult(Sats.Types.AlgebraicType.Unit, Sats.Types.Typespace.Empty, [], 0, 0, 0, null, SqlStatementKind.Set);
    }

    private SqlStatementResult Show(ShowStatement show)
    {
        if (!show.Name.Equals("row_limit", StringComparison.OrdinalIgnoreCase))
            throw new SqlStatementException($"Unknown variable '{show.Name}': the only one is row_limit.");
        var value = Settings.RowLimit is { } limit
            ? Sats.Values.AlgebraicValue.OptionSome(Sats.Values.AlgebraicValue.U64(limit))
            : Sats.Values.AlgebraicValue.OptionNone;
        return new SqlStatementResult(
            Sats.Types.AlgebraicType.Product(
                ("name", Sats.Types.AlgebraicType.String), ("value", Sats.Types.AlgebraicType.Option(Sats.Types.AlgebraicType.U64))),
            Sats.Types.Typespace.Empty, [Sats.Values.AlgebraicValue.Product(Sats.Values.AlgebraicValue.String("row_limit"), value)], 0, 0, 0, null,
            SqlStatementKind.Show);
    }

    // On the writer: one DML statement as one transaction.
    private (SqlStatementResult Result, Task Delivered) ExecuteDml(SqlStatement statement, string sql, Identity caller, ConnectionId connectionId, bool isOwner)
    {
        using var tx = _store.BeginTransaction();
        SqlResult result;
        try
        {
            result = SqlExecutor.Execute(statement, _active.Catalog, tx, caller, isOwner);
        }
        catch (Exception e) when (e is SqlException or StorageException or BsatnDecodeException)
        {
            throw new SqlStatementException(e.Message, e, e is UniqueConstraintViolationException ? SqlErrorKind.UniqueViolation : SqlErrorKind.Invalid);
        }
        Changeset changeset;
        try
        {
            changeset = tx.Commit(new TransactionCall("__sql__", Encoding.UTF8.GetBytes(sql), caller, connectionId, Timestamp.Now(_clock)));
        }
        catch (DatastoreFailedException e)
        {
            throw new DatabaseUnavailableException($"The database cannot accept writes: {e.Message}", e);
        }
        var delivered = _pipeline.Publish(new CommitRecord(changeset, _store.Committed, null));
        var kind = statement switch
        {
            InsertStatement => SqlStatementKind.Insert,
            UpdateStatement => SqlStatementKind.Update,
            _ => SqlStatementKind.Delete,
        };
        return (ToResult(result, changeset.Offset, kind), delivered);
    }

    private static SqlStatementResult ToResult(SqlResult r, ulong? offset, SqlStatementKind kind = SqlStatementKind.Select) =>
        new(r.Schema, r.Typespace, r.Rows, r.RowsInserted, r.RowsDeleted, r.RowsUpdated, offset, kind);
}
