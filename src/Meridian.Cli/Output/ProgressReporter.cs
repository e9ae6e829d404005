using System.Globalization;
using Meridian.Client.Http;

namespace Meridian.Cli.Output;

/// <summary>
/// Progress of a publish, dump or restore on stderr (results stay on stdout), from the reports
/// <see cref="MeridianHttpClient"/> makes about once a second: the server's work while nothing moves on
/// the wire (planning or loading a module, staging a dump, applying a restore), then the bytes moved.
/// <para>
/// At a terminal (<paramref name="redraw"/>) one line is redrawn in place and kept when a stage ends. Elsewhere
/// (CI logs, files, pipes) it prints a few plain lines: one each time a transfer passes another 10%, one when
/// <see cref="PlainInterval"/> has passed without a line (so slow work still shows it is alive), and a last line
/// with the totals when a transfer ends.
/// </para>
/// </summary>
/// <param name="error">Where the lines go.</param>
/// <param name="waiting">What the server is doing while nothing moves, e.g. <c>The server is staging the dump</c>.</param>
/// <param name="redraw">Whether stderr is a terminal where a line can be redrawn with a carriage return.</param>
/// <param name="time">The clock of the plain lines' interval (a fake one in tests); the system clock when null.</param>
internal sealed class ProgressReporter(TextWriter error, string waiting, bool redraw, TimeProvider? time = null) : IProgress<TransferProgress>, IDisposable
{
    /// <summary>The longest silence between plain lines, as a compilation's <c>Still compiling… N s</c> lines.</summary>
    public static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private TransferStage? _stage;
    private TransferProgress _last;
    private bool _stageDone;
    private int _printedTenths = -1;
    private long? _printedAt;
    private int _drawnLength;

    /// <summary>Writes a line for <paramref name="value"/> when it says something new.</summary>
    public void Report(TransferProgress value)
    {
        lock (_gate)
        {
            if (value.Stage != _stage)
            {
                _stage = value.Stage;
                _stageDone = false;
                _printedTenths = -1;
                _printedAt = null;
            }
            _last = value;
            if (_stageDone)
                return;
            if (value.Stage != TransferStage.WaitingForServer && value.TotalBytes is { } total && value.Bytes >= total)
            {
                _stageDone = true;
                Print(Done(value), keep: true);
                return;
            }
            if (redraw)
            {
                Print(Line(value), keep: false);
                return;
            }
            var tenths = value.Stage != TransferStage.WaitingForServer && value.TotalBytes is > 0 and var t ? (int)(value.Bytes * 10 / t) : -1;
            var quiet = _printedAt is not { } at || _time.GetElapsedTime(at) >= PlainInterval;
            if (tenths > _printedTenths || quiet)
            {
                _printedTenths = Math.Max(_printedTenths, tenths);
                Print(Line(value), keep: true);
            }
        }
    }

    /// <summary>
    /// Ends the progress before the result is printed: a transfer whose end was not reported (its size was not known)
    /// gets its totals line, and a redrawn line is ended so the next output starts on a line of its own.
    /// </summary>
    public void Finish()
    {
        lock (_gate)
        {
            if (_stage is { } stage && stage != TransferStage.WaitingForServer && !_stageDone)
            {
                _stageDone = true;
                Print(Done(_last), keep: true);
            }
            EndLine();
        }
    }

    /// <summary>Ends a redrawn line (a failure's message then starts on its own line).</summary>
    public void Dispose()
    {
        lock (_gate)
            EndLine();
    }

    private void EndLine()
    {
        if (_drawnLength == 0)
            return;
        error.WriteLine();
        error.Flush();
        _drawnLength = 0;
    }

    private void Print(string line, bool keep)
    {
        if (redraw)
        {
            // Spaces wipe what is left of a longer line drawn before.
            error.Write("\r" + line + new string(' ', Math.Max(0, _drawnLength - line.Length)));
            _drawnLength = keep ? 0 : line.Length;
            if (keep)
                error.WriteLine();
        }
        else
        {
            error.WriteLine(line);
        }
        error.Flush();
        _printedAt = _time.GetTimestamp();
    }

    private string Line(TransferProgress value) => value.Stage switch
    {
        TransferStage.WaitingForServer => string.Create(CultureInfo.InvariantCulture, $"{waiting}… {value.Elapsed.TotalSeconds:0} s"),
        _ => value.TotalBytes is > 0 and var t
            ? $"{Doing(value.Stage)}: {Bytes(value.Bytes)} of {Bytes(t)} ({value.Bytes * 100 / t}%)"
            : $"{Doing(value.Stage)}: {Bytes(value.Bytes)}",
    };

    private static string Done(TransferProgress value) => string.Create(CultureInfo.InvariantCulture,
        $"{(value.Stage == TransferStage.Uploading ? "Uploaded" : "Downloaded")} {Bytes(value.Bytes)} in {value.Elapsed.TotalSeconds:0.0} s");

    private static string Doing(TransferStage stage) => stage == TransferStage.Uploading ? "Uploading" : "Downloading";

    /// <summary><paramref name="bytes"/> as a person reads it: <c>512 B</c>, <c>12.3 KiB</c>, <c>4.0 MiB</c>.</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.00} GiB"),
    };
}
