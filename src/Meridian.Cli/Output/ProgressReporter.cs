using System.Globalization;
using Meridian.Client.Http;

namespace Meridian.Cli.Output;

/// <summary>
/// Progress of a dump or restore on stderr (results stay on stdout), as <see cref="MeridianHttpClient"/>
/// reports it about once a second: the server's work while nothing moves on the wire (staging a dump,
/// applying a restore), then the bytes moved.
/// </summary>
/// <param name="error">Where the lines go.</param>
/// <param name="waiting">What the server is doing while nothing moves, e.g. <c>The server is staging the dump</c>.</param>
internal sealed class ProgressReporter(TextWriter error, string waiting) : IProgress<TransferProgress>
{
    /// <summary>Writes one line for <paramref name="value"/>.</summary>
    public void Report(TransferProgress value)
    {
        error.WriteLine(value.Stage switch
        {
            TransferStage.WaitingForServer => string.Create(CultureInfo.InvariantCulture, $"{waiting}… {value.Elapsed.TotalSeconds:0} s"),
            _ => Line(value.Stage == TransferStage.Uploading ? "Uploading" : "Downloading", value.Bytes, value.TotalBytes),
        });
        error.Flush();
    }

    private static string Line(string what, long done, long? total) => total is > 0 and var t
        ? $"{what}: {Bytes(done)} of {Bytes(t)} ({done * 100 / t}%)"
        : $"{what}: {Bytes(done)}";

    /// <summary><paramref name="bytes"/> as a person reads it: <c>512 B</c>, <c>12.3 KiB</c>, <c>4.0 MiB</c>.</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.00} GiB"),
    };
}
