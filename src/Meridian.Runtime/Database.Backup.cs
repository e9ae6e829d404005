using System.Reflection;
using Meridian.Query.Catalog;
using Meridian.Query.Execution;
using Meridian.Query.Sql;
using Meridian.Runtime.Backup;
using Meridian.Runtime.Modules;
using Meridian.Runtime.Sql;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Storage;
using Meridian.Storage.Changesets;

namespace Meridian.Runtime;

public sealed partial class Database
{
    /// <summary>
    /// Writes a dump of this database (module and data, consistent at one transaction offset) to
    /// <paramref name="destination"/> while it goes on serving: the module and the committed version
    /// are taken together on the writer (so no update or commit falls between them), and the data is
    /// written from that immutable version afterwards, without holding the writer.
    /// </summary>
    /// <param name="destination">A seekable, readable stream (a file).</param>
    /// <exception cref="InvalidOperationException">Nothing has been committed yet.</exception>
    public async Task<DumpInfo> DumpAsync(Stream destination)
    {
        ThrowIfDisposed();
        var (image, state) = await _writer.RunAsync(() => (_active.Module.Image, _store.Committed)).ConfigureAwait(false);
        var version = typeof(Database).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var info = new DumpInfo(Name, Identity.ToHexString(), 0, Timestamp.Now(_clock).MicrosecondsSinceUnixEpoch, 0, 0, version, DumpFile.Version);
        return await Task.Run(() => DumpFile.Write(destination, info, image, state)).ConfigureAwait(false);
    }

    /// <summary>
    /// The logged transactions from <paramref name="fromOffset"/> on (at most <paramref name="limit"/>),
    /// oldest first. Transactions that are committed but not yet durable are waited for.
    /// </summary>
    /// <exception cref="HistoryUnavailableException">The database keeps no history (it is in memory).</exception>
    public async Task<IReadOnlyList<HistoryEntry>> ReadHistoryAsync(ulong fromOffset, int limit)
    {
        ThrowIfDisposed();
        var history = _store.History ?? throw NoHistory();
        if (_store.Committed.LastOffset is not { } last)
            return [];
        await WaitForDurableAsync(last).ConfigureAwait(false);
        return await Task.Run(() => history.List(fromOffset).TakeWhile(t => t.Offset <= last).Take(limit)
            .Select(t => new HistoryEntry(
                t.Offset,
                t.CommitTime,
                t.ReducerName,
                t.Caller,
                t.Error,
                t.Tables.Select(c => new HistoryTableChange(c.Table, c.Inserted, c.Deleted)).ToList(),
                t.SchemaChanges.Select(Describe).ToList()))
            .ToList()).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs SELECT statements as <paramref name="caller"/> (who must own the database) against the
    /// database as it was right after transaction <paramref name="offset"/>, rebuilt from the newest
    /// snapshot before it and the commit log. Tables are read as they were then: a migration since
    /// may have changed a table's columns or dropped it (see <see cref="CatalogAt"/>).
    /// </summary>
    /// <exception cref="SqlStatementException">A statement is not a SELECT, is invalid, or reads a table that did not exist then.</exception>
    /// <exception cref="HistoryUnavailableException">The offset is out of range, the caller is not the owner, or no history is kept.</exception>
    public async Task<IReadOnlyList<SqlStatementResult>> QueryAsOfAsync(string sql, ulong offset, Identity caller)
    {
        ThrowIfDisposed();
        if (!IsOwner(caller))
            throw new HistoryUnavailableException($"Only the owner of '{Name}' can read its history (caller {caller}).");
        var history = _store.History ?? throw NoHistory();
        IReadOnlyList<SqlStatement> statements;
        try
        {
            statements = SqlParser.ParseStatements(sql);
        }
        catch (SqlException e)
        {
            throw new SqlStatementException(e.Message, e);
        }
        if (statements.FirstOrDefault(s => s is not SelectStatement) is { } notSelect)
        {
            var kind = notSelect.GetType().Name.Replace("Statement", "", StringComparison.Ordinal);
            throw new SqlStatementException($"Only SELECT statements can read the past; '{kind}' cannot.");
        }
        if (_store.Committed.LastOffset is not { } last || offset > last)
        {
            throw new HistoryUnavailableException(_store.Committed.LastOffset is { } l
                ? $"Offset {offset} is out of range: the last transaction of '{Name}' is {l}."
                : $"Offset {offset} is out of range: '{Name}' has no transactions yet.");
        }
        await WaitForDurableAsync(offset).ConfigureAwait(false);
        var active = _active;
        return await Task.Run(() =>
        {
            CommittedState state;
            try
            {
                state = history.StateAt(offset);
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new HistoryUnavailableException($"Offset {offset} is out of range: {e.Message.Split(" (Parameter", 2)[0]}");
            }
            var catalog = CatalogAt(active, state);
            var results = new List<SqlStatementResult>(statements.Count);
            foreach (var select in statements.Cast<SelectStatement>())
            {
                try
                {
                    // The owner reads every row, so no visibility filter applies (they are written against today's tables).
                    var r = SqlExecutor.Query(select, catalog, state, caller, isOwner: true, rowLimit: null);
                    results.Add(new SqlStatementResult(r.Schema, r.Typespace, r.Rows, 0, 0, 0, offset));
                }
                catch (SqlException e)
                {
                    throw new SqlStatementException(e.Message, e);
                }
                catch (Exception e) when (e is StorageException or BsatnDecodeException)
                {
                    throw new SqlStatementException($"The query could not read the tables as they were at offset {offset}: {e.Message}", e);
                }
            }
            return (IReadOnlyList<SqlStatementResult>)results;
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// The tables of <paramref name="state"/> (a past state) as SQL sees them: each with its schema of
    /// then (the columns, types and indexes its rows were stored with, which a migration may have
    /// changed since), under the current module's names while the module still has it, under its
    /// stored name when a migration has dropped it since.
    /// </summary>
    private static SqlCatalog CatalogAt(ActiveModule active, StateReader state)
    {
        var current = active.Catalog.Tables.ToDictionary(t => t.Schema.Id);
        var tables = new List<SqlTable>();
        foreach (var then in state.Tables)
        {
            if (!current.TryGetValue(then.Id, out var now))
                tables.Add(SqlTable.FromSchema(then));
            else if (now.Schema.RowType.Equals(then.RowType))
                tables.Add(new SqlTable(then, now.Name, now.AccessorName, now.ColumnNames, now.ColumnAccessors));
            else
                tables.Add(new SqlTable(then, now.Name, now.AccessorName,
                    then.RowType.Elements.Select((e, i) => e.Name ?? $"col_{i}").ToList(), then.RowType.Elements.Select(_ => (string?)null).ToList()));
        }
        return new SqlCatalog(tables);
    }

    // A schema change as history shows it: what happened to which table.
    private static string Describe(SchemaChange change) => change switch
    {
        TableCreated c => $"created table {c.Table.Name}",
        TableDropped d => $"dropped table {d.TableName}",
        TableAltered a => $"altered table {a.Table.Name} ({a.Rows.Count} rows rewritten)",
        _ => change.GetType().Name,
    };

    private HistoryUnavailableException NoHistory() =>
        new($"'{Name}' keeps no history: it is an in-memory database (start the server with a data directory).");
}

/// <summary>One logged transaction, without its rows.</summary>
/// <param name="Offset">Its offset.</param>
/// <param name="CommitTime">When it committed.</param>
/// <param name="Reducer">The reducer that ran (<c>__sql__</c> for SQL DML), or null (schema set-up).</param>
/// <param name="Caller">Who called it, or null.</param>
/// <param name="Error">The error of a failed call, or null.</param>
/// <param name="Tables">Rows inserted and deleted per table.</param>
/// <param name="SchemaChanges">Tables it created, dropped or altered (<c>created table user</c>), for a publish or migration.</param>
public sealed record HistoryEntry(
    ulong Offset, Timestamp CommitTime, string? Reducer, Identity? Caller, string? Error, IReadOnlyList<HistoryTableChange> Tables,
    IReadOnlyList<string> SchemaChanges);

/// <summary>What one transaction changed in one table.</summary>
/// <param name="Table">The table's name.</param>
/// <param name="Inserted">Rows inserted.</param>
/// <param name="Deleted">Rows deleted.</param>
public sealed record HistoryTableChange(string Table, int Inserted, int Deleted);

/// <summary>The history asked for is not there: an offset out of range, or a database that keeps none.</summary>
public sealed class HistoryUnavailableException(string message) : DatabaseException(message);
