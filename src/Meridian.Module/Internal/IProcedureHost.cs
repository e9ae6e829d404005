namespace SpacetimeDB.Internal;

/// <summary>
/// What a running procedure reaches outside its transactions: the database identity, the log, and
/// the writer, which it takes for one transaction at a time.
/// </summary>
public interface IProcedureHost
{
    /// <summary>The database's identity.</summary>
    Identity DatabaseIdentity { get; }

    /// <summary>
    /// Runs <paramref name="body"/> in one new mutable transaction, on the database's writer, with
    /// the transaction's <see cref="IDatabaseHost"/> bound; the body gets the transaction's timestamp
    /// and says whether to commit. A throwing body rolls back and the exception propagates.
    /// </summary>
    /// <exception cref="TransactionCommitException">The commit failed; nothing was written.</exception>
    TResult RunTransaction<TResult>(Func<Timestamp, (TResult Result, bool Commit)> body);

    /// <summary>Writes to the module log.</summary>
    void Log(LogLevel level, string message, string target, string file, int line);

    /// <summary>
    /// Lets the database's other procedures run while this one waits on the network (an HTTP request); disposing
    /// the result waits for this procedure's turn again. Null when the host has no turns to give.
    /// </summary>
    IDisposable? StepAside() => null;
}

/// <summary>What the host knows about the caller of a procedure.</summary>
/// <param name="Sender">The caller's identity (the database's for scheduled calls).</param>
/// <param name="ConnectionId">The caller's connection, or null.</param>
/// <param name="Timestamp">When the call started.</param>
/// <param name="Jwt">The caller's token payload (JSON), when it presented one.</param>
public readonly record struct ProcedureCallInfo(Identity Sender, ConnectionId? ConnectionId, Timestamp Timestamp, string? Jwt = null);

/// <summary>Decodes a procedure's arguments, runs it and returns the BSATN of its return value.</summary>
public delegate byte[] ProcedureInvoker(ProcedureCallInfo call, ref Meridian.Sats.Bsatn.BsatnReader args);

/// <summary>One procedure of a module.</summary>
/// <param name="Id">Its position in the Procedures section.</param>
/// <param name="Name">Its source name.</param>
/// <param name="Invoker">Decodes the arguments and runs it.</param>
public sealed record ProcedureDescriptor(int Id, string Name, ProcedureInvoker Invoker);
