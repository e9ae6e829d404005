using Meridian.Sats.Bsatn;

namespace SpacetimeDB.Internal;

/// <summary>
/// The host bound to the current thread while a reducer runs. Meridian.Module is shared by every
/// loaded module, so the binding is per call rather than per process; reducers are synchronous,
/// so a thread-static is exact.
/// </summary>
public static partial class ModuleHost
{
    [ThreadStatic]
    private static IDatabaseHost? _current;

    [ThreadStatic]
    private static BsatnWriter? _rowWriter;

    [ThreadStatic]
    private static BsatnWriter? _generatedWriter;

    /// <summary>The bound host; outside a reducer call this throws <see cref="NotInTransactionException"/>.</summary>
    public static IDatabaseHost Current => _current ?? throw new NotInTransactionException();

    /// <summary>Whether a host is bound to this thread.</summary>
    public static bool IsBound => _current is not null;

    /// <summary>The database's identity.</summary>
    public static Identity DatabaseIdentity => Current.DatabaseIdentity;

    /// <summary>Binds <paramref name="host"/> until the returned scope is disposed.</summary>
    public static Scope Enter(IDatabaseHost host)
    {
        var previous = _current;
        _current = host;
        return new Scope(previous);
    }

    /// <summary>Restores the previous binding when disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly IDatabaseHost? _previous;

        internal Scope(IDatabaseHost? previous) => _previous = previous;

        /// <inheritdoc />
        public void Dispose() => _current = _previous;
    }

    /// <summary>The generated <c>VolatileNonatomicScheduleImmediate…</c> methods call this.</summary>
    public static void VolatileNonatomicScheduleImmediate(string reducer, byte[] args) => Current.ScheduleImmediate(reducer, args);

    internal static void Log(LogLevel level, string message, string target, string file, int line)
    {
        if (_current is { } host)
            host.Log(level, message, target, file, line);
        else if (_procedure is { } procedure)
            procedure.Log(level, message, target, file, line);
        else
            Console.Error.WriteLine($"[{level}] {target}: {message}");
    }

    // Scratch buffers: the host never calls back into the module, so one of each per thread suffices.
    internal static BsatnWriter RowWriter()
    {
        var w = _rowWriter ??= new BsatnWriter(256);
        w.Reset();
        return w;
    }

    internal static BsatnWriter GeneratedWriter()
    {
        var w = _generatedWriter ??= new BsatnWriter(64);
        w.Reset();
        return w;
    }
}
