namespace Meridian.Client;

/// <summary>
/// Configures a subscription: <c>conn.SubscriptionBuilder().OnApplied(..).OnError(..).Subscribe(queries)</c>.
/// The generated <c>SubscriptionBuilder</c> derives from it.
/// </summary>
/// <typeparam name="TSubscriptionEventContext">The generated <c>SubscriptionEventContext</c>.</typeparam>
/// <typeparam name="TErrorContext">The generated <c>ErrorContext</c>.</typeparam>
public class SubscriptionBuilder<TSubscriptionEventContext, TErrorContext>
    where TSubscriptionEventContext : class
    where TErrorContext : class
{
    private readonly DbConnectionBase _connection;
    private Action<TSubscriptionEventContext>? _onApplied;
    private Action<TErrorContext, Exception>? _onError;

    /// <summary>Creates a builder for <paramref name="connection"/>.</summary>
    protected SubscriptionBuilder(DbConnectionBase connection)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
    }

    /// <summary>Runs when the subscription's rows are in the cache (their OnInsert callbacks have run).</summary>
    public SubscriptionBuilder<TSubscriptionEventContext, TErrorContext> OnApplied(Action<TSubscriptionEventContext> callback)
    {
        _onApplied = callback;
        return this;
    }

    /// <summary>Runs when the server refuses the queries or the subscription breaks later.</summary>
    public SubscriptionBuilder<TSubscriptionEventContext, TErrorContext> OnError(Action<TErrorContext, Exception> callback)
    {
        _onError = callback;
        return this;
    }

    /// <summary>Subscribes to <paramref name="queries"/> (SQL <c>SELECT</c>s), as one set applied together.</summary>
    public SubscriptionHandle<TSubscriptionEventContext, TErrorContext> Subscribe(params string[] queries)
    {
        ArgumentNullException.ThrowIfNull(queries);
        if (queries.Length == 0)
            throw new ArgumentException("Give at least one query.", nameof(queries));
        var handle = new SubscriptionHandle<TSubscriptionEventContext, TErrorContext>(_connection, queries, _onApplied, _onError);
        handle.Start();
        return handle;
    }

    /// <summary>Subscribes to every table and view the bindings know.</summary>
    public SubscriptionHandle<TSubscriptionEventContext, TErrorContext> SubscribeToAllTables() =>
        Subscribe(_connection.TableNames.OrderBy(n => n, StringComparer.Ordinal).Select(n => $"SELECT * FROM {n}").ToArray());
}

/// <summary>A live subscription: <see cref="Unsubscribe"/> ends it and its rows leave the cache.</summary>
/// <typeparam name="TSubscriptionEventContext">The generated <c>SubscriptionEventContext</c>.</typeparam>
/// <typeparam name="TErrorContext">The generated <c>ErrorContext</c>.</typeparam>
public sealed class SubscriptionHandle<TSubscriptionEventContext, TErrorContext> : ISubscriptionCallbacks
    where TSubscriptionEventContext : class
    where TErrorContext : class
{
    private readonly DbConnectionBase _connection;
    private readonly Action<TSubscriptionEventContext>? _onApplied;
    private readonly Action<TErrorContext, Exception>? _onError;
    private Action<TSubscriptionEventContext>? _onEnded;
    private bool _unsubscribeRequested;

    internal SubscriptionHandle(
        DbConnectionBase connection, IReadOnlyList<string> queries, Action<TSubscriptionEventContext>? onApplied, Action<TErrorContext, Exception>? onError)
    {
        _connection = connection;
        Queries = queries;
        _onApplied = onApplied;
        _onError = onError;
    }

    /// <summary>The subscribed queries.</summary>
    public IReadOnlyList<string> Queries { get; }

    /// <summary>Whether the rows have arrived and the subscription has not ended.</summary>
    public bool IsActive { get; private set; }

    /// <summary>Whether the subscription ended (unsubscribed or failed).</summary>
    public bool IsEnded { get; private set; }

    /// <summary>Why it failed, or null.</summary>
    public Exception? Error { get; private set; }

    internal void Start() => _connection.Subscribe(this, Queries);

    /// <summary>
    /// Ends the subscription; its rows leave the cache (OnDelete runs for them) unless other subscriptions
    /// hold them. While the connection is away, it ends when the connection returns and the cache is reconciled.
    /// </summary>
    public void Unsubscribe() => UnsubscribeThen(null);

    /// <summary>Ends the subscription and runs <paramref name="onEnded"/> once its rows have left the cache.</summary>
    /// <exception cref="InvalidOperationException">The subscription already ended or is ending.</exception>
    public void UnsubscribeThen(Action<TSubscriptionEventContext>? onEnded)
    {
        if (IsEnded || _unsubscribeRequested)
            throw new InvalidOperationException("The subscription has already ended or is ending.");
        _unsubscribeRequested = true;
        _onEnded = onEnded;
        _connection.Unsubscribe(this);
    }

    void ISubscriptionCallbacks.Applied(object subscriptionEventContext)
    {
        IsActive = true;
        _onApplied?.Invoke((TSubscriptionEventContext)subscriptionEventContext);
    }

    void ISubscriptionCallbacks.Failed(object errorContext, Exception error)
    {
        IsActive = false;
        IsEnded = true;
        Error = error;
        _onError?.Invoke((TErrorContext)errorContext, error);
    }

    void ISubscriptionCallbacks.Ended(object subscriptionEventContext)
    {
        IsActive = false;
        IsEnded = true;
        _onEnded?.Invoke((TSubscriptionEventContext)subscriptionEventContext);
    }
}
