using System.Diagnostics;
using System.Globalization;

namespace Meridian.Cli.Output;

/// <summary>
/// Progress of long transfers on stderr (results stay on stdout): one line at most every
/// <see cref="Interval"/>, so a terminal shows the work moving and a log does not fill up.
/// </summary>
internal sealed class ProgressReporter(TextWriter error, string what, long? total)
{
    /// <summary>The shortest time between two progress lines.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastReport = TimeSpan.Zero;

    /// <summary>Reports <paramref name="done"/> bytes when the last line is old enough.</summary>
    public void Report(long done)
    {
        var now = _clock.Elapsed;
        if (now - _lastReport < Interval)
            return;
        _lastReport = now;
        error.WriteLine(total is > 0 and var t
            ? $"{what}: {Bytes(done)} of {Bytes(t)} ({done * 100 / t}%)"
            : $"{what}: {Bytes(done)}");
        error.Flush();
    }

    /// <summary>How long the work has taken so far.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary><paramref name="bytes"/> as a person reads it: <c>512 B</c>, <c>12.3 KiB</c>, <c>4.0 MiB</c>.</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.00} GiB"),
    };

    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/>, reporting as it goes; returns the bytes copied.</summary>
    public async Task<long> CopyAsync(Stream source, Stream destination, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 16];
        long done = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            done += read;
            Report(done);
        }
        return done;
    }
}

/// <summary>A request body read from a stream, reporting upload progress.</summary>
internal sealed class ProgressContent(Stream source, ProgressReporter progress) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken) =>
        await progress.CopyAsync(source, stream, cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        length = source.Length;
        return true;
    }
}
