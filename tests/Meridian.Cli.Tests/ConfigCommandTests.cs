using System.Text.Json.Nodes;
using Meridian.Server;

namespace Meridian.Cli.Tests;

/// <summary>
/// <c>server</c>, <c>identity</c>, <c>login</c> and <c>rename</c> against a real server; saved state
/// goes to the test's own config directory (as <c>MERIDIAN_CONFIG_DIR</c> would choose).
/// </summary>
public sealed class ConfigCommandTests : IAsyncLifetime, IDisposable
{
    private readonly CliRun _cli = new();
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("meridian-cli-config-").FullName;
    private MeridianServer _server = null!;
    private string _url = "";

    public async Task InitializeAsync()
    {
        _server = await MeridianServer.StartAsync(new MeridianServerOptions { ListenAddress = "127.0.0.1:0", DataDirectory = _dataDirectory });
        _url = _server.BaseAddress.ToString().TrimEnd('/');
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose()
    {
        _cli.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task A_saved_server_nickname_works_after_s_and_as_the_default()
    {
        var added = await Ok("server", "add", "local", "--url", _url);
        Assert.Equal($"Saved server local ({_url}); it is the default.\n", added.Out);
        await Ok("server", "add", "other", "--url", "127.0.0.1:1");

        var list = await Ok("server", "list");
        Assert.Matches(@$" \* +\| local +\| {_url}\n", list.Out);
        Assert.Contains("(2 servers)", list.Out);

        // No -s: the default server.
        Assert.Contains("Server is online: " + _url, (await Ok("server", "ping")).Out);
        Assert.Equal(0, (await _cli.RunAsync("list")).ExitCode);
        Assert.Equal(0, (await _cli.RunAsync("list", "-s", "local")).ExitCode);

        var unreachable = await _cli.RunAsync("server", "ping", "other");
        Assert.Equal(1, unreachable.ExitCode);
        Assert.StartsWith("error: could not reach http://127.0.0.1:1", unreachable.Error);

        Assert.Contains("now use http://127.0.0.1:1", (await Ok("server", "set-default", "other")).Out);
        Assert.Equal(1, (await _cli.RunAsync("list")).ExitCode);

        Assert.Equal("Removed server other.\n", (await Ok("server", "remove", "other")).Out);
        var missing = await _cli.RunAsync("server", "remove", "other");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("error: no server named 'other' is saved.", missing.Error);
        var bad = await _cli.RunAsync("server", "add", "not a name", "--url", _url);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("is not a server nickname", bad.Error);
        Assert.Contains("Without -s commands use http://127.0.0.1:3000.", (await Ok("server", "list")).Out);
    }

    [Fact]
    public async Task Identities_are_created_listed_switched_and_their_tokens_printed()
    {
        var first = await Ok("identity", "new", "-s", _url, "--name", "alice");
        Assert.Matches(@"^Created identity [0-9a-f]{64} on .*; it is now the one in use\.\n$", first.Out);
        var second = await Ok("identity", "new", "-s", _url, "--name", "bob");
        Assert.DoesNotContain("in use", second.Out);
        var alice = Saved("alice");
        var bob = Saved("bob");

        var list = await Ok("identity", "list", "-s", _url);
        Assert.Matches($@"\n \* +\| alice \| {alice.Identity}\n", list.Out);
        Assert.Matches($@"\n +\| bob +\| {bob.Identity}\n", list.Out);

        Assert.Equal(alice.Token + "\n", (await Ok("identity", "token", "-s", _url)).Out);
        Assert.Equal(bob.Token + "\n", (await Ok("identity", "token", "-s", _url, "bob")).Out);
        Assert.Equal(bob.Token + "\n", (await Ok("identity", "token", "-s", _url, bob.Identity[..12])).Out);

        // Databases belong to the identity in use.
        await Ok("publish", "-s", _url, "-b", RealServerTests.ChatAssembly(), "chat");
        Assert.Equal(alice.Identity, _server.Registry.Find("chat")!.Owner.ToHexString());
        Assert.Contains($"Using identity {bob.Identity}", (await Ok("identity", "set-default", "-s", _url, "bob")).Out);
        var denied = await _cli.RunAsync("delete", "-s", _url, "--yes", "chat");
        Assert.Equal(1, denied.ExitCode);
        Assert.NotNull(_server.Registry.Find("chat"));

        var unknown = await _cli.RunAsync("identity", "set-default", "-s", _url, "carol");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("error: no identity named or starting with 'carol'", unknown.Error);
    }

    [Fact]
    public async Task Login_with_a_token_checks_it_and_uses_its_identity()
    {
        // A token of this server, as another machine would have it.
        using var elsewhere = new CliRun();
        Assert.Equal(0, (await elsewhere.RunAsync("identity", "new", "-s", _url)).ExitCode);
        var token = (await elsewhere.RunAsync("identity", "token", "-s", _url)).Out.Trim();
        await elsewhere.RunAsync("publish", "-s", _url, "-b", RealServerTests.ChatAssembly(), "chat");
        var owner = _server.Registry.Find("chat")!.Owner.ToHexString();

        var login = await Ok("login", "-s", _url, "--token", token);
        Assert.Equal($"Logged in to {_url} as {owner}.\n", login.Out);
        Assert.Equal("Deleted database chat.\n", (await Ok("delete", "-s", _url, "--yes", "chat")).Out);

        var garbage = await _cli.RunAsync("login", "-s", _url, "--token", "not-a-token");
        Assert.Equal(1, garbage.ExitCode);
        Assert.Contains("error: that is not a token", garbage.Error);

        // Signed by another server: refused, and the saved identity stays.
        await using var other = await MeridianServer.StartAsync(new MeridianServerOptions { ListenAddress = "127.0.0.1:0" });
        using var stranger = new CliRun();
        var otherUrl = other.BaseAddress.ToString().TrimEnd('/');
        await stranger.RunAsync("identity", "new", "-s", otherUrl);
        var foreign = (await stranger.RunAsync("identity", "token", "-s", otherUrl)).Out.Trim();
        var refused = await _cli.RunAsync("login", "-s", _url, "--token", foreign);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"error: {_url} does not accept this token", refused.Error);
        Assert.Equal(token + "\n", (await Ok("identity", "token", "-s", _url)).Out);

        Assert.Equal(0, (await _cli.RunAsync("identity", "import", "-s", otherUrl, "--name", "theirs", foreign)).ExitCode);
        Assert.Contains("theirs", (await Ok("identity", "list", "-s", otherUrl)).Out);
    }

    [Fact]
    public async Task Rename_keeps_identity_and_data_and_refuses_what_it_should()
    {
        await Ok("publish", "-s", _url, "-b", RealServerTests.ChatAssembly(), "chat");
        await Ok("publish", "-s", _url, "-b", RealServerTests.ChatAssembly(), "taken");
        await Ok("call", "-s", _url, "chat", "send_message", "still here");
        var identity = _server.Registry.Find("chat")!.Identity;

        Assert.Equal("Renamed database chat to chat-v2.\n", (await Ok("rename", "-s", _url, "--to", "chat-v2", "chat")).Out);
        Assert.Null(_server.Registry.Find("chat"));
        Assert.Equal(identity, _server.Registry.Find("chat-v2")!.Identity);
        Assert.Contains("still here", (await Ok("sql", "-s", _url, "chat-v2", "SELECT text FROM message")).Out);
        await Ok("call", "-s", _url, "chat-v2", "send_message", "after the rename");

        var taken = await _cli.RunAsync("rename", "-s", _url, "--to", "taken", "chat-v2");
        Assert.Equal(1, taken.ExitCode);
        Assert.Contains("error: The name 'taken' is already used by database", taken.Error);
        var invalid = await _cli.RunAsync("rename", "-s", _url, "--to", "no spaces", "chat-v2");
        Assert.Equal(1, invalid.ExitCode);
        Assert.Contains("is not a valid database name", invalid.Error);
        using var stranger = new CliRun();
        var denied = await stranger.RunAsync("rename", "-s", _url, "--to", "mine", "chat-v2");
        Assert.Equal(1, denied.ExitCode);
        Assert.NotNull(_server.Registry.Find("chat-v2"));

        // The new name survives a restart.
        await _server.DisposeAsync();
        _server = await MeridianServer.StartAsync(new MeridianServerOptions { ListenAddress = "127.0.0.1:0", DataDirectory = _dataDirectory });
        Assert.Empty(_server.LoadFailures);
        var reopened = _server.Registry.Find("chat-v2")!;
        Assert.Equal(identity, reopened.Identity);
        Assert.Equal(2, (await reopened.ExecuteSqlAsync("SELECT * FROM message", reopened.Owner, Sats.ConnectionId.Zero))[0].Rows.Count);
    }

    private (string Identity, string Token) Saved(string name)
    {
        var identities = JsonNode.Parse(File.ReadAllText(_cli.ConfigPath))!["identities"]![_url]!.AsArray();
        var entry = identities.Single(i => (string?)i!["name"] == name)!;
        return ((string)entry["identity"]!, (string)entry["token"]!);
    }

    private async Task<CliResult> Ok(params string[] args)
    {
        var result = await _cli.RunAsync(args);
        Assert.True(result.ExitCode == 0, $"meridian {string.Join(' ', args)} failed: {result.Error}");
        return result;
    }
}
