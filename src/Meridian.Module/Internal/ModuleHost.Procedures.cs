namespace SpacetimeDB.Internal;

public static partial class ModuleHost
{
    [ThreadStatic]
    private static IProcedureHost? _procedure;

    /// <summary>The host of the procedure running on this thread; outside one this throws <see cref="InvalidOperationException"/>.</summary>
    public static IProcedureHost Procedure => _procedure ?? throw new InvalidOperationException("No procedure is running on this thread.");

    /// <summary>The host of the procedure running on this thread, or null.</summary>
    internal static IProcedureHost? CurrentProcedure => _procedure;

    /// <summary>Binds <paramref name="host"/> as the running procedure's host until the returned scope is disposed.</summary>
    public static ProcedureScope EnterProcedure(IProcedureHost host)
    {
        var previous = _procedure;
        _procedure = host;
        return new ProcedureScope(previous);
    }

    /// <summary>Restores the previous procedure binding when disposed.</summary>
    public readonly struct ProcedureScope : IDisposable
    {
        private readonly IProcedureHost? _previous;

        internal ProcedureScope(IProcedureHost? previous) => _previous = previous;

        /// <inheritdoc />
        public void Dispose() => _procedure = _previous;
    }
}
