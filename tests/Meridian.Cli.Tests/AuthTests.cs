using System.Text.Json;

namespace Meridian.Cli.Tests;

public sealed class AuthTests : IAsyncLifetime, IDisposable
{
    private readonly CliRun _cli = new();
    private FakeServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task First_command_gets_an_identity_saves_it_and_sends_its_token()
    {
        _server.On("POST", "/v1/database/chat/call/ping", 200);

        var result = await _cli.RunAsync("call", "-s", _server.Url, "chat", "ping");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["/v1/identity", "/v1/database/chat/call/ping"], _server.Requests.Select(r => r.Path));
        Assert.Equal("POST", _server.Requests[0].Method);
        Assert.Empty(_server.Requests[0].Body);
        Assert.Equal("Bearer token-1", _server.ApiRequests[0].Authorization);
        Assert.Contains("Created identity c200", result.Error);

        using var config = JsonDocument.Parse(File.ReadAllText(_cli.ConfigPath));
        var saved = config.RootElement.GetProperty("servers").GetProperty(_server.Url.TrimEnd('/'));
        Assert.Equal("token-1", saved.GetProperty("token").GetString());
        Assert.Equal("c200" + new string('a', 60), saved.GetProperty("identity").GetString());
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_cli.ConfigPath));
    }

    [Fact]
    public async Task Saved_token_is_reused_by_later_commands()
    {
        _server.On("POST", "/v1/database/chat/call/ping", 200);
        _server.On("POST", "/v1/database/chat/sql", 200, "[]", "application/json");

        Assert.Equal(0, (await _cli.RunAsync("call", "-s", _server.Url, "chat", "ping")).ExitCode);
        Assert.Equal(0, (await _cli.RunAsync("sql", "--server", _server.Url, "chat", "SELECT * FROM user")).ExitCode);
        var third = await _cli.RunAsync("call", "-s", _server.Url, "chat", "ping");

        Assert.Equal(0, third.ExitCode);
        Assert.Equal(1, _server.IdentityRequests);
        Assert.All(_server.ApiRequests, r => Assert.Equal("Bearer token-1", r.Authorization));
        Assert.DoesNotContain("Created identity", third.Error);
    }

    [Fact]
    public async Task Tokens_are_kept_per_server()
    {
        await using var other = await FakeServer.StartAsync();
        _server.On("POST", "/v1/database/chat/call/ping", 200);
        other.On("POST", "/v1/database/chat/call/ping", 200);

        Assert.Equal(0, (await _cli.RunAsync("call", "-s", _server.Url, "chat", "ping")).ExitCode);
        Assert.Equal(0, (await _cli.RunAsync("call", "-s", other.Url, "chat", "ping")).ExitCode);
        Assert.Equal(0, (await _cli.RunAsync("call", "-s", _server.Url, "chat", "ping")).ExitCode);

        Assert.Equal(1, _server.IdentityRequests);
        Assert.Equal(1, other.IdentityRequests);
    }

    [Fact]
    public async Task Token_of_another_server_is_reported_with_the_logout_command_and_logout_fixes_it()
    {
        var server = _server.Url.TrimEnd('/');
        Directory.CreateDirectory(_cli.ConfigDirectory);
        File.WriteAllText(
            _cli.ConfigPath,
            """{"servers": {"SERVER": {"identity": "c200ff", "token": "TOKEN"}}}""".Replace("SERVER", server).Replace("TOKEN", FakeServer.AnotherServersToken));
        _server.On("POST", "/v1/database/chat/call/ping", 200);

        var rejected = await _cli.RunAsync("call", "-s", _server.Url, "chat", "ping");

        Assert.Equal(1, rejected.ExitCode);
        Assert.Contains($"error: {server} rejected this CLI's token: Authorization failed: token not signed by this instance", rejected.Error);
        Assert.Contains($"meridian logout -s {server}", rejected.Error);
        Assert.Equal(0, _server.IdentityRequests);

        var logout = await _cli.RunAsync("logout", "-s", server);
        Assert.Equal(0, logout.ExitCode);
        Assert.Equal($"Forgot the identity saved for {server}.\n", logout.Out);

        var again = await _cli.RunAsync("call", "-s", server, "chat", "ping");
        Assert.Equal(0, again.ExitCode);
        Assert.Equal("Bearer token-1", _server.ApiRequests[^1].Authorization);
    }

    [Fact]
    public async Task Logout_without_a_saved_identity_says_so()
    {
        var result = await _cli.RunAsync("logout", "-s", "example.com:3000/");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("No identity was saved for http://example.com:3000.\n", result.Out);
    }

    [Fact]
    public async Task Unreachable_server_is_reported_with_a_hint()
    {
        var result = await _cli.RunAsync("call", "-s", "http://127.0.0.1:1", "chat", "ping");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: could not reach http://127.0.0.1:1", result.Error);
        Assert.Contains("hint: Is a Meridian server running there?", result.Error);
        Assert.False(File.Exists(_cli.ConfigPath));
    }

    [Fact]
    public async Task Failure_to_get_an_identity_is_reported_and_nothing_is_saved()
    {
        _server.IdentityFailure = (500, "database on fire");

        var result = await _cli.RunAsync("call", "-s", _server.Url, "chat", "ping");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("did not give this CLI an identity: database on fire", result.Error);
        Assert.Empty(_server.ApiRequests);
        Assert.False(File.Exists(_cli.ConfigPath));
    }
}
