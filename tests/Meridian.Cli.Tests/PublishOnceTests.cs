using Meridian.Server;

namespace Meridian.Cli.Tests;

/// <summary>
/// <c>meridian publish</c> against a real server through a proxy that counts what the CLI sends: the module goes up
/// once, with the plan request (the server keeps it and the publish names it by hash), whether the database is new,
/// the upgrade is confirmed, declined, accepted with <c>--yes</c>, or refused.
/// </summary>
public sealed class PublishOnceTests : IAsyncLifetime, IDisposable
{
    private readonly CliRun _cli = new();
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("meridian-cli-publish-once-").FullName;
    private MeridianServer _server = null!;
    private CountingProxy _proxy = null!;

    public async Task InitializeAsync()
    {
        _server = await MeridianServer.StartAsync(new MeridianServerOptions { ListenAddress = "127.0.0.1:0", DataDirectory = _dataDirectory });
        _proxy = new CountingProxy(_server.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _server.DisposeAsync();
    }

    public void Dispose()
    {
        _cli.Dispose();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private static string V1 => ModuleAssemblies.Find("MigrateE2eV1");

    private static string V2 => ModuleAssemblies.Find("MigrateE2eV2");

    private static string V3 => ModuleAssemblies.Find("MigrateE2eV3");

    [Fact]
    public async Task A_first_publish_uploads_the_module_once()
    {
        var result = await PublishAsync(V1, "evolve");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Matches(@"^Published database evolve \(identity c200[0-9a-f]{60}\), created\n$", result.Out);
        AssertUploadedOnce(V1);
        Assert.Equal(0, (await _cli.RunAsync("sql", "-s", _proxy.Url, "evolve", "SELECT * FROM note")).ExitCode);
    }

    [Fact]
    public async Task An_automatic_upgrade_is_not_asked_and_uploads_once()
    {
        Assert.Equal(0, (await PublishAsync(V1, "evolve")).ExitCode);
        _cli.Interactive = true;

        // V2 adds a column with a default and a table: nothing to confirm.
        var result = await PublishAsync(V2, "evolve");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("Add column(s) 'score'", result.Out);
        Assert.DoesNotContain("[y/N]", result.Error);
        Assert.EndsWith("), updated\n", result.Out);
        AssertUploadedOnce(V2);
        Assert.True(await HasScoreAsync(), "the migration did not add the column");
    }

    [Fact]
    public async Task An_upgrade_that_needs_confirmation_is_asked_once_uploaded_and_declined_or_applied()
    {
        Assert.Equal(0, (await PublishAsync(V2, "evolve")).ExitCode);
        _cli.Interactive = true;

        // V3 removes V2's empty table, which disconnects clients: asked for at a terminal.
        _cli.Input = "n\n";
        var declined = await PublishAsync(V3, "evolve", "--break-clients");

        Assert.Equal(1, declined.ExitCode);
        Assert.Contains("Remove table 'badge'", declined.Out);
        Assert.Contains("Apply this migration? [y/N] ", declined.Error);
        Assert.Contains("Publish cancelled; nothing changed.", declined.Error);
        AssertUploadedOnce(V3);
        Assert.True(await HasBadgeAsync(), "a declined migration removed the table");

        _cli.Input = "y\n";
        var applied = await PublishAsync(V3, "evolve", "--break-clients");

        Assert.True(applied.ExitCode == 0, applied.Error);
        Assert.Contains("Apply this migration? [y/N] ", applied.Error);
        Assert.EndsWith("), updated\n", applied.Out);
        AssertUploadedOnce(V3);
        Assert.False(await HasBadgeAsync(), "the confirmed migration left the table");
    }

    [Fact]
    public async Task Without_a_terminal_a_confirmation_needs_yes_and_with_it_the_module_goes_up_once()
    {
        Assert.Equal(0, (await PublishAsync(V2, "evolve")).ExitCode);

        var refused = await PublishAsync(V3, "evolve", "--break-clients");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("there is no terminal to ask; pass --yes", refused.Error);
        AssertUploadedOnce(V3);
        Assert.True(await HasBadgeAsync(), "an unconfirmed migration removed the table");

        var accepted = await PublishAsync(V3, "evolve", "--break-clients", "--yes");
        Assert.True(accepted.ExitCode == 0, accepted.Error);
        Assert.DoesNotContain("[y/N]", accepted.Error);
        AssertUploadedOnce(V3);
        Assert.False(await HasBadgeAsync(), "the accepted migration left the table");
    }

    [Fact]
    public async Task A_refused_upgrade_uploads_once_and_changes_nothing()
    {
        Assert.Equal(0, (await PublishAsync(V2, "evolve")).ExitCode);

        // V1 drops V2's score column: no automatic migration does that.
        var refused = await PublishAsync(V1, "evolve", "--break-clients", "--yes");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("cannot be applied automatically", refused.Error);
        AssertUploadedOnce(V1);
        Assert.True(await HasScoreAsync(), "a refused migration changed the table");
    }

    private async Task<CliResult> PublishAsync(string assembly, string name, params string[] flags)
    {
        _proxy.Reset();
        return await _cli.RunAsync(["publish", "-s", _proxy.Url, "-b", assembly, .. flags, name]);
    }

    // Once: at least the module, and less than twice it (two uploads would be more, whatever the headers).
    private void AssertUploadedOnce(string assembly)
    {
        var size = new FileInfo(assembly).Length;
        Assert.InRange(_proxy.SentBytes, size, (2 * size) - 1);
    }

    private async Task<bool> HasScoreAsync() => (await _cli.RunAsync("sql", "-s", _proxy.Url, "evolve", "SELECT score FROM player")).ExitCode == 0;

    private async Task<bool> HasBadgeAsync() => (await _cli.RunAsync("sql", "-s", _proxy.Url, "evolve", "SELECT * FROM badge")).ExitCode == 0;
}
