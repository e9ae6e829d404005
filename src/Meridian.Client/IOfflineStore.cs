namespace Meridian.Client;

/// <summary>
/// Keeps the client cache and the queued calls of a connection across runs of the app
/// (<see cref="DbConnectionBuilder{T}.WithOfflineStore"/>). On net10.0 <c>SqliteOfflineStore</c>
/// is one; elsewhere (Unity, Godot) an app may implement it over its own storage. The connection
/// calls it from one thread at a time.
/// </summary>
public interface IOfflineStore : IDisposable
{
    /// <summary>Checks that the store belongs to <paramref name="database"/> (claiming it when new); throws when it belongs to another.</summary>
    void Open(string database);

    /// <summary>Every stored row: its table, its BSATN, and how many subscriptions hold it.</summary>
    IReadOnlyList<StoredRow> LoadRows();

    /// <summary>Stores changes of one transaction at once: a row with a count of 0 is removed.</summary>
    void SaveRows(IReadOnlyList<StoredRow> changes);

    /// <summary>Removes every stored row of <paramref name="table"/> (its rows no longer decode).</summary>
    void ClearTable(string table);

    /// <summary>The queued calls, oldest first.</summary>
    IReadOnlyList<QueuedCall> LoadCalls();

    /// <summary>Adds a queued call.</summary>
    void AddCall(QueuedCall call);

    /// <summary>Removes a queued call (it was answered, expired or discarded).</summary>
    void RemoveCall(long sequence);
}

/// <summary>A row of the persisted cache.</summary>
/// <param name="Table">The table's name.</param>
/// <param name="Row">The row's BSATN.</param>
/// <param name="Count">How many subscriptions hold it (0 removes it).</param>
public readonly record struct StoredRow(string Table, ReadOnlyMemory<byte> Row, int Count);
