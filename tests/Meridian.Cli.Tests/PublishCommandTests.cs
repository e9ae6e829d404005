namespace Meridian.Cli.Tests;

/// <summary>The HTTP side of publish, with an assembly given by --bin-path (no compilation).</summary>
public sealed class PublishCommandTests : IAsyncLifetime, IDisposable
{
    private const string DatabaseIdentity = "c200aaaabbbbccccddddeeeeffff000011112222333344445555666677778888";

    private readonly CliRun _cli = new();
    private readonly string _assembly = Path.Combine(Path.GetTempPath(), $"meridian-cli-test-{Guid.NewGuid():N}.dll");
    private FakeServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeServer.StartAsync();
        await File.WriteAllBytesAsync(_assembly, [0x4d, 0x5a, 1, 2, 3, 0xff]);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose()
    {
        _cli.Dispose();
        File.Delete(_assembly);
    }

    private static string SuccessBody(string op) =>
        """{"Success": {"domain": "chat", "database_identity": "IDENTITY", "op": "OP"}}""".Replace("IDENTITY", DatabaseIdentity).Replace("OP", op);

    [Fact]
    public async Task Uploads_the_assembly_with_put_and_prints_the_result()
    {
        _server.On("PUT", "/v1/database/chat", 200, SuccessBody("created"), "application/json");

        var result = await _cli.RunAsync("publish", "-s", _server.Url, "--bin-path", _assembly, "chat");

        Assert.Equal(0, result.ExitCode);
        // First the plan (404: the database does not exist yet), then the upload.
        Assert.Equal(["POST /v1/database/chat/pre_publish", "PUT /v1/database/chat"], _server.ApiRequests.Select(r => $"{r.Method} {r.Path}"));
        var request = _server.ApiRequests[^1];
        Assert.Equal("", request.Query);
        Assert.Equal("application/octet-stream", request.ContentType);
        Assert.Equal([0x4d, 0x5a, 1, 2, 3, 0xff], request.Body);
        Assert.Equal("Bearer token-1", request.Authorization);
        Assert.Equal($"Published database chat (identity {DatabaseIdentity}), created\n", result.Out);
        Assert.Contains($"Uploading 6 B to {_server.Url.TrimEnd('/')}…", result.Error);
    }

    [Fact]
    public async Task Delete_data_adds_clear_and_needs_no_prompt_without_a_terminal()
    {
        _server.On("PUT", "/v1/database/chat", 200, SuccessBody("updated"), "application/json");

        var result = await _cli.RunAsync("publish", "-s", _server.Url, "-b", _assembly, "--delete-data", "chat");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("?clear=true", Assert.Single(_server.ApiRequests).Query);
        Assert.Equal($"Published database chat (identity {DatabaseIdentity}), updated\n", result.Out);
    }

    [Fact]
    public async Task Delete_data_asks_at_a_terminal_and_no_means_nothing_is_sent()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var environment = new CliEnvironment
        {
            Out = stdout,
            Error = stderr,
            In = new StringReader("n\n"),
            IsInteractive = true,
            ConfigDirectory = _cli.ConfigDirectory,
        };

        var exitCode = await CliApp.RunAsync(["publish", "-s", _server.Url, "-b", _assembly, "--delete-data", "chat"], environment);

        Assert.Equal(1, exitCode);
        Assert.Contains("deletes all data of database 'chat'", stderr.ToString());
        Assert.Contains("Publish cancelled", stderr.ToString());
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Yes_skips_the_prompt_at_a_terminal()
    {
        _server.On("PUT", "/v1/database/chat", 200, SuccessBody("updated"), "application/json");
        var environment = new CliEnvironment
        {
            Out = new StringWriter(),
            Error = new StringWriter(),
            In = new StringReader(""),
            IsInteractive = true,
            ConfigDirectory = _cli.ConfigDirectory,
        };

        var exitCode = await CliApp.RunAsync(["publish", "-s", _server.Url, "-b", _assembly, "--delete-data", "--yes", "chat"], environment);

        Assert.Equal(0, exitCode);
        Assert.Equal("?clear=true", Assert.Single(_server.ApiRequests).Query);
    }

    [Fact]
    public async Task Rejected_update_prints_the_server_message()
    {
        _server.On("PUT", "/v1/database/chat", 400, "Database update rejected: cannot remove table `message`");

        var result = await _cli.RunAsync("publish", "-s", _server.Url, "-b", _assembly, "chat");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Contains("error: Database update rejected: cannot remove table `message`", result.Error);
    }

    [Fact]
    public async Task Permission_denied_names_the_database_and_is_not_taken_for_a_bad_token()
    {
        _server.On("PUT", "/v1/database/chat", 401, """{"PermissionDenied": {"name": "chat"}}""", "application/json");

        var result = await _cli.RunAsync("publish", "-s", _server.Url, "-b", _assembly, "chat");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: permission denied: the database name 'chat' belongs to another identity.", result.Error);
        Assert.DoesNotContain("logout", result.Error);
    }

    [Fact]
    public async Task Unexpected_success_body_is_an_error()
    {
        _server.On("PUT", "/v1/database/chat", 200, "ok");

        var result = await _cli.RunAsync("publish", "-s", _server.Url, "-b", _assembly, "chat");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error: {_server.Url.TrimEnd('/')} answered the publish with something the API does not define: ok", result.Error);
    }

    [Fact]
    public async Task Missing_assembly_file_is_reported_before_any_request()
    {
        var result = await _cli.RunAsync("publish", "-s", _server.Url, "-b", _assembly + ".missing", "chat");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: there is no file", result.Error);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Directory_without_sources_is_reported_before_any_request()
    {
        var empty = Directory.CreateTempSubdirectory("meridian-cli-empty-");
        try
        {
            var result = await _cli.RunAsync("publish", "-s", _server.Url, "-p", empty.FullName, "chat");

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("has no C# source files", result.Error);
            Assert.Empty(_server.Requests);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }
}
