using System.Diagnostics;
using Meridian.Runtime.Hosting;
using Meridian.Sats;
using Meridian.Sats.Bsatn;

namespace Meridian.Runtime.Tests;

/// <summary>
/// A process updating a module (tests/Meridian.Runtime.CrashHost, MigrateV1 → MigrateV2) is killed with
/// SIGKILL inside the migration's transaction and between its commit and module.dll being replaced;
/// recovery must open the module whose schema matches what the log committed, with every row kept.
/// </summary>
public sealed class MigrationCrashTests : IDisposable
{
    private static readonly Identity Owner = Identity.FromClaims("localhost", "owner");
    private readonly string _dir = Directory.CreateTempSubdirectory("meridian-migration-crash-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string HostPath()
    {
        // tests/Meridian.Runtime.Tests/bin/<Configuration>/net10.0/ → tests/Meridian.Runtime.CrashHost/bin/<Configuration>/net10.0/
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = framework.Parent!.Name;
        var tests = framework.Parent.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(tests, "Meridian.Runtime.CrashHost", "bin", configuration, framework.Name, "Meridian.Runtime.CrashHost.dll");
        Assert.True(File.Exists(path), $"Crash host not built at {path}");
        return path;
    }

    private static string ReadShared(string path)
    {
        if (!File.Exists(path))
            return "";
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    // Runs the host until it reports <point>, then kills it.
    private async Task CrashAt(string point, string data)
    {
        var v1 = Path.Combine(_dir, "v1.dll");
        var v2 = Path.Combine(_dir, "v2.dll");
        await File.WriteAllBytesAsync(v1, TestModules.Migration("MigrateV1"));
        await File.WriteAllBytesAsync(v2, TestModules.Migration("MigrateV2"));
        var promises = Path.Combine(_dir, point + ".txt");
        var psi = new ProcessStartInfo("dotnet", [HostPath(), data, v1, v2, point, promises]) { UseShellExecute = false };
        using var process = Process.Start(psi)!;
        var clock = Stopwatch.StartNew();
        while (!ReadShared(promises).Contains(point + "\n", StringComparison.Ordinal))
        {
            Assert.False(process.HasExited, $"the crash host exited with code {(process.HasExited ? process.ExitCode : 0)} before reaching {point}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"the crash host did not reach {point} within 90 s");
            await Task.Delay(20);
        }
        process.Kill(); // SIGKILL on Unix
        await process.WaitForExitAsync();
        Assert.DoesNotContain("published", ReadShared(promises), StringComparison.Ordinal);
    }

    private static List<string> Players(Database db)
    {
        var state = db.Store.Committed;
        var table = state.GetTable("player");
        var rows = new List<string>();
        var cursor = state.Scan(table.Id);
        while (cursor.MoveNext())
        {
            var r = new BsatnReader(cursor.Current);
            var text = $"{r.ReadU64()} {r.ReadString()} {r.ReadU32()} {r.ReadString()}";
            if (table.ColumnCount == 6)
                text += $" {r.ReadI32()} tier{r.ReadU8()}";
            rows.Add(text);
        }
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    private static async Task<Database> Recover(DatabaseRegistry registry)
    {
        var failures = await registry.LoadAllAsync();
        Assert.True(failures.Count == 0, string.Join("\n", failures.Select(f => $"{f.Name}: {f.Error}")));
        return Assert.IsType<Database>(registry.Find("game"));
    }

    [Fact]
    public async Task A_crash_after_the_migration_committed_reopens_with_the_new_module_and_the_migrated_rows()
    {
        var data = Path.Combine(_dir, "data");
        await CrashAt("after-commit", data);
        var gameDir = Path.Combine(data, "databases", "game");
        Assert.True(File.Exists(Path.Combine(gameDir, "module.next.dll")), "the crash host stopped before staging the module");

        for (var restart = 0; restart < 2; restart++)
        {
            await using var registry = new DatabaseRegistry(data);
            var db = await Recover(registry);
            Assert.Equal(["1 ann 3 ann@example.com 100 tier1", "2 bob 5 bob@example.com 100 tier1"], Players(db));
            Assert.NotNull(db.Schema.FindReducer("new_reducer"));
            Assert.Null(db.Schema.FindReducer("old_reducer"));
            Assert.False(File.Exists(Path.Combine(gameDir, "module.next.dll")));
            Assert.Equal(TestModules.Migration("MigrateV2"), await File.ReadAllBytesAsync(Path.Combine(gameDir, "module.dll")));
        }
    }

    [Fact]
    public async Task A_crash_inside_the_migration_reopens_with_the_old_module_and_rows_and_the_update_can_be_published_again()
    {
        var data = Path.Combine(_dir, "data");
        await CrashAt("in-migration", data);
        var gameDir = Path.Combine(data, "databases", "game");
        Assert.True(File.Exists(Path.Combine(gameDir, "module.next.dll")), "the crash host stopped before staging the module");

        await using var registry = new DatabaseRegistry(data);
        var db = await Recover(registry);
        Assert.Equal(["1 ann 3 ann@example.com", "2 bob 5 bob@example.com"], Players(db));
        Assert.NotNull(db.Schema.FindReducer("old_reducer"));
        Assert.False(File.Exists(Path.Combine(gameDir, "module.next.dll")));

        await registry.PublishAsync("game", TestModules.Migration("MigrateV2"), Owner, clear: false);
        Assert.Equal(["1 ann 3 ann@example.com 100 tier1", "2 bob 5 bob@example.com 100 tier1"], Players(db));
        Assert.False(File.Exists(Path.Combine(gameDir, "module.next.dll")));
    }
}
