using System.Diagnostics;
using VoiceApp.DataLayer;
using VoiceApp.Hosting;

namespace VoiceApp.Tests;

/// <summary>Seed 000's open question "what happens if the sidecar crashes?", the other way round: the app crashed.</summary>
public sealed class SidecarLeftBehind
{
    [Fact]
    public async Task A_sidecar_left_running_by_a_crashed_app_is_stopped_at_the_next_start()
    {
        await using var harness = new Harness(HostingMode.Sidecar);
        // The previous run started its sidecar and then died without stopping it: nothing watches that process
        // any more, and it still holds the data directory.
        var crashed = new SidecarHost(MeridianCli.Find(), Path.Combine(harness.AppDirectory, "server-data")) { RestartWhenItDies = false };
        await crashed.StartAsync(CancellationToken.None);
        var orphan = crashed.ProcessId!.Value;
        Assert.True(File.Exists(Path.Combine(harness.AppDirectory, "sidecar.pid")));

        // The next run finds the process named in sidecar.pid (same pid, same start time), stops it, and starts its own.
        var app = await harness.StartAsync();
        Assert.Equal(DataLayerState.Ready, app.State);
        Assert.True(HasExited(orphan), "the sidecar left behind was stopped");
        var sidecar = (SidecarHost)app.Host;
        Assert.NotEqual(orphan, sidecar.ProcessId);
        Assert.Equal(CommandOutcome.Applied, (await app.AddDictionaryEntryAsync("brb", "be right back")).Outcome);

        await Harness.UntilAsync(() => !crashed.IsRunning, "the old host sees its process gone");
        await crashed.DisposeAsync();
        Assert.True(sidecar.IsRunning, "disposing the old host leaves the new sidecar alone");
    }

    private static bool HasExited(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
