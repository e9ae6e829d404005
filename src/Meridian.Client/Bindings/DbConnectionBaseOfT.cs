namespace Meridian.Client;

/// <summary>
/// What every generated <c>DbConnection</c> has, typed by the module's own classes: the client cache
/// (<see cref="Db"/>), the reducers, the procedures and <see cref="SubscriptionBuilder"/>. The generated
/// class adds only its constructor, <c>Builder()</c> and the creation of its contexts.
/// </summary>
/// <typeparam name="TConnection">The generated <c>DbConnection</c> itself.</typeparam>
/// <typeparam name="TTables">The generated <c>RemoteTables</c>.</typeparam>
/// <typeparam name="TReducers">The generated <c>RemoteReducers</c>.</typeparam>
/// <typeparam name="TProcedures">The generated <c>RemoteProcedures</c>.</typeparam>
/// <typeparam name="TSubscriptionBuilder">The generated <c>SubscriptionBuilder</c>.</typeparam>
public abstract class DbConnectionBase<TConnection, TTables, TReducers, TProcedures, TSubscriptionBuilder> : DbConnectionBase
    where TConnection : DbConnectionBase<TConnection, TTables, TReducers, TProcedures, TSubscriptionBuilder>
    where TTables : RemoteTablesBase
    where TReducers : class
    where TProcedures : class
{
    /// <summary>Creates the connection with its cache and registers the cache's tables.</summary>
    /// <param name="db">The generated <c>RemoteTables</c>.</param>
    /// <param name="reducers">Makes the generated <c>RemoteReducers</c> for this connection.</param>
    /// <param name="procedures">Makes the generated <c>RemoteProcedures</c> for this connection.</param>
    protected DbConnectionBase(TTables db, Func<TConnection, TReducers> reducers, Func<TConnection, TProcedures> procedures)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(reducers);
        ArgumentNullException.ThrowIfNull(procedures);
        Db = db;
        Reducers = reducers((TConnection)this);
        Procedures = procedures((TConnection)this);
        RegisterTables(db);
    }

    /// <summary>The client cache: a handle per table and view of the module.</summary>
    public TTables Db { get; }

    /// <summary>The module's reducers: a method to call each, an event for the outcome of this connection's calls.</summary>
    public TReducers Reducers { get; }

    /// <summary>The module's procedures: a method to call each.</summary>
    public TProcedures Procedures { get; }

    /// <summary>Starts configuring a subscription: <c>conn.SubscriptionBuilder().OnApplied(..).Subscribe(queries)</c>.</summary>
    public abstract TSubscriptionBuilder SubscriptionBuilder();
}
