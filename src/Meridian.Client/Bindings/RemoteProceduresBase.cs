using Meridian.Sats.Bsatn;

namespace Meridian.Client;

/// <summary>The generated <c>RemoteProcedures</c> derives from it: each procedure's method calls <see cref="InternalCall"/>.</summary>
/// <typeparam name="TConnection">The generated <c>DbConnection</c>.</typeparam>
/// <typeparam name="TProcedureEventContext">The generated <c>ProcedureEventContext</c>.</typeparam>
public abstract class RemoteProceduresBase<TConnection, TProcedureEventContext>
    where TConnection : DbConnectionBase
    where TProcedureEventContext : class
{
    /// <summary>Creates the procedures of <paramref name="connection"/>.</summary>
    protected RemoteProceduresBase(TConnection connection)
    {
        Conn = connection ?? throw new ArgumentNullException(nameof(connection));
    }

    /// <summary>The connection the calls go through.</summary>
    protected TConnection Conn { get; }

    /// <summary>
    /// Calls the procedure <paramref name="name"/> with <paramref name="args"/> (see <see cref="DbConnectionBase.InternalCallProcedure"/>);
    /// the task and <paramref name="callback"/> get its result, decoded by <paramref name="readResult"/>.
    /// </summary>
    protected Task<ProcedureCallbackResult<T>> InternalCall<TArgs, T>(
        string name, TArgs args, BsatnWrite<TArgs> write, BsatnRead<T> readResult, Action<TProcedureEventContext, ProcedureCallbackResult<T>>? callback)
    {
        ArgumentNullException.ThrowIfNull(write);
        return Conn.InternalCallProcedure(
            name, BsatnCodec.Encode(args, write), readResult, callback is null ? null : (ctx, result) => callback((TProcedureEventContext)ctx, result));
    }
}
