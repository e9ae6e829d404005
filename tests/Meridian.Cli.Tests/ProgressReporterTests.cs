using Meridian.Cli.Output;
using Meridian.Client.Http;

namespace Meridian.Cli.Tests;

public class ProgressReporterTests
{
    [Fact]
    public void Prints_the_servers_silent_work_then_the_bytes_moved()
    {
        var error = new StringWriter { NewLine = "\n" };
        var progress = new ProgressReporter(error, "The server is staging the dump");

        progress.Report(new TransferProgress(TransferStage.WaitingForServer, 0, null, TimeSpan.FromSeconds(3.2)));
        progress.Report(new TransferProgress(TransferStage.Downloading, 512 * 1024, 2048 * 1024, TimeSpan.FromSeconds(1)));
        progress.Report(new TransferProgress(TransferStage.Uploading, 1536, null, TimeSpan.FromSeconds(1)));

        Assert.Equal(
            "The server is staging the dump… 3 s\nDownloading: 512.0 KiB of 2.0 MiB (25%)\nUploading: 1.5 KiB\n",
            error.ToString());
    }
}
