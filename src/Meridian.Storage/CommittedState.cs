using Meridian.Storage.Snapshots;
using Meridian.Storage.Tables;

namespace Meridian.Storage;

/// <summary>
/// An immutable committed version of the datastore. Holding one costs nothing to the writer: new
/// commits publish new versions that share unchanged structure with this one; reading it takes no
/// lock and never sees part of a transaction. Safe to use from any thread.
/// </summary>
public sealed class CommittedState : StateReader
{
    private readonly DbState _state;

    internal CommittedState(DbState state) => _state = state;

    private protected override DbState State => _state;

    internal DbState Inner => _state;

    /// <summary>Offset of the last transaction this version includes, or null when none has committed.</summary>
    public ulong? LastOffset => _state.NextOffset == 0 ? null : _state.NextOffset - 1;

    /// <summary>
    /// Writes this version to <paramref name="destination"/> as a snapshot (format version 1,
    /// docs/dev/storage.md), front to back; <see cref="Datastore.ImportSnapshot"/> reads it back.
    /// Takes no lock: the writer goes on committing meanwhile.
    /// </summary>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="InvalidOperationException">Nothing has been committed.</exception>
    public long WriteSnapshot(Stream destination)
    {
        var file = new StreamOutputFile(destination);
        return SnapshotWriter.WriteTo(file, _state);
    }

    private protected override TableData? ReadTable(uint id) => _state.Table(id);
}
