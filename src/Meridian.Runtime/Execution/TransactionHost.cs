using System.Buffers;
using Meridian.Runtime.Logging;
using Meridian.Runtime.Modules;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using Meridian.Sats.Values;
using Meridian.Storage;
using Meridian.Storage.Schema;
using Meridian.Storage.Indexes;
using SpacetimeDB.Internal;
using StorageErrors = Meridian.Storage;

namespace Meridian.Runtime.Execution;

/// <summary>
/// What a reducer's <c>ctx.Db</c> calls reach: the module host boundary implemented over one
/// storage transaction. Module table and index numbers map to storage ids one to one (module
/// indexes come first, in order, in each storage table). Storage errors become the module's
/// exception types, with the storage message kept.
/// </summary>
/// <remarks>
/// The writer's reducer calls reuse one host (<see cref="Begin"/>): module code reaches it only through the scope
/// <c>ModuleHost.Enter</c> opens for one call, so a reused host is never seen by a call it was not begun for.
/// </remarks>
internal sealed class TransactionHost : IDatabaseHost
{
    [ThreadStatic]
    private static byte[]? t_found;

    private readonly SpacetimeDB.Identity _databaseIdentity;
    private readonly ModuleLog _log;
    private readonly TimeProvider _clock;
    private Transaction _tx;
    private ModuleSchema _schema;
    private IReadOnlyList<TableId> _tableIds;
    private long _deadline = long.MaxValue;       // Stopwatch timestamp
    private long _coarseDeadline = long.MaxValue; // Environment.TickCount64, at or before _deadline

    public TransactionHost(
        Transaction tx, ModuleSchema schema, IReadOnlyList<TableId> tableIds, SpacetimeDB.Identity databaseIdentity, ModuleLog log, TimeProvider clock)
    {
        _tx = tx;
        _schema = schema;
        _tableIds = tableIds;
        _databaseIdentity = databaseIdentity;
        _log = log;
        _clock = clock;
    }

    /// <summary>
    /// Points this host at a new transaction (the writer's reused host), with its deadline and the Stopwatch timestamp
    /// <paramref name="now"/> the caller read just before (so the clock is not read again here).
    /// </summary>
    public void Begin(Transaction tx, ModuleSchema schema, IReadOnlyList<TableId> tableIds, long deadline, long now)
    {
        _tx = tx;
        _schema = schema;
        _tableIds = tableIds;
        TimedOut = false;
        Wrote = false;
        SetDeadline(deadline, now);
    }

    /// <summary>Lets go of the finished transaction, so a reused host keeps nothing of it alive.</summary>
    public void End() => _tx = null!;

    public SpacetimeDB.Identity DatabaseIdentity => _databaseIdentity;

    /// <summary>
    /// When the transaction must end, in <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> units
    /// (<see cref="long.MaxValue"/>: never). Every call the module makes into the database checks it. Real
    /// monotonic time, not the injected clock: a test clock that jumps must not stop a running reducer.
    /// </summary>
    public long Deadline
    {
        get => _deadline;
        init => SetDeadline(value, System.Diagnostics.Stopwatch.GetTimestamp());
    }

    /// <summary>Whether the module asked for a write (insert, delete, update, clear) in this transaction, even one that failed.</summary>
    public bool Wrote { get; private set; }

    /// <summary>Whether a call found the deadline passed (the transaction must then be rolled back, whatever the module did).</summary>
    public bool TimedOut { get; private set; }

    // The check at every host call reads the coarse tick count (a few ns, millisecond steps) and only near the deadline the
    // precise clock, so the limit costs next to nothing per call yet never stops a call before its full time.
    // `now` may be a few microseconds old (the caller's reading): the coarse deadline is then later by as much, which its
    // 1 ms margin covers.
    private void SetDeadline(long deadline, long now)
    {
        _deadline = deadline;
        if (deadline == long.MaxValue)
        {
            _coarseDeadline = long.MaxValue;
            return;
        }
        var remainingMs = (deadline - now) * 1000 / System.Diagnostics.Stopwatch.Frequency;
        _coarseDeadline = Environment.TickCount64 + remainingMs - 1;
    }

    // In-process module code cannot be preempted; this check at every call into the database is where a
    // runaway reducer is stopped. Once past the deadline every later call throws too, so catching the
    // exception does not let a reducer go on writing.
    private void CheckDeadline()
    {
        if (Environment.TickCount64 >= _coarseDeadline && (TimedOut || System.Diagnostics.Stopwatch.GetTimestamp() > _deadline))
        {
            TimedOut = true;
            throw new ReducerTimeLimitException();
        }
    }

    /// <summary>Runs <c>VolatileNonatomicScheduleImmediate</c> calls; null where reducers cannot be scheduled.</summary>
    public Action<string, byte[]>? ScheduleImmediateHandler { get; set; }

    public void ScheduleImmediate(string reducer, byte[] args) =>
        (ScheduleImmediateHandler ?? throw new InvalidOperationException("Reducers cannot be scheduled from here."))(reducer, args);

    private TableId Table(int table) => (uint)table < (uint)_tableIds.Count
        ? _tableIds[table]
        : throw new SpacetimeDB.NoSuchTableException($"The module has no table {table}.");

    public ulong TableCount(int table)
    {
        CheckDeadline();
        return (ulong)_tx.Count(Table(table));
    }

    public IReadOnlyList<ReadOnlyMemory<byte>> TableScan(int table)
    {
        CheckDeadline();
        return Collect(_tx.Scan(Table(table)));
    }

    public void Insert(int table, ReadOnlySpan<byte> row, IBufferWriter<byte> generatedColumns)
    {
        CheckDeadline();
        Wrote = true;
        var id = Table(table);
        ReadOnlySpan<byte> stored;
        try
        {
            stored = _tx.Insert(id, row);
        }
        catch (Exception e) when (ModuleError(e, id) is { } error)
        {
            throw error;
        }
        WriteGenerated(table, row, stored, generatedColumns);
    }

    public bool Delete(int table, ReadOnlySpan<byte> row)
    {
        CheckDeadline();
        Wrote = true;
        return _tx.Delete(Table(table), row);
    }

    public ulong Clear(int table)
    {
        CheckDeadline();
        Wrote = true;
        return (ulong)_tx.Clear(Table(table));
    }

    public IReadOnlyList<ReadOnlyMemory<byte>> IndexScanPoint(int table, int index, ReadOnlySpan<byte> key, int keyColumns)
    {
        CheckDeadline();
        return Collect(_tx.ScanIndex(Table(table), index, Storage.Indexes.IndexScanRange.WithPrefix(key.ToArray(), keyColumns)));
    }

    public IReadOnlyList<ReadOnlyMemory<byte>> IndexScanRange(
        int table, int index, ReadOnlySpan<byte> prefix, int prefixColumns, ReadOnlySpan<byte> min, ReadOnlySpan<byte> max)
    {
        CheckDeadline();
        return Collect(_tx.ScanIndex(Table(table), index, Range(prefix, prefixColumns, min, max)));
    }

    public ulong IndexDeletePoint(int table, int index, ReadOnlySpan<byte> key, int keyColumns)
    {
        CheckDeadline();
        Wrote = true;
        return (ulong)_tx.DeleteRange(Table(table), index, Storage.Indexes.IndexScanRange.WithPrefix(key.ToArray(), keyColumns));
    }

    public ulong IndexDeleteRange(int table, int index, ReadOnlySpan<byte> prefix, int prefixColumns, ReadOnlySpan<byte> min, ReadOnlySpan<byte> max)
    {
        CheckDeadline();
        Wrote = true;
        return (ulong)_tx.DeleteRange(Table(table), index, Range(prefix, prefixColumns, min, max));
    }

    public bool UniqueFind(int table, int index, ReadOnlySpan<byte> key, out ReadOnlyMemory<byte> row)
    {
        CheckDeadline();
        if (_tx.TryFind(Table(table), index, key, out var found))
        {
            // The module decodes the row before its next call into the host (IDatabaseHost.UniqueFind), so one
            // buffer per thread serves every lookup: no array per found row.
            var buffer = t_found is { } b && b.Length >= found.Length ? b : t_found = new byte[Math.Max(found.Length, 256)];
            found.CopyTo(buffer);
            row = buffer.AsMemory(0, found.Length);
            return true;
        }
        row = default;
        return false;
    }

    public bool UniqueDelete(int table, int index, ReadOnlySpan<byte> key)
    {
        CheckDeadline();
        Wrote = true;
        return _tx.DeleteByKey(Table(table), index, key) > 0;
    }

    public void UniqueUpdate(int table, int index, ReadOnlySpan<byte> row, IBufferWriter<byte> generatedColumns)
    {
        CheckDeadline();
        Wrote = true;
        var id = Table(table);
        ReadOnlySpan<byte> stored;
        try
        {
            stored = _tx.Update(id, index, row);
        }
        catch (Exception e) when (ModuleError(e, id) is { } error)
        {
            throw error;
        }
        WriteGenerated(table, row, stored, generatedColumns);
    }

    public void Log(LogLevel level, string message, string target, string file, int line)
    {
        CheckDeadline();
        _log.Write(new ModuleLogRecord(Level(level), Meridian.Sats.Timestamp.Now(_clock).MicrosecondsSinceUnixEpoch, target, file, line, message));
    }

    internal static ModuleLogLevel Level(LogLevel level) => level switch
    {
        LogLevel.Error => ModuleLogLevel.Error,
        LogLevel.Warn => ModuleLogLevel.Warn,
        LogLevel.Info => ModuleLogLevel.Info,
        LogLevel.Debug => ModuleLogLevel.Debug,
        LogLevel.Trace => ModuleLogLevel.Trace,
        _ => ModuleLogLevel.Panic,
    };

    private static Storage.Indexes.IndexScanRange Range(ReadOnlySpan<byte> prefix, int prefixColumns, ReadOnlySpan<byte> min, ReadOnlySpan<byte> max) =>
        new(prefix.ToArray(), prefixColumns, KeyBound.Inclusive(min.ToArray()), KeyBound.Inclusive(max.ToArray()));

    private static List<ReadOnlyMemory<byte>> Collect(RowCursor cursor)
    {
        var rows = new List<ReadOnlyMemory<byte>>();
        while (cursor.MoveNext())
            rows.Add(cursor.Current.ToArray());
        return rows;
    }

    // Reports the values sequences generated: auto-increment columns that were zero in the input.
    private void WriteGenerated(int table, ReadOnlySpan<byte> input, ReadOnlySpan<byte> stored, IBufferWriter<byte> output)
    {
        var t = _schema.Tables[table].Schema;
        if (t.Sequences.Count == 0)
            return;
        var before = (ProductValue)AlgebraicValue.FromBsatn(input, t.RowType, t.Typespace);
        var after = (ProductValue)AlgebraicValue.FromBsatn(stored, t.RowType, t.Typespace);
        var writer = new BsatnWriter(32);
        for (var c = 0; c < t.RowType.Elements.Count; c++)
        {
            if (t.Sequences.Any(s => s.Column == c) && IsZero(before[c]))
                after[c].WriteBsatn(writer);
        }
        writer.WrittenSpan.CopyTo(output.GetSpan(writer.Length));
        output.Advance(writer.Length);
    }

    private static bool IsZero(AlgebraicValue v) => v.ToBsatn().AsSpan().IndexOfAnyExcept((byte)0) < 0;

    // The module's exception for a storage error (the storage message kept), or null when it is not one.
    private static Exception? ModuleError(Exception e, TableId table) => e switch
    {
        StorageErrors.UniqueConstraintViolationException u => new SpacetimeDB.UniqueConstraintViolationException(u.Message),
        RowNotFoundException r => new SpacetimeDB.NoSuchRowException(r.Message),
        SequenceExhaustedException => new SpacetimeDB.AutoIncOverflowException(),
        BsatnDecodeException d => new SpacetimeDB.BsatnDecodeException($"A row for table {table.Value} is not valid: {d.Message}"),
        _ => null,
    };
}
