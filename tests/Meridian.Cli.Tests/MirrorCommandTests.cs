using Meridian.Server;
using Microsoft.Data.Sqlite;

namespace Meridian.Cli.Tests;

/// <summary><c>meridian mirror</c> end to end: a real server on port 0, the chat module, the CLI in-process.</summary>
public sealed class MirrorCommandTests : IAsyncLifetime, IDisposable
{
    private readonly CliRun _cli = new();
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("meridian-cli-mirror-server-").FullName;
    private readonly string _dir = Directory.CreateTempSubdirectory("meridian-cli-mirror-").FullName;
    private MeridianServer _server = null!;
    private string _url = "";

    public async Task InitializeAsync()
    {
        _server = await MeridianServer.StartAsync(new MeridianServerOptions { ListenAddress = "127.0.0.1:0", DataDirectory = _dataDirectory });
        _url = _server.BaseAddress.ToString().TrimEnd('/');
        var published = await _cli.RunAsync("publish", "-s", _url, "--bin-path", RealServerTests.ChatAssembly(), "chat");
        Assert.True(published.ExitCode == 0, published.Error);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose()
    {
        _cli.Dispose();
        Directory.Delete(_dir, recursive: true);
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private static List<string> Messages(string path)
    {
        if (!File.Exists(path))
            return [];
        using var db = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false,
        }.ToString());
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT text FROM message ORDER BY sent";
        using var reader = command.ExecuteReader();
        var texts = new List<string>();
        while (reader.Read())
            texts.Add(reader.GetString(0));
        return texts;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Mirror_keeps_the_file_up_to_date_until_stopped(bool incremental)
    {
        Assert.Equal(0, (await _cli.RunAsync("call", "-s", _url, "chat", "send_message", "before")).ExitCode);
        var path = Path.Combine(_dir, "chat.sqlite");
        var stdout = new ConcurrentOutput();
        var stderr = new ConcurrentOutput();
        var environment = new CliEnvironment { Out = stdout, Error = stderr, ConfigDirectory = _cli.ConfigDirectory };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string[] args = ["mirror", "-s", _url, "chat", "--sqlite", path, "--debounce", "100", .. incremental ? ["--incremental"] : Array.Empty<string>()];
        var run = CliApp.RunAsync(args, environment, stop.Token);

        async Task Until(Func<bool> done, string what)
        {
            while (!done())
            {
                Assert.False(run.IsCompleted, $"mirror ended early: {stdout} {stderr}");
                Assert.False(stop.IsCancellationRequested, $"timed out waiting for {what}: {stdout} {stderr}");
                await Task.Delay(20);
            }
        }

        await Until(() => Messages(path).Contains("before"), "the first write");
        Assert.Equal(0, (await _cli.RunAsync("call", "-s", _url, "chat", "send_message", "after")).ExitCode);
        await Until(() => Messages(path).Contains("after"), "the second write");
        Assert.Equal(["before", "after"], Messages(path));
        // Stopped the way Ctrl+C stops it: the command ends cleanly and CliApp's final flush still runs.
        await stop.CancelAsync();
        Assert.Equal(0, await run);

        var text = stdout.ToString();
        Assert.Contains($"Connecting to {_url} for database chat ...", text);
        Assert.Matches($@"Subscribed to (user, message|message, user); mirroring into {
            System.Text.RegularExpressions.Regex.Escape(path)} \(Ctrl\+C to stop\)\.", text);
        // Row counts include the user table, which the connections themselves change.
        var writes = text.Split('\n').Where(l => l.Contains("chat.sqlite: ", StringComparison.Ordinal)).ToArray();
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z rebuilt .*chat\.sqlite: \d+ row\(s\), \d+ change\(s\), \d+ ms$", writes[0]);
        Assert.Contains(writes.Skip(1), l => l.Contains(incremental ? " updated " : " rebuilt ", StringComparison.Ordinal));
        if (incremental)
            Assert.All(writes.Skip(1), l => Assert.Contains(" updated ", l));
        Assert.EndsWith($"Stopped; {path} is up to date.\n", text);
        Assert.Equal(["chat.sqlite"], Directory.EnumerateFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Bad_arguments_get_a_clear_error_and_write_nothing()
    {
        var path = Path.Combine(_dir, "chat.sqlite");
        var unknown = await _cli.RunAsync("mirror", "-s", _url, "chat", "--sqlite", path, "--tables", "message,nope");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Matches(@"error: The database has no table 'nope'\. Its tables: (user, message|message, user)\.\n", unknown.Error);

        var missingDatabase = await _cli.RunAsync("mirror", "-s", _url, "nothing", "--sqlite", path);
        Assert.Equal(1, missingDatabase.ExitCode);
        Assert.Contains("error:", missingDatabase.Error);

        var noDirectory = await _cli.RunAsync("mirror", "-s", _url, "chat", "--sqlite", Path.Combine(_dir, "missing", "x.sqlite"));
        Assert.Equal(1, noDirectory.ExitCode);
        Assert.Contains("does not exist", noDirectory.Error);

        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }
}
