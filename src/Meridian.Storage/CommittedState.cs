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

    private protected override TableData? ReadTable(uint id) => _state.Table(id);
}
