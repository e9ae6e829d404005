using Meridian.Query.Catalog;
using Meridian.Query.Execution;
using Meridian.Query.Sql;
using Meridian.Sats;
using Meridian.Sats.Types;
using Meridian.Sats.Values;
using Meridian.Storage;
using Meridian.Storage.Schema;

namespace Meridian.Runtime.Diagnostics;

/// <summary>One slow reducer call or query.</summary>
/// <param name="Sequence">Increases by one per entry of this database since it opened.</param>
/// <param name="Timestamp">When the call or query started.</param>
/// <param name="Kind"><c>reducer</c> or <c>query</c>.</param>
/// <param name="Name">The reducer's name, or the query's SQL text.</param>
/// <param name="Duration">How long it took.</param>
/// <param name="Caller">Who called it.</param>
/// <param name="Outcome">For reducers: committed, failed, ...; for queries: ok or error.</param>
public sealed record SlowLogEntry(ulong Sequence, Timestamp Timestamp, string Kind, string Name, TimeDuration Duration, Identity Caller, string Outcome);

/// <summary>
/// The slowest recent work of one database: reducer calls and SQL queries over their thresholds, kept in a bounded
/// ring in memory (not persisted) and readable by the owner as the system table <c>st_slow_log</c> through SQL.
/// </summary>
public sealed class SlowLog
{
    /// <summary>The name SQL reads the log by.</summary>
    public const string TableName = "st_slow_log";

    private static readonly TableSchema Schema = new(TableName, AlgebraicType.Product(
        ("seq", AlgebraicType.U64),
        ("timestamp", AlgebraicType.Timestamp),
        ("kind", AlgebraicType.String),
        ("name", AlgebraicType.String),
        ("duration_micros", AlgebraicType.U64),
        ("caller", AlgebraicType.Identity),
        ("outcome", AlgebraicType.String)));

    private readonly SlowLogOptions _options;
    private readonly Queue<SlowLogEntry> _entries = new();
    private ulong _next;

    /// <summary>A log with the given thresholds.</summary>
    public SlowLog(SlowLogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>The thresholds.</summary>
    public SlowLogOptions Options => _options;

    /// <summary>The entries, oldest first.</summary>
    public IReadOnlyList<SlowLogEntry> Entries
    {
        get
        {
            lock (_entries)
                return [.. _entries];
        }
    }

    /// <summary>Logs a reducer call when it ran at least the reducer threshold.</summary>
    public void RecordReducer(string reducer, Timestamp started, TimeSpan duration, Identity caller, string outcome)
    {
        if (_options.ReducerThreshold is { } limit && duration >= limit)
            Add("reducer", reducer, started, duration, caller, outcome);
    }

    /// <summary>Logs a query when it took at least the query threshold.</summary>
    public void RecordQuery(string sql, Timestamp started, TimeSpan duration, Identity caller, string outcome)
    {
        if (_options.QueryThreshold is { } limit && duration >= limit)
            Add("query", sql, started, duration, caller, outcome);
    }

    private void Add(string kind, string name, Timestamp started, TimeSpan duration, Identity caller, string outcome)
    {
        if (_options.Capacity <= 0)
            return;
        lock (_entries)
        {
            _entries.Enqueue(new SlowLogEntry(_next++, started, kind, name, TimeDuration.FromTimeSpan(duration), caller, outcome));
            while (_entries.Count > _options.Capacity)
                _entries.Dequeue();
        }
    }

    /// <summary>True when <paramref name="select"/> reads the slow log (and only the slow log).</summary>
    public static bool Reads(SelectStatement select) =>
        select.From.Name == TableName && select.Joins.All(j => j.Table.Name == TableName);

    /// <summary>Runs <paramref name="select"/> against a snapshot of the log.</summary>
    /// <exception cref="SqlException">The query is not valid for the log's columns.</exception>
    public SqlResult Query(SelectStatement select, Identity caller, ulong? rowLimit)
    {
        var store = Datastore.CreateInMemory();
        using (var tx = store.BeginTransaction())
        {
            var table = tx.CreateTable(Schema);
            foreach (var e in Entries)
            {
                tx.Insert(table, AlgebraicValue.Product(
                    AlgebraicValue.U64(e.Sequence),
                    e.Timestamp.ToValue(),
                    AlgebraicValue.String(e.Kind),
                    AlgebraicValue.String(e.Name),
                    AlgebraicValue.U64((ulong)Math.Max(0, e.Duration.Microseconds)),
                    e.Caller.ToValue(),
                    AlgebraicValue.String(e.Outcome)));
            }
            tx.Commit();
        }
        var state = store.Committed;
        var catalog = new SqlCatalog([SqlTable.FromSchema(state.GetTable(TableName))]);
        return SqlExecutor.Query(select, catalog, state, caller, isOwner: true, rowLimit);
    }
}
