using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using SpacetimeDB.Internal;

namespace SpacetimeDB;

/// <summary>
/// Times a span of module code: when ended (or disposed) it logs <c>Timing span "name": elapsed</c>
/// at info level to the module log, as upstream's console timer does.
/// </summary>
public sealed class LogStopwatch : IDisposable
{
    private readonly string _name;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly string _target;
    private readonly string _file;
    private readonly int _line;
    private bool _stopped;

    /// <summary>Starts timing <paramref name="name"/>.</summary>
    public LogStopwatch(string name, [CallerMemberName] string target = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        _name = name;
        _target = target;
        _file = file;
        _line = line;
    }

    /// <summary>Stops timing and logs the elapsed time (once).</summary>
    public void End()
    {
        if (_stopped)
            return;
        _stopped = true;
        var elapsed = Stopwatch.GetElapsedTime(_started);
        ModuleHost.Log(
            LogLevel.Info,
            string.Create(CultureInfo.InvariantCulture, $"Timing span \"{_name}\": {elapsed.TotalMilliseconds:0.###}ms"),
            _target,
            _file,
            _line);
    }

    /// <inheritdoc />
    void IDisposable.Dispose() => End();
}
