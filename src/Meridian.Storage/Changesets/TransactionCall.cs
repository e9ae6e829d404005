using Meridian.Sats;

namespace Meridian.Storage.Changesets;

/// <summary>
/// The call that produced a transaction, recorded with it in the commit log so that history can be
/// inspected and replayed: reducer name, BSATN arguments, caller, connection and time, and the
/// error when the reducer failed.
/// </summary>
/// <param name="ReducerName">Name of the reducer (or lifecycle hook) that ran.</param>
/// <param name="Args">The reducer's BSATN arguments, as received.</param>
/// <param name="Caller">Identity of the caller.</param>
/// <param name="ConnectionId">Connection the call came from (zero when none).</param>
/// <param name="Timestamp">The reducer's timestamp.</param>
/// <param name="Error">The error the reducer returned or threw, or null when it succeeded.</param>
public sealed record TransactionCall(
    string ReducerName,
    ReadOnlyMemory<byte> Args,
    Identity Caller,
    ConnectionId ConnectionId,
    Timestamp Timestamp,
    string? Error = null);
