namespace Meridian.Client;

/// <summary>
/// What every generated context (<c>EventContext</c>, <c>SubscriptionEventContext</c>, ...) gives a
/// callback: the connection's cache, reducers and procedures, its identity and state.
/// </summary>
/// <typeparam name="TConnection">The generated <c>DbConnection</c>.</typeparam>
/// <typeparam name="TTables">The generated <c>RemoteTables</c>.</typeparam>
/// <typeparam name="TReducers">The generated <c>RemoteReducers</c>.</typeparam>
/// <typeparam name="TProcedures">The generated <c>RemoteProcedures</c>.</typeparam>
/// <typeparam name="TSubscriptionBuilder">The generated <c>SubscriptionBuilder</c>.</typeparam>
public abstract class DbContext<TConnection, TTables, TReducers, TProcedures, TSubscriptionBuilder>
    where TConnection : DbConnectionBase<TConnection, TTables, TReducers, TProcedures, TSubscriptionBuilder>
    where TTables : RemoteTablesBase
    where TReducers : class
    where TProcedures : class
{
    private readonly TConnection _connection;

    /// <summary>Creates the context of a callback of <paramref name="connection"/>.</summary>
    protected DbContext(TConnection connection)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
    }

    /// <summary>The client cache.</summary>
    public TTables Db => _connection.Db;

    /// <summary>The module's reducers.</summary>
    public TReducers Reducers => _connection.Reducers;

    /// <summary>The module's procedures.</summary>
    public TProcedures Procedures => _connection.Procedures;

    /// <summary>Whether the connection is open.</summary>
    public bool IsActive => _connection.IsActive;

    /// <summary>The connection's identity, once the server has said it.</summary>
    public Sats.Identity? Identity => _connection.Identity;

    /// <summary>The connection's id, once the server has said it.</summary>
    public Sats.ConnectionId ConnectionId => _connection.ConnectionId;

    /// <summary>Closes the connection (see <see cref="DbConnectionBase.Disconnect"/>).</summary>
    public void Disconnect() => _connection.Disconnect();

    /// <summary>Starts configuring a subscription.</summary>
    public TSubscriptionBuilder SubscriptionBuilder() => _connection.SubscriptionBuilder();
}

/// <summary>A generated context that also carries the event its callback is about.</summary>
/// <typeparam name="TConnection">The generated <c>DbConnection</c>.</typeparam>
/// <typeparam name="TTables">The generated <c>RemoteTables</c>.</typeparam>
/// <typeparam name="TReducers">The generated <c>RemoteReducers</c>.</typeparam>
/// <typeparam name="TProcedures">The generated <c>RemoteProcedures</c>.</typeparam>
/// <typeparam name="TSubscriptionBuilder">The generated <c>SubscriptionBuilder</c>.</typeparam>
/// <typeparam name="TEvent">The event: <see cref="Client.Event"/>, <see cref="ReducerEvent"/>, <see cref="ProcedureEvent"/> or an exception.</typeparam>
public abstract class DbContext<TConnection, TTables, TReducers, TProcedures, TSubscriptionBuilder, TEvent>
    : DbContext<TConnection, TTables, TReducers, TProcedures, TSubscriptionBuilder>
    where TConnection : DbConnectionBase<TConnection, TTables, TReducers, TProcedures, TSubscriptionBuilder>
    where TTables : RemoteTablesBase
    where TReducers : class
    where TProcedures : class
{
    /// <summary>Creates the context of a callback of <paramref name="connection"/> about <paramref name="event"/>.</summary>
    protected DbContext(TConnection connection, TEvent @event)
        : base(connection)
    {
        Event = @event;
    }

    /// <summary>The event that made the callback run.</summary>
    public TEvent Event { get; }
}
