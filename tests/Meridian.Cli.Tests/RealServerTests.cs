using System.Text.Json.Nodes;
using Meridian.Server;

namespace Meridian.Cli.Tests;

/// <summary>The commands against a real <see cref="MeridianServer"/> on a free port with a temp data directory.</summary>
public sealed class RealServerTests : IAsyncLifetime, IDisposable
{
    private readonly CliRun _cli = new();
    private readonly List<string> _dataDirectories = [];
    private MeridianServer _server = null!;
    private string _url = "";

    public async Task InitializeAsync()
    {
        _server = await StartServerAsync();
        _url = _server.BaseAddress.ToString().TrimEnd('/');
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose()
    {
        _cli.Dispose();
        foreach (var directory in _dataDirectories)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [Fact]
    public async Task Publish_call_sql_and_logs_work_against_a_real_server()
    {
        var created = await _cli.RunAsync("publish", "-s", _url, "--bin-path", ChatAssembly(), "chat");
        Assert.True(created.ExitCode == 0, created.Error);
        Assert.Matches(@"^Published database chat \(identity c200[0-9a-f]{60}\), created\n$", created.Out);

        var sent = await _cli.RunAsync("call", "-s", _url, "chat", "send_message", "hello from the CLI");
        Assert.True(sent.ExitCode == 0, sent.Error);

        var rejected = await _cli.RunAsync("call", "-s", _url, "chat", "send_message", "");
        Assert.Equal(1, rejected.ExitCode);
        Assert.Contains("error: the reducer failed: Messages must not be empty", rejected.Error);

        var named = await _cli.RunAsync("call", "-s", _url, "chat", "set_name", "Alice");
        Assert.True(named.ExitCode == 0, named.Error);

        var identity = ((string)JsonNode.Parse(File.ReadAllText(_cli.ConfigPath))!["servers"]![_url]!["identity"]!)!;
        var messages = await _cli.RunAsync("sql", "-s", _url, "chat", "SELECT text FROM message; SELECT * FROM user");
        Assert.True(messages.ExitCode == 0, messages.Error);
        Assert.Equal(
            $"""
             text
            --------------------
             hello from the CLI
            (1 row)

             identity                                                         | name  | online
            ------------------------------------------------------------------+-------+--------
             {identity} | Alice | false
            (1 row)

            """,
            messages.Out);

        var logs = await _cli.RunAsync("logs", "-s", _url, "chat");
        Assert.True(logs.ExitCode == 0, logs.Error);
        Assert.Matches(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z  INFO .*hello from the CLI", logs.Out);

        var updated = await _cli.RunAsync("publish", "-s", _url, "-b", ChatAssembly(), "chat");
        Assert.True(updated.ExitCode == 0, updated.Error);
        Assert.EndsWith("), updated\n", updated.Out);

        var unknown = await _cli.RunAsync("call", "-s", _url, "chat", "no_such_reducer");
        Assert.Equal(1, unknown.ExitCode);
        Assert.StartsWith("error: ", unknown.Error);
    }

    [Fact]
    public async Task A_token_from_another_server_is_refused_until_logout()
    {
        await using var other = await StartServerAsync();
        var otherUrl = other.BaseAddress.ToString().TrimEnd('/');
        // Get an identity from the other server, then pretend it was saved for this one.
        await _cli.RunAsync("sql", "-s", otherUrl, "nothing", "SELECT 1");
        var config = JsonNode.Parse(File.ReadAllText(_cli.ConfigPath))!;
        var servers = config["servers"]!.AsObject();
        servers[_url] = servers[otherUrl]!.DeepClone();
        File.WriteAllText(_cli.ConfigPath, config.ToJsonString());

        var refused = await _cli.RunAsync("publish", "-s", _url, "-b", ChatAssembly(), "chat");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"error: {_url} rejected this CLI's token: ", refused.Error);
        Assert.Contains($"hint: The token saved for {_url}", refused.Error);
        Assert.Contains($"meridian logout -s {_url}", refused.Error);

        Assert.Equal(0, (await _cli.RunAsync("logout", "-s", _url)).ExitCode);
        var published = await _cli.RunAsync("publish", "-s", _url, "-b", ChatAssembly(), "chat");
        Assert.True(published.ExitCode == 0, published.Error);
        Assert.Contains("Created identity", published.Error);
    }

    private async Task<MeridianServer> StartServerAsync()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("meridian-cli-server-").FullName;
        _dataDirectories.Add(dataDirectory);
        return await MeridianServer.StartAsync(new MeridianServerOptions { ListenAddress = "127.0.0.1:0", DataDirectory = dataDirectory });
    }

    internal static string ChatAssembly()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var bin = Path.Combine(directory.FullName, "samples", "chat", "bin");
            if (Directory.Exists(bin))
            {
                var dll = Directory.EnumerateFiles(bin, "Chat.dll", SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
                if (dll is not null)
                    return dll;
            }
        }
        throw new FileNotFoundException("samples/chat has not been built (the test project's reference builds it).");
    }
}
