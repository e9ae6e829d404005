using Microsoft.AspNetCore.Http;

namespace Meridian.Cli.Tests;

/// <summary>publish over an existing database: the migration plan is printed, and breaking or refused plans stop the upload.</summary>
public sealed class PublishPlanTests : IAsyncLifetime, IDisposable
{
    private const string Success = """{"Success": {"domain": "chat", "database_identity": "c200ab", "op": "updated"}}""";
    private readonly CliRun _cli = new();
    private readonly string _assembly = Path.Combine(Path.GetTempPath(), $"meridian-cli-plan-{Guid.NewGuid():N}.dll");
    private FakeServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeServer.StartAsync();
        await File.WriteAllBytesAsync(_assembly, [0x4d, 0x5a, 9]);
        _server.On("PUT", "/v1/database/chat", 200, Success, "application/json");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose()
    {
        _cli.Dispose();
        File.Delete(_assembly);
    }

    private void Plan(string json) => _server.On("POST", "/v1/database/chat/pre_publish", 200, json, "application/json");

    private static string Auto(bool breakClients, bool confirm) =>
        "{\"AutoMigrate\": {\"migrate_plan\": \"Automatic migration:\\n  1. [automatic] Add column(s) 'score'\\n\", "
            + $"\"break_clients\": {(breakClients ? "true" : "false")}, \"token\": \"tok en\", \"major_version_upgrade\": false, "
            + $"\"needs_confirmation\": {(confirm ? "true" : "false")}}}}}";

    private IEnumerable<string> Puts => _server.ApiRequests.Where(r => r.Method == "PUT").Select(r => r.Query);

    [Fact]
    public async Task Dry_run_prints_the_plan_and_uploads_nothing()
    {
        Plan(Auto(breakClients: false, confirm: false));
        var result = await _cli.RunAsync("publish", "-s", _server.Url, "-b", _assembly, "--dry-run", "chat");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("1. [automatic] Add column(s) 'score'", result.Out);
        Assert.Empty(Puts);
    }

    [Fact]
    public async Task An_automatic_plan_is_printed_and_published_without_a_question()
    {
        Plan(Auto(breakClients: false, confirm: false));
        var result = await _cli.RunAsync("publish", "-s", _server.Url, "-b", _assembly, "chat");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("Add column(s) 'score'", result.Out);
        Assert.Equal([""], Puts);
    }

    [Fact]
    public async Task A_refused_plan_is_printed_and_nothing_is_published()
    {
        Plan("""{"ManualMigrate": {"reason": "Remove column(s) 'email' from table 'player': refused", "major_version_upgrade": false}}""");
        var dry = await _cli.RunAsync("publish", "-s", _server.Url, "-b", _assembly, "--dry-run", "chat");
        Assert.Equal(1, dry.ExitCode);
        var result = await _cli.RunAsync("publish", "-s", _server.Url, "-b", _assembly, "--yes", "chat");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Remove column(s) 'email'", result.Out);
        Assert.Contains("cannot be applied automatically", result.Error);
        Assert.Empty(Puts);
    }

    [Fact]
    public async Task A_client_breaking_plan_needs_break_clients_and_then_sends_the_policy_and_token()
    {
        Plan(Auto(breakClients: true, confirm: true));
        var refused = await _cli.RunAsync("publish", "-s", _server.Url, "-b", _assembly, "--yes", "chat");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("--break-clients", refused.Error);
        Assert.Empty(Puts);

        var accepted = await _cli.RunAsync("publish", "-s", _server.Url, "-b", _assembly, "--break-clients", "--yes", "chat");
        Assert.True(accepted.ExitCode == 0, accepted.Error);
        Assert.Equal(["?policy=BreakClients&token=tok%20en"], Puts);
    }

    [Fact]
    public async Task A_plan_that_needs_confirmation_is_refused_without_a_terminal_unless_yes()
    {
        Plan(Auto(breakClients: false, confirm: true));
        var refused = await _cli.RunAsync("publish", "-s", _server.Url, "-b", _assembly, "chat");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("Add column(s) 'score'", refused.Out);
        Assert.Contains("no terminal", refused.Error);
        Assert.Empty(Puts);
        var accepted = await _cli.RunAsync("publish", "-s", _server.Url, "-b", _assembly, "--yes", "chat");
        Assert.True(accepted.ExitCode == 0, accepted.Error);
    }

    [Fact]
    public async Task A_module_the_server_keeps_from_the_plan_is_published_by_its_hash_without_a_second_upload()
    {
        var module = await File.ReadAllBytesAsync(_assembly);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(module));
        KeepingPlan(Auto(breakClients: false, confirm: false), hash);

        var result = await _cli.RunAsync("publish", "-s", _server.Url, "-b", _assembly, "chat");

        Assert.True(result.ExitCode == 0, result.Error);
        var uploads = _server.ApiRequests.Where(r => r.Body.Length > 0).ToList();
        Assert.Equal(module, Assert.Single(uploads).Body);
        Assert.Equal("/v1/database/chat/pre_publish", uploads[0].Path);
        var put = Assert.Single(_server.ApiRequests, r => r.Method == "PUT");
        Assert.Equal("?module_hash=" + hash, put.Query);
        Assert.Empty(put.Body);
    }

    [Fact]
    public async Task A_module_the_server_no_longer_keeps_is_uploaded_with_the_publish()
    {
        var module = await File.ReadAllBytesAsync(_assembly);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(module));
        KeepingPlan(Auto(breakClients: true, confirm: true), hash);
        _server.On("PUT", "/v1/database/chat", async (context, request) =>
        {
            var byHash = request.Query.Contains("module_hash=", StringComparison.Ordinal);
            context.Response.StatusCode = byHash ? 412 : 200;
            context.Response.ContentType = byHash ? "text/plain" : "application/json";
            await context.Response.WriteAsync(byHash ? "No module with hash … is kept" : Success);
        });

        var result = await _cli.RunAsync("publish", "-s", _server.Url, "-b", _assembly, "--break-clients", "--yes", "chat");

        Assert.True(result.ExitCode == 0, result.Error);
        var puts = _server.ApiRequests.Where(r => r.Method == "PUT").ToList();
        Assert.Equal(2, puts.Count);
        Assert.Equal("?policy=BreakClients&token=tok%20en&module_hash=" + hash, puts[0].Query);
        Assert.Empty(puts[0].Body);
        Assert.Equal("?policy=BreakClients&token=tok%20en", puts[1].Query);
        Assert.Equal(module, puts[1].Body);
    }

    // A plan answered as a Meridian server does: it keeps the module and names its hash.
    private void KeepingPlan(string json, string hash) => _server.On("POST", "/v1/database/chat/pre_publish", async (context, _) =>
    {
        context.Response.Headers["meridian-module-hash"] = hash;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    });
}
