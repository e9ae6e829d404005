using System.Buffers;

namespace SpacetimeDB.Internal;

/// <summary>
/// What a module needs from the database while one of its reducers runs. The runtime implements
/// it over the current transaction. Rows and keys cross it as BSATN, so a row is encoded once.
/// <para>
/// <c>table</c> is the table's position in the Tables section of the module definition the
/// module described (<see cref="ModuleDescriptor.Definition"/>); <c>index</c> is the index's
/// position in that table's Indexes list. A key is the BSATN of the index's leading columns,
/// concatenated. Row memory returned by the host must stay valid and unchanged until the reducer
/// call ends (returning references to immutable stored rows is fine).
/// </para>
/// <para>
/// Errors are thrown as the <see cref="StdbException"/> subclasses: a unique collision as
/// <see cref="UniqueConstraintViolationException"/> (leaving no partial effect), a primary-key
/// update with no such row as <see cref="NoSuchRowException"/>, sequence overflow as
/// <see cref="AutoIncOverflowException"/>.
/// </para>
/// </summary>
public interface IDatabaseHost
{
    /// <summary>The database's own identity.</summary>
    Identity DatabaseIdentity { get; }

    /// <summary>Rows in the table, this transaction's changes included.</summary>
    ulong TableCount(int table);

    /// <summary>A snapshot of every row: later inserts and deletes must not change the returned list.</summary>
    IReadOnlyList<ReadOnlyMemory<byte>> TableScan(int table);

    /// <summary>
    /// Inserts a row. For each auto-increment column whose value in <paramref name="row"/> is zero
    /// the host takes the next sequence value and writes it to <paramref name="generatedColumns"/>
    /// (BSATN, in column order, nothing else). Inserting a row identical to an existing one is a
    /// successful no-op.
    /// </summary>
    void Insert(int table, ReadOnlySpan<byte> row, IBufferWriter<byte> generatedColumns);

    /// <summary>Deletes the row equal to <paramref name="row"/>; false when there was none.</summary>
    bool Delete(int table, ReadOnlySpan<byte> row);

    /// <summary>Deletes every row; returns how many there were.</summary>
    ulong Clear(int table);

    /// <summary>A snapshot of the rows whose first <paramref name="keyColumns"/> index columns equal <paramref name="key"/>.</summary>
    IReadOnlyList<ReadOnlyMemory<byte>> IndexScanPoint(int table, int index, ReadOnlySpan<byte> key, int keyColumns);

    /// <summary>
    /// A snapshot of the rows whose first <paramref name="prefixColumns"/> index columns equal
    /// <paramref name="prefix"/> and whose next column lies in [<paramref name="min"/>, <paramref name="max"/>] (both inclusive).
    /// </summary>
    IReadOnlyList<ReadOnlyMemory<byte>> IndexScanRange(
        int table, int index, ReadOnlySpan<byte> prefix, int prefixColumns, ReadOnlySpan<byte> min, ReadOnlySpan<byte> max);

    /// <summary>Deletes what <see cref="IndexScanPoint"/> would return; returns the count.</summary>
    ulong IndexDeletePoint(int table, int index, ReadOnlySpan<byte> key, int keyColumns);

    /// <summary>Deletes what <see cref="IndexScanRange"/> would return; returns the count.</summary>
    ulong IndexDeleteRange(int table, int index, ReadOnlySpan<byte> prefix, int prefixColumns, ReadOnlySpan<byte> min, ReadOnlySpan<byte> max);

    /// <summary>
    /// Finds the row with this key in a unique index. <paramref name="row"/> may be the host's scratch buffer: it is
    /// valid only until the next call into the host, so read it at once.
    /// </summary>
    bool UniqueFind(int table, int index, ReadOnlySpan<byte> key, out ReadOnlyMemory<byte> row);

    /// <summary>Deletes the row with this key in a unique index; false when there was none.</summary>
    bool UniqueDelete(int table, int index, ReadOnlySpan<byte> key);

    /// <summary>
    /// Replaces the row whose key in the unique index <paramref name="index"/> equals the key in
    /// <paramref name="row"/>; generated columns are reported as for <see cref="Insert"/>.
    /// Throws <see cref="NoSuchRowException"/> when no row has that key.
    /// </summary>
    void UniqueUpdate(int table, int index, ReadOnlySpan<byte> row, IBufferWriter<byte> generatedColumns);

    /// <summary>Records a log line from the module.</summary>
    void Log(LogLevel level, string message, string target, string file, int line);

    /// <summary>
    /// Queues a call of reducer <paramref name="reducer"/> (source name) with BSATN <paramref name="args"/>
    /// to run after the current transaction, in a transaction of its own, whether or not the current one
    /// commits. Hosts that cannot run reducers (views) refuse.
    /// </summary>
    void ScheduleImmediate(string reducer, byte[] args) =>
        throw new InvalidOperationException("Reducers cannot be scheduled from here (only from a reducer or a procedure's transaction).");
}

/// <summary>Module log levels, numbered as SpacetimeDB's host numbers them.</summary>
public enum LogLevel : byte
{
    /// <summary>Errors.</summary>
    Error = 0,
    /// <summary>Warnings.</summary>
    Warn = 1,
    /// <summary>Information.</summary>
    Info = 2,
    /// <summary>Debugging.</summary>
    Debug = 3,
    /// <summary>Tracing.</summary>
    Trace = 4,
    /// <summary>A panic.</summary>
    Panic = 101,
}
