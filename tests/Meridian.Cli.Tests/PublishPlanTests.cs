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
}
