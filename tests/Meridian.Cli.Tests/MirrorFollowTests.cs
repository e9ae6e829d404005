using System.Diagnostics;
using Meridian.Server;
using Microsoft.Data.Sqlite;

namespace Meridian.Cli.Tests;

/// <summary>
/// <c>meridian mirror</c> over time: read by Debian's <c>sqlite3</c> shell while it rewrites the file
/// (scripts/ensure-sqlite3.sh installs it; it does nothing when sqlite3 is there), following a republish
/// that adds a column and a table, and reconnecting after the server restarts.
/// </summary>
public sealed class MirrorFollowTests : IAsyncLifetime, IDisposable
{
    private static readonly Lazy<string?> Sqlite3Installed = new(EnsureSqlite3);

    private readonly CliRun _cli = new();
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("meridian-cli-mirror-server-").FullName;
    private readonly string _dir = Directory.CreateTempSubdirectory("meridian-cli-mirror-").FullName;
    // The mirror writes these on its own threads while the test reads them.
    private readonly ConcurrentOutput _stdout = new();
    private readonly ConcurrentOutput _stderr = new();
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(90));
    private MeridianServer? _server;
    private string _url = "";
    private Task<int>? _mirror;

    public async Task InitializeAsync()
    {
        _server = await StartServerAsync("127.0.0.1:0");
        _url = _server.BaseAddress.ToString().TrimEnd('/');
    }

    private Task<MeridianServer> StartServerAsync(string listen) =>
        MeridianServer.StartAsync(new MeridianServerOptions { ListenAddress = listen, DataDirectory = _dataDirectory });

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_mirror is not null)
            await _mirror;
        if (_server is not null)
            await _server.DisposeAsync();
    }

    public void Dispose()
    {
        _cli.Dispose();
        _stop.Dispose();
        Directory.Delete(_dir, recursive: true);
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private async Task Ok(params string[] args)
    {
        var result = await _cli.RunAsync(args);
        Assert.True(result.ExitCode == 0, $"meridian {string.Join(' ', args)}: {result.Out}{result.Error}");
    }

    private void StartMirror(params string[] args)
    {
        var environment = new CliEnvironment
        {
            Out = _stdout, Error = _stderr, ConfigDirectory = _cli.ConfigDirectory,
        };
        _mirror = CliApp.RunAsync(["mirror", "-s", _url, .. args], environment, _stop.Token);
    }

    private async Task Until(Func<bool> done, string what)
    {
        while (!done())
        {
            Assert.False(_mirror!.IsCompleted, $"mirror ended early: {_stdout} {_stderr}");
            Assert.False(_stop.IsCancellationRequested, $"timed out waiting for {what}: {_stdout} {_stderr}");
            await Task.Delay(20);
        }
    }

    private static List<string> Query(string path, string sql)
    {
        if (!File.Exists(path))
            return [];
        using var db = new SqliteConnection(
            new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = sql;
        try
        {
            using var reader = command.ExecuteReader();
            var rows = new List<string>();
            while (reader.Read())
                rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount)
                    .Select(i => Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
            return rows;
        }
        catch (SqliteException)
        {
            // The table or column is not there yet (the file still has the old shape).
            return [];
        }
    }

    private void AssertOnlyTheMirrorFile(string name) =>
        Assert.Equal([name], Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_sqlite3_shell_reads_the_file_while_the_mirror_rewrites_it(bool incremental)
    {
        Assert.True(Sqlite3Installed.Value is null, Sqlite3Installed.Value);
        await Ok("publish", "-s", _url, "-b", RealServerTests.ChatAssembly(), "chat");
        var path = Path.Combine(_dir, "chat.sqlite");
        StartMirror(["chat", "--sqlite", path, "--debounce", "0", .. incremental ? ["--incremental"] : Array.Empty<string>()]);
        await Ok("call", "-s", _url, "chat", "send_message", "m0");
        await Until(() => Query(path, "SELECT text FROM message").Count == 1, "the first write");

        const int Messages = 15;
        // Each message is sent after a reading, so readings and rewrites interleave however fast the machine is.
        using var readingTaken = new SemaphoreSlim(0);
        var sending = Task.Run(async () =>
        {
            for (var i = 1; i < Messages; i++)
            {
                await readingTaken.WaitAsync(_stop.Token);
                await Ok("call", "-s", _url, "chat", "send_message", "m" + i);
            }
        });
        // Each reading sees a whole write: every message so far, in order, never fewer than the last reading.
        var readings = 0;
        var last = 0;
        while (!sending.IsCompleted || last < Messages)
        {
            Assert.False(_stop.IsCancellationRequested, $"timed out; last reading {last}: {_stdout} {_stderr}");
            var (code, output, error) = await Sqlite3(path, "SELECT count(*), group_concat(text, ',') FROM (SELECT text FROM message ORDER BY sent);");
            Assert.True(code == 0, $"sqlite3 failed ({code}): {error}");
            var fields = output.Trim().Split('|');
            var count = int.Parse(fields[0], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(count >= last, $"a reading went back from {last} to {count} messages");
            Assert.Equal(string.Join(',', Enumerable.Range(0, count).Select(i => "m" + i)), fields[1]);
            last = count;
            readings++;
            readingTaken.Release();
            if (sending.IsFaulted)
                await sending;
        }
        await sending;
        Assert.True(readings >= Messages - 1, $"sqlite3 read the file {readings} times only");

        // The schema the shell sees: the mirror's declared types.
        var (schemaCode, schema, _) = await Sqlite3(path, "SELECT sql FROM sqlite_master WHERE name = 'message';");
        Assert.Equal(0, schemaCode);
        Assert.StartsWith("CREATE TABLE \"message\" (", schema);

        await _stop.CancelAsync();
        Assert.Equal(0, await _mirror!);
        AssertOnlyTheMirrorFile("chat.sqlite");
    }

    [Fact]
    public async Task The_mirror_follows_a_republish_that_adds_a_column_and_a_table()
    {
        await Ok("publish", "-s", _url, "-b", ModuleAssembly("MigrateE2eV1"), "evolve");
        await Ok("call", "-s", _url, "evolve", "add_player", "ann");
        var path = Path.Combine(_dir, "evolve.sqlite");
        StartMirror("evolve", "--sqlite", path, "--debounce", "50");
        await Until(() => Query(path, "SELECT name FROM player").SequenceEqual(["ann"]), "the first write");
        Assert.Empty(Query(path, "SELECT name FROM sqlite_master WHERE name = 'badge'"));

        await Ok("publish", "-s", _url, "-b", ModuleAssembly("MigrateE2eV2"), "evolve", "--yes", "--break-clients");
        // The existing player got the new column's default; the new table is mirrored, and then its rows.
        await Until(() => Query(path, "SELECT name, score FROM player").SequenceEqual(["ann|100"]), "the new column");
        await Until(() => Query(path, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'badge'").Count == 1, "the new table");
        await Ok("call", "-s", _url, "evolve", "add_badge", "gold");
        await Ok("call", "-s", _url, "evolve", "add_player", "bob");
        await Until(() => Query(path, "SELECT code FROM badge").SequenceEqual(["gold"]), "a row of the new table");
        await Until(() => Query(path, "SELECT name, score FROM player ORDER BY id").SequenceEqual(["ann|100", "bob|1"]), "a new row");

        await _stop.CancelAsync();
        Assert.Equal(0, await _mirror!);
        Assert.Contains("subscribing again", _stdout.ToString());
        AssertOnlyTheMirrorFile("evolve.sqlite");
    }

    [Fact]
    public async Task The_mirror_reconnects_after_the_server_restarts_and_keeps_the_file_meanwhile()
    {
        await Ok("publish", "-s", _url, "-b", RealServerTests.ChatAssembly(), "chat");
        await Ok("call", "-s", _url, "chat", "send_message", "before");
        var path = Path.Combine(_dir, "chat.sqlite");
        StartMirror("chat", "--sqlite", path, "--debounce", "50");
        await Until(() => Query(path, "SELECT text FROM message").SequenceEqual(["before"]), "the first write");

        var port = _server!.BaseAddress.Port;
        await _server.DisposeAsync();
        _server = null;
        await Until(() => _stdout.ToString().Contains("Lost the connection", StringComparison.Ordinal), "the loss");
        // While the server is down the file keeps its rows.
        await Task.Delay(300);
        Assert.Equal(["before"], Query(path, "SELECT text FROM message"));

        _server = await StartServerAsync($"127.0.0.1:{port}");
        await Ok("call", "-s", _url, "chat", "send_message", "after");
        await Until(() => Query(path, "SELECT text FROM message ORDER BY sent").SequenceEqual(["before", "after"]), "a write after the restart");

        await _stop.CancelAsync();
        Assert.Equal(0, await _mirror!);
        Assert.EndsWith($"Stopped; {path} is up to date.\n", _stdout.ToString());
        AssertOnlyTheMirrorFile("chat.sqlite");
    }

    private static string ModuleAssembly(string name) => ModuleAssemblies.Find(name);

    private static string? EnsureSqlite3()
    {
        var script = Path.Combine(RepoRoot(), "scripts", "ensure-sqlite3.sh");
        var (code, stdout, stderr) = Run("bash", [script]).GetAwaiter().GetResult();
        return code == 0 ? null : $"scripts/ensure-sqlite3.sh failed ({code}): {stdout}{stderr}";
    }

    // -readonly: the reader writes nothing beside the file; a busy timeout for the incremental mode's write transactions.
    private static Task<(int Code, string Stdout, string Stderr)> Sqlite3(string path, string sql) =>
        Run("sqlite3", ["-readonly", "-cmd", ".timeout 5000", path, sql]);

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Meridian.slnx")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("Meridian.slnx not found above the test directory.");
    }

    private static async Task<(int Code, string Stdout, string Stderr)> Run(string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish.");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
