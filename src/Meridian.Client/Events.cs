using Meridian.Sats;

namespace Meridian.Client;

/// <summary>What made the cache change and callbacks run.</summary>
public abstract record Event
{
    private Event()
    {
    }

    /// <summary>This connection's own reducer call committed (or failed with no changes).</summary>
    /// <param name="ReducerEvent">The call.</param>
    public sealed record Reducer(ReducerEvent ReducerEvent) : Event;

    /// <summary>A subscription was applied: its initial rows arrived.</summary>
    public sealed record SubscribeApplied : Event;

    /// <summary>A subscription ended: its rows left the cache (unless other subscriptions hold them).</summary>
    public sealed record UnsubscribeApplied : Event;

    /// <summary>A subscription failed.</summary>
    /// <param name="Error">The server's reason.</param>
    public sealed record SubscribeError(Exception Error) : Event;

    /// <summary>The connection ended.</summary>
    public sealed record Disconnected : Event;

    /// <summary>
    /// The cache was reconciled with the server after a reconnect (or after rows were loaded from
    /// the offline cache): these rows changed while the client was away.
    /// </summary>
    public sealed record Reconciled : Event;

    /// <summary>
    /// This connection's own call, made with <see cref="DbConnectionBase.CallWithPrediction"/>: its predicted
    /// changes were applied before the server answered. The answer arrives as <see cref="Reducer"/>, whose
    /// callbacks report only how the real changes differ from the prediction (or undo it when the call failed).
    /// </summary>
    /// <param name="ReducerName">The reducer's name on the wire.</param>
    /// <param name="Args">The generated arguments object.</param>
    public sealed record Predicted(string ReducerName, object? Args) : Event;

    /// <summary>
    /// A transaction of another client (or a scheduled reducer, or a procedure's transaction):
    /// protocol v2 does not say which reducer ran.
    /// </summary>
    public sealed record Transaction : Event;
}

/// <summary>How a reducer call ended.</summary>
public abstract record Status
{
    private Status()
    {
    }

    /// <summary>The reducer committed.</summary>
    public sealed record Committed : Status;

    /// <summary>The reducer returned an error (nothing changed).</summary>
    /// <param name="Reason">The module's error message.</param>
    public sealed record Failed(string Reason) : Status;

    /// <summary>The call could not run or the reducer panicked (nothing changed).</summary>
    /// <param name="Reason">The server's message.</param>
    public sealed record InternalError(string Reason) : Status;
}

/// <summary>One of this connection's reducer calls, with its outcome.</summary>
/// <param name="Timestamp">When the server ran it.</param>
/// <param name="Status">How it ended.</param>
/// <param name="CallerIdentity">The caller: this connection's identity.</param>
/// <param name="CallerConnectionId">The caller's connection id.</param>
/// <param name="ReducerName">The reducer's name on the wire.</param>
/// <param name="Args">The generated arguments object (<c>Reducer.&lt;Name&gt;</c>).</param>
public sealed record ReducerEvent(
    Timestamp Timestamp, Status Status, Identity CallerIdentity, ConnectionId? CallerConnectionId, string ReducerName, object? Args)
{
    /// <summary>Whether the reducer committed.</summary>
    public bool IsCommitted => Status is Status.Committed;
}

/// <summary>One of this connection's procedure calls, with its outcome.</summary>
/// <param name="Timestamp">When the server ran it.</param>
/// <param name="ProcedureName">The procedure's name on the wire.</param>
/// <param name="Duration">How long the server took.</param>
/// <param name="Error">Why it failed, or null when it returned.</param>
public sealed record ProcedureEvent(Timestamp Timestamp, string ProcedureName, TimeDuration Duration, string? Error);

/// <summary>The result of a procedure call: its return value, or why it failed.</summary>
/// <typeparam name="T">The return type.</typeparam>
public sealed class ProcedureCallbackResult<T>
{
    private ProcedureCallbackResult(bool isSuccess, T value, Exception? error)
    {
        IsSuccess = isSuccess;
        Value = value;
        Error = error;
    }

    /// <summary>Whether the procedure returned.</summary>
    public bool IsSuccess { get; }

    /// <summary>The return value (default when it failed).</summary>
    public T Value { get; }

    /// <summary>Why it failed, or null.</summary>
    public Exception? Error { get; }

    /// <summary>A returned value.</summary>
    public static ProcedureCallbackResult<T> Success(T value) => new(true, value, null);

    /// <summary>A failure.</summary>
    public static ProcedureCallbackResult<T> Failure(Exception error) => new(false, default!, error);
}

/// <summary>The connection's state, for a UI to show.</summary>
public enum ConnectionState
{
    /// <summary>Opening the connection.</summary>
    Connecting = 0,

    /// <summary>Connected: the server has said who we are.</summary>
    Connected = 1,

    /// <summary>
    /// Closed for good: by <see cref="DbConnectionBase.Disconnect"/>, or by the server or network
    /// (<see cref="DbConnectionBase.DisconnectReason"/>) when neither automatic reconnect, queued calls
    /// nor an offline cache is configured.
    /// </summary>
    Disconnected = 2,

    /// <summary>The connection was lost (or could not be opened) and is being opened again after a delay (<see cref="ConnectionStatus"/>).</summary>
    Reconnecting = 3,

    /// <summary>
    /// Not connected and not retrying (automatic reconnect is off or gave up): the cache stays readable,
    /// reducer calls are queued when queued calls are on, and <see cref="DbConnectionBase.RetryNow"/> tries again.
    /// </summary>
    Offline = 4,
}

/// <summary>The server refused or broke a subscription, a call or the connection.</summary>
public sealed class MeridianClientException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MeridianClientException()
    {
    }

    /// <summary>Creates the exception with its message.</summary>
    public MeridianClientException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public MeridianClientException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
