using Meridian.Golden.Leaderboard;

namespace Meridian.Client.Tests.Guide;

/// <summary>The guide's app (docs/client-guide.md) is this code, and it does what the guide says.</summary>
public sealed class GuideTests(ClientFixture fixture) : IClassFixture<ClientFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("meridian-guide-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static string RepositoryFile(params string[] path)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Meridian.slnx")))
            dir = dir.Parent;
        return Path.Combine([dir?.FullName ?? throw new InvalidOperationException("No Meridian.slnx above the test's directory."), .. path]);
    }

    [Fact]
    public void The_guide_shows_the_app_as_it_is()
    {
        var guide = File.ReadAllText(RepositoryFile("docs", "client-guide.md")).ReplaceLineEndings("\n");
        var app = File.ReadAllText(RepositoryFile("tests", "Meridian.Client.Tests", "Guide", "Scoreboard.cs")).ReplaceLineEndings("\n");
        Assert.Contains("```csharp\n" + app + "```\n", guide, StringComparison.Ordinal);
    }

    private string Run(Uri server, string db, params string[] commands)
    {
        var output = new StringWriter();
        var code = Scoreboard.Run(server, db, Path.Combine(_dir, "scoreboard.db"), new StringReader(string.Join("\n", commands)), output);
        Assert.True(code == 0, output.ToString());
        return output.ToString();
    }

    [Fact]
    public async Task The_app_reads_offline_queues_calls_and_reports_a_conflict_at_the_next_run()
    {
        var db = await fixture.PublishAsync(TestModules.Leaderboard(), "leaderboard");
        await using var proxy = OutageProxy.Start(() => fixture.Uri);

        var online = Run(proxy.Uri, db, "seed 1 3", "sync", "list");
        Assert.Contains("1 p1 1\n2 p2 2\n3 p3 3\n", online.ReplaceLineEndings("\n"), StringComparison.Ordinal);

        proxy.Down = true;
        var offline = Run(proxy.Uri, db, "list", "set 2 Ada 50", "seed 4 1", "list", "status").ReplaceLineEndings("\n");
        Assert.Contains("3 players in the offline cache", offline, StringComparison.Ordinal);
        Assert.Contains("1 p1 1\n2 p2 2\n3 p3 3\n", offline, StringComparison.Ordinal);
        Assert.Contains("1 p1 1\n2 Ada 50\n3 p3 3\n", offline, StringComparison.Ordinal);
        Assert.Contains("2 calls queued", offline, StringComparison.Ordinal);

        // Meanwhile another client takes id 4 and changes player 3.
        using var other = DbConnection.Builder().WithUri(fixture.Uri).WithDatabaseName(db).Build();
        Ticks.Until(other, () => other.IsActive, "the other client");
        Ticks.Await(other, other.Reducers.SetScore(4, "Zed", 99), "id 4 taken");
        Ticks.Await(other, other.Reducers.SetScore(3, "p3", 30), "player 3 changed");

        proxy.Down = false;
        var back = Run(proxy.Uri, db, "sync", "list").ReplaceLineEndings("\n");
        Assert.Contains("changed while away: p3 3 -> 30", back, StringComparison.Ordinal);
        Assert.Contains("sent while away: set_score: Committed", back, StringComparison.Ordinal);
        Assert.Contains("sent while away: seed: Conflict", back, StringComparison.Ordinal);
        Assert.Contains("CONFLICT: #2 seed", back, StringComparison.Ordinal);
        Assert.Contains("1 p1 1\n2 Ada 50\n3 p3 30\n4 Zed 99\n", back, StringComparison.Ordinal);
    }
}
