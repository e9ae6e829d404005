using System.Diagnostics.CodeAnalysis;
using SpacetimeDB.Internal;

namespace SpacetimeDB;

/// <summary>
/// Base of the generated <c>ProcedureContext</c>: what a procedure receives. A procedure is not a
/// transaction; it opens one with <see cref="WithTx{TResult}"/> or <see cref="TryWithTx{TResult, TError}"/>,
/// each taking the database's writer for that one transaction.
/// </summary>
public abstract class ProcedureContextBase
{
    private readonly string? _jwt;
    private AuthCtx? _auth;

    /// <summary>Creates the context of one call.</summary>
    /// <param name="call">The caller and the start time.</param>
    protected ProcedureContextBase(ProcedureCallInfo call)
    {
        Sender = call.Sender;
        ConnectionId = call.ConnectionId;
        Timestamp = call.Timestamp;
        _jwt = call.Jwt;
        Rng = new Random(unchecked((int)call.Timestamp.MicrosecondsSinceUnixEpoch));
    }

    /// <summary>The database's own identity.</summary>
    [SuppressMessage("Naming", "CA1721", Justification = "Upstream's name.")]
    public static Identity Identity => ModuleHost.Procedure.DatabaseIdentity;

    /// <summary>The caller's identity.</summary>
    public Identity Sender { get; }

    /// <summary>The caller's connection, or null.</summary>
    public ConnectionId? ConnectionId { get; }

    /// <summary>A random source seeded from the start time.</summary>
    public Random Rng { get; }

    /// <summary>The call's start time; inside a transaction, the transaction's.</summary>
    public Timestamp Timestamp { get; private set; }

    /// <summary>The caller's credentials (JWT claims), when it presented a token.</summary>
    public AuthCtx SenderAuth => _auth ??= AuthCtx.FromJwt(_jwt, Sender);

    /// <summary>Sends HTTP requests (not inside a transaction).</summary>
    public HttpClient Http { get; } = new();

    /// <summary>The per-call counter of <c>NewUuidV7</c>.</summary>
    [SuppressMessage("Design", "CA1051", Justification = "Upstream's shape: a protected counter the context increments by ref.")]
    protected int CounterUuid;

    /// <summary>A random version-4 UUID from <see cref="Rng"/>.</summary>
    public Uuid NewUuidV4() => UuidSource.NewV4(Rng);

    /// <summary>A time-ordered version-7 UUID from <see cref="Timestamp"/>, a per-call counter and <see cref="Rng"/>.</summary>
    public Uuid NewUuidV7() => UuidSource.NewV7(ref CounterUuid, Timestamp, Rng);

    /// <summary>Creates the <c>tx</c> argument of a transaction body (generated).</summary>
    protected abstract ProcedureTxContextBase CreateTxContext();

    /// <summary>
    /// Runs <paramref name="body"/> in one transaction and commits it; a throwing body rolls back and
    /// the exception propagates. If the commit fails the body runs once more, so it must be idempotent.
    /// </summary>
    public TResult WithTx<TResult>(Func<ProcedureTxContextBase, TResult> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return TryWithTx<TResult, Exception>(tx => Result<TResult, Exception>.Ok(body(tx))).UnwrapOrThrow();
    }

    /// <summary>
    /// Runs <paramref name="body"/> in one transaction: commits on <c>Ok</c>, rolls back on <c>Err</c>
    /// or an exception. If the commit fails the body runs once more.
    /// </summary>
    [SuppressMessage("Design", "CA1031", Justification = "Every failure of the body becomes the outcome's error, as upstream.")]
    public TxOutcome<TResult> TryWithTx<TResult, TError>(Func<ProcedureTxContextBase, Result<TResult, TError>> body)
        where TError : Exception
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            Result<TResult, TError> result;
            try
            {
                result = RunOnce(body);
            }
            catch (TransactionCommitException e)
            {
                Log.Warn($"Committing the procedure's transaction failed ({e.Message}); retrying once.");
                result = RunOnce(body);
            }
            return result switch
            {
                Result<TResult, TError>.OkR(var value) => TxOutcome<TResult>.Success(value),
                Result<TResult, TError>.ErrR(var error) => TxOutcome<TResult>.Failure(error),
                _ => throw new InvalidOperationException("Unknown Result variant."),
            };
        }
        catch (Exception e)
        {
            return TxOutcome<TResult>.Failure(e);
        }
    }

    private Result<TResult, TError> RunOnce<TResult, TError>(Func<ProcedureTxContextBase, Result<TResult, TError>> body)
    {
        var started = Timestamp;
        try
        {
            return ModuleHost.Procedure.RunTransaction(ts =>
            {
                Timestamp = ts;
                var result = body(CreateTxContext());
                return (result, result is Result<TResult, TError>.OkR);
            });
        }
        finally
        {
            Timestamp = started;
        }
    }

    /// <summary>How a <see cref="TryWithTx{TResult, TError}"/> ended.</summary>
    /// <typeparam name="TResult">The body's success type.</typeparam>
    [SuppressMessage("Design", "CA1034", Justification = "Upstream's shape: ProcedureContextBase.TxOutcome<T>.")]
    [SuppressMessage("Design", "CA1000", Justification = "Upstream's static factories.")]
    [SuppressMessage("Performance", "CA1815", Justification = "Upstream's shape; not compared.")]
    public readonly struct TxOutcome<TResult>
    {
        private TxOutcome(bool isSuccess, TResult? value, Exception? error)
        {
            IsSuccess = isSuccess;
            Value = value;
            Error = error;
        }

        /// <summary>Whether the transaction committed.</summary>
        public bool IsSuccess { get; }

        /// <summary>The body's value, when it committed.</summary>
        public TResult? Value { get; }

        /// <summary>Why it did not commit.</summary>
        public Exception? Error { get; }

        /// <summary>A committed outcome.</summary>
        public static TxOutcome<TResult> Success(TResult value) => new(true, value, null);

        /// <summary>A rolled-back outcome.</summary>
        public static TxOutcome<TResult> Failure(Exception error) => new(false, default, error);

        /// <summary>The value, or the error thrown.</summary>
        public TResult UnwrapOrThrow() =>
            IsSuccess ? Value! : throw (Error ?? new InvalidOperationException("Transaction failed without an error object."));

        /// <summary>The value, or the error (or <paramref name="fallbackFactory"/>'s) thrown.</summary>
        public TResult UnwrapOrThrow(Func<Exception> fallbackFactory)
        {
            ArgumentNullException.ThrowIfNull(fallbackFactory);
            return IsSuccess ? Value! : throw (Error ?? fallbackFactory());
        }
    }
}

/// <summary>Base of the generated <c>ProcedureTxContext</c>: the <c>tx</c> of a procedure's transaction body.</summary>
/// <param name="outer">The procedure's context.</param>
public abstract class ProcedureTxContextBase(ProcedureContextBase outer)
{
    /// <summary>The caller's identity.</summary>
    public Identity Sender => outer.Sender;

    /// <summary>The caller's connection, or null.</summary>
    public ConnectionId? ConnectionId => outer.ConnectionId;

    /// <summary>The transaction's timestamp.</summary>
    public Timestamp Timestamp => outer.Timestamp;

    /// <summary>The caller's credentials.</summary>
    public AuthCtx SenderAuth => outer.SenderAuth;

    /// <summary>The procedure's random source.</summary>
    public Random Rng => outer.Rng;
}
