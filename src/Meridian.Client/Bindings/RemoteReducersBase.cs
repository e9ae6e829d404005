namespace Meridian.Client;

/// <summary>The generated <c>RemoteReducers</c> derives from it: each reducer's method calls <see cref="InternalCall"/>.</summary>
/// <typeparam name="TConnection">The generated <c>DbConnection</c>.</typeparam>
/// <typeparam name="TReducerEventContext">The generated <c>ReducerEventContext</c>.</typeparam>
public abstract class RemoteReducersBase<TConnection, TReducerEventContext>
    where TConnection : DbConnectionBase
    where TReducerEventContext : class
{
    /// <summary>Creates the reducers of <paramref name="connection"/>.</summary>
    protected RemoteReducersBase(TConnection connection)
    {
        Conn = connection ?? throw new ArgumentNullException(nameof(connection));
    }

    /// <summary>The connection the calls go through.</summary>
    protected TConnection Conn { get; }

    /// <summary>
    /// Calls the reducer <paramref name="name"/> with <paramref name="args"/> (see <see cref="DbConnectionBase.InternalCallReducer"/>);
    /// <paramref name="onOutcome"/> runs when the outcome of this call arrives, then the task completes.
    /// </summary>
    protected Task<ReducerEvent> InternalCall<TArgs>(string name, TArgs args, BsatnWrite<TArgs> write, Action<TReducerEventContext> onOutcome)
        where TArgs : class
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(onOutcome);
        return Conn.InternalCallReducer(name, BsatnCodec.Encode(args, write), args, (ctx, _) => onOutcome((TReducerEventContext)ctx));
    }
}
