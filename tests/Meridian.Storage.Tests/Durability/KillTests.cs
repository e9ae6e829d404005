using System.Diagnostics;
using Meridian.Sats.Bsatn;
using Meridian.Storage.Devices;
using Xunit.Abstractions;

namespace Meridian.Storage.Tests.Durability;

/// <summary>A real process writing with sync durability is killed with SIGKILL at random moments; everything it reported durable must survive.</summary>
public class KillTests(ITestOutputHelper output)
{
    private static string HostPath()
    {
        var testDir = AppContext.BaseDirectory;
        // tests/Meridian.Storage.Tests/bin/<Configuration>/net10.0/ → tests/Meridian.Storage.CrashHost/bin/<Configuration>/net10.0/
        var framework = new DirectoryInfo(testDir.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = framework.Parent!.Name;
        var tests = framework.Parent.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(tests, "Meridian.Storage.CrashHost", "bin", configuration, framework.Name, "Meridian.Storage.CrashHost.dll");
        Assert.True(File.Exists(path), $"Crash host not built at {path}");
        return path;
    }

    private static string[] ReadLines(string path)
    {
        if (!File.Exists(path))
            return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var text = new StreamReader(stream).ReadToEnd();
        // A line without its newline may be cut short by the kill: ignore it.
        var end = text.LastIndexOf('\n');
        return end < 0 ? [] : text[..end].Split('\n');
    }

    [Fact]
    public async Task Sigkill_never_loses_a_transaction_reported_durable()
    {
        var seed = TestSeed.Get(output);
        var rng = new Random(seed);
        var host = HostPath();
        var dir = Path.Combine(Path.GetTempPath(), "meridian-kill-" + Guid.NewGuid().ToString("N"));
        try
        {
            uint promised = 0;
            for (var round = 0; round < 12; round++)
            {
                var promiseFile = Path.Combine(Path.GetTempPath(), $"meridian-kill-{Guid.NewGuid():N}.txt");
                var psi = new ProcessStartInfo("dotnet", [host, dir, rng.Next().ToString(System.Globalization.CultureInfo.InvariantCulture), promiseFile])
                {
                    UseShellExecute = false,
                    RedirectStandardError = false,
                    RedirectStandardOutput = false,
                };
                string[] lines;
                using (var process = Process.Start(psi)!)
                {
                    var deadline = Stopwatch.StartNew();
                    while (!ReadLines(promiseFile).Any(l => l.StartsWith("ready ", StringComparison.Ordinal)))
                    {
                        Assert.False(process.HasExited, $"the crash host exited with code {(process.HasExited ? process.ExitCode : 0)}");
                        Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), "the crash host did not start within 60 s");
                        await Task.Delay(10);
                    }
                    await Task.Delay(rng.Next(20, 400));
                    process.Kill(); // SIGKILL on Unix
                    await process.WaitForExitAsync();
                    lines = ReadLines(promiseFile);
                }
                File.Delete(promiseFile);
                foreach (var line in lines)
                {
                    if (line.StartsWith("durable ", StringComparison.Ordinal)
                        && uint.TryParse(line.AsSpan(8), System.Globalization.CultureInfo.InvariantCulture, out var n))
                        promised = Math.Max(promised, n);
                }

                using var store = Datastore.Open(
                    new DatastoreOptions { Device = new FileStorageDevice(dir), MaxSegmentSize = 64 * 1024, SnapshotInterval = 0 });
                var table = store.Committed.GetTable("kv").Id;
                Assert.True(store.Committed.TryFind(table, 0, [0, 0, 0, 0], out var counterRow));
                var counter = (uint)new BsatnReader(counterRow[4..]).ReadU64();
                Assert.True(counter >= promised, $"round {round}: counter {counter} < promised {promised}");
                // Every row up to the counter is there, and nothing beyond it (no partial transaction).
                Assert.Equal(counter + 1, store.Committed.Count(table));
                output.WriteLine($"round {round}: promised {promised}, recovered {counter} ({store.Recovery})");
            }
            Assert.True(promised > 0, "the host never reported anything durable");
        }
        finally
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
    }
}
