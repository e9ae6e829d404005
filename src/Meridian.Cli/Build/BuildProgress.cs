using System.Globalization;

namespace Meridian.Cli.Build;

/// <summary>
/// Progress of a module compilation on stderr, so a publish is not silent for the many seconds a
/// first build takes: a line when <c>dotnet build</c> starts restoring and when it starts
/// compiling (read from its output), and while nothing new is said, a line every
/// <paramref name="interval"/> with the time so far.
/// </summary>
/// <param name="progress">Where the lines go.</param>
/// <param name="time">The clock of the periodic lines (a fake one in tests).</param>
/// <param name="interval">How long a silence lasts before a <c>Still compiling… N s</c> line.</param>
internal sealed class BuildProgress(TextWriter progress, TimeProvider time, TimeSpan interval) : IDisposable
{
    /// <summary>The silence after which a publish says it is still compiling.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly long _started = time.GetTimestamp();
    private ITimer? _timer;
    private BuildStage _stage = BuildStage.Starting;
    private bool _disposed;

    /// <summary>The line printed when <c>dotnet build</c> starts restoring.</summary>
    public const string RestoringLine = "Restoring the module project…";

    /// <summary>The line printed when restore is done and the compiler runs.</summary>
    public const string CompilingLine = "Compiling C# and running the module generator…";

    /// <summary>Starts the periodic lines.</summary>
    public void Start()
    {
        lock (_gate)
            _timer = time.CreateTimer(_ => Tick(), null, interval, interval);
    }

    /// <summary>Takes one line of <c>dotnet build</c>'s output (minimal verbosity); called from any thread.</summary>
    public void OnOutput(string line)
    {
        var stage = StageOf(line);
        if (stage is null)
            return;
        lock (_gate)
        {
            if (_disposed || stage <= _stage)
                return;
            _stage = stage.Value;
            Write(stage == BuildStage.Restoring ? RestoringLine : CompilingLine);
            // The silence is counted from the last line printed.
            _timer?.Change(interval, interval);
        }
    }

    /// <summary>The stage a line of <c>dotnet build -v:minimal</c> output announces, or null.</summary>
    internal static BuildStage? StageOf(string line)
    {
        var text = line.Trim();
        if (text.StartsWith("Determining projects to restore", StringComparison.Ordinal))
            return BuildStage.Restoring;
        if (text.StartsWith("All projects are up-to-date for restore", StringComparison.Ordinal)
            || (text.StartsWith("Restored ", StringComparison.Ordinal) && text.Contains(".csproj", StringComparison.Ordinal)))
            return BuildStage.Compiling;
        return null;
    }

    private void Tick()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            var elapsed = time.GetElapsedTime(_started);
            var doing = _stage == BuildStage.Restoring ? "restoring" : "compiling";
            Write(string.Create(CultureInfo.InvariantCulture, $"Still {doing}… {elapsed.TotalSeconds:0} s"));
        }
    }

    private void Write(string line)
    {
        progress.WriteLine(line);
        progress.Flush();
    }

    /// <summary>Where <c>dotnet build</c> is, in the order it gets there.</summary>
    internal enum BuildStage
    {
        Starting = 0,
        Restoring = 1,
        Compiling = 2,
    }

    /// <summary>Stops the periodic lines; nothing is written after it returns.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer?.Dispose();
        }
    }
}
