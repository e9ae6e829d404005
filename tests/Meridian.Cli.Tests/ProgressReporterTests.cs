using Meridian.Cli.Output;
using Meridian.Client.Http;
using Microsoft.Extensions.Time.Testing;

namespace Meridian.Cli.Tests;

public sealed class ProgressReporterTests : IDisposable
{
    private readonly StringWriter _error = new() { NewLine = "\n" };
    private readonly FakeTimeProvider _time = new();

    public void Dispose() => _error.Dispose();

    private ProgressReporter Plain(string waiting = "The server is staging the dump") => new(_error, waiting, redraw: false, _time);

    private static TransferProgress Up(long bytes, long? total, double seconds = 1) =>
        new(TransferStage.Uploading, bytes, total, TimeSpan.FromSeconds(seconds));

    private static TransferProgress Waiting(double seconds) => new(TransferStage.WaitingForServer, 0, null, TimeSpan.FromSeconds(seconds));

    [Fact]
    public void Plain_lines_come_at_each_further_tenth_and_after_a_silence_and_end_with_the_totals()
    {
        using var progress = Plain();

        progress.Report(Up(50, 1000));
        progress.Report(Up(120, 1000));
        progress.Report(Up(150, 1000));
        progress.Report(Up(199, 1000));
        progress.Report(Up(260, 1000));
        _time.Advance(ProgressReporter.PlainInterval - TimeSpan.FromMilliseconds(1));
        progress.Report(Up(270, 1000));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        progress.Report(Up(280, 1000));
        progress.Report(Up(1000, 1000, seconds: 7.2));
        progress.Report(Up(1000, 1000, seconds: 7.5));
        progress.Finish();

        Assert.Equal(
            "Uploading: 50 B of 1000 B (5%)\n"
            + "Uploading: 120 B of 1000 B (12%)\n"
            + "Uploading: 260 B of 1000 B (26%)\n"
            + "Uploading: 280 B of 1000 B (28%)\n"
            + "Uploaded 1000 B in 7.2 s\n",
            _error.ToString());
    }

    [Fact]
    public void Plain_lines_of_the_servers_work_come_at_the_start_and_every_interval()
    {
        using var progress = Plain();

        for (var second = 1; second <= 11; second++)
        {
            progress.Report(Waiting(second));
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        progress.Report(new TransferProgress(TransferStage.Downloading, 512 * 1024, 2048 * 1024, TimeSpan.FromSeconds(1)));
        progress.Report(new TransferProgress(TransferStage.Downloading, 2048 * 1024, 2048 * 1024, TimeSpan.FromSeconds(2)));

        Assert.Equal(
            "The server is staging the dump… 1 s\n"
            + "The server is staging the dump… 6 s\n"
            + "The server is staging the dump… 11 s\n"
            + "Downloading: 512.0 KiB of 2.0 MiB (25%)\n"
            + "Downloaded 2.0 MiB in 2.0 s\n",
            _error.ToString());
    }

    [Fact]
    public void A_transfer_of_unknown_size_gets_its_totals_from_finish()
    {
        using var progress = Plain();

        progress.Report(new TransferProgress(TransferStage.Downloading, 1024, null, TimeSpan.FromSeconds(0.5)));
        progress.Report(new TransferProgress(TransferStage.Downloading, 1536, null, TimeSpan.FromSeconds(1)));
        progress.Finish();
        progress.Finish();

        Assert.Equal("Downloading: 1.0 KiB\nDownloaded 1.5 KiB in 1.0 s\n", _error.ToString());
    }

    [Fact]
    public void At_a_terminal_one_line_is_redrawn_and_kept_when_the_stage_ends()
    {
        var progress = new ProgressReporter(_error, "The server is restoring the dump", redraw: true, _time);

        progress.Report(Up(100, 2000));
        progress.Report(Up(1100, 2000));
        progress.Report(Up(2000, 2000, seconds: 2));
        progress.Report(Waiting(1));
        progress.Report(Waiting(12));
        progress.Finish();
        progress.Dispose();

        Assert.Equal(
            "\rUploading: 100 B of 2.0 KiB (5%)"
            + "\rUploading: 1.1 KiB of 2.0 KiB (55%)"
            // The done line is shorter: spaces wipe the rest of the line before it.
            + "\rUploaded 2.0 KiB in 2.0 s" + new string(' ', "Uploading: 1.1 KiB of 2.0 KiB (55%)".Length - "Uploaded 2.0 KiB in 2.0 s".Length) + "\n"
            + "\rThe server is restoring the dump… 1 s"
            + "\rThe server is restoring the dump… 12 s"
            + "\n",
            _error.ToString());
    }

    [Fact]
    public void Disposing_ends_a_redrawn_line_so_an_error_starts_on_its_own()
    {
        using (var progress = new ProgressReporter(_error, "The server is loading the module", redraw: true, _time))
            progress.Report(Waiting(3));

        Assert.Equal("\rThe server is loading the module… 3 s\n", _error.ToString());
    }
}
