using Meridian.Cli.Build;
using Microsoft.Extensions.Time.Testing;

namespace Meridian.Cli.Tests;

public class BuildProgressTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    [Fact]
    public void Says_when_restore_and_compilation_start_and_how_long_a_silence_has_lasted()
    {
        var error = new StringWriter { NewLine = "\n" };
        var time = new FakeTimeProvider();
        using var progress = new BuildProgress(error, time, Interval);
        progress.Start();

        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal("", error.ToString());
        progress.OnOutput("  Determining projects to restore...");
        time.Advance(TimeSpan.FromSeconds(4));
        // The silence counts from the last line: 4 s after "Restoring", nothing yet.
        Assert.Equal($"{BuildProgress.RestoringLine}\n", error.ToString());
        time.Advance(TimeSpan.FromSeconds(1));
        progress.OnOutput("  Restored /tmp/meridian-build/0123/Chat.csproj (in 2.1 sec).");
        time.Advance(TimeSpan.FromSeconds(5));
        time.Advance(TimeSpan.FromSeconds(5));
        progress.OnOutput("  Chat -> /tmp/meridian-build/0123/out/Chat.dll");

        Assert.Equal(
            $"{BuildProgress.RestoringLine}\nStill restoring… 9 s\n{BuildProgress.CompilingLine}\nStill compiling… 14 s\nStill compiling… 19 s\n",
            error.ToString());
    }

    [Fact]
    public void A_stage_is_announced_once_and_never_goes_back_and_nothing_is_written_after_dispose()
    {
        var error = new StringWriter { NewLine = "\n" };
        var time = new FakeTimeProvider();
        var progress = new BuildProgress(error, time, Interval);
        progress.Start();

        progress.OnOutput("  All projects are up-to-date for restore.");
        progress.OnOutput("  Determining projects to restore...");
        progress.OnOutput("  All projects are up-to-date for restore.");
        progress.Dispose();
        time.Advance(TimeSpan.FromSeconds(30));
        progress.OnOutput("  Restored /tmp/x/Chat.csproj (in 1 sec).");

        Assert.Equal($"{BuildProgress.CompilingLine}\n", error.ToString());
    }

    [Theory]
    [InlineData("  Determining projects to restore...", "Restoring")]
    [InlineData("  All projects are up-to-date for restore.", "Compiling")]
    [InlineData("  Restored /tmp/meridian-build/ab/Chat.csproj (in 230 ms).", "Compiling")]
    [InlineData("  Chat -> /tmp/meridian-build/ab/out/Chat.dll", null)]
    [InlineData("/m/Lib.cs(3,1): warning CS0168: The variable 'x' is declared but never used [/tmp/a.csproj]", null)]
    public void Reads_the_stage_from_dotnet_build_output(string line, string? stage) =>
        Assert.Equal(stage, BuildProgress.StageOf(line)?.ToString());
}
