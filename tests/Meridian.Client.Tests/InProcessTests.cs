using Meridian.Embedded;
using Meridian.Golden.Leaderboard;

namespace Meridian.Client.Tests;

/// <summary>
/// The in-process mode through <c>WithInProcessServer</c>, next to a WebSocket client of the same database. (Every
/// other test class runs over both transports: see <see cref="TransportTests"/>.)
/// </summary>
public sealed class InProcessTests(ClientFixture fixture) : IClassFixture<ClientFixture>
{
    private DbConnection Connect(string db)
    {
        var conn = DbConnection.Builder().WithDatabaseName(db).WithInProcessServer(fixture.Server.Server, db).Build();
        Ticks.Until(conn, () => conn.IsActive, "the in-process connection");
        return conn;
    }

    [Fact]
    public async Task Calls_subscriptions_and_callbacks_work_without_a_socket()
    {
        var db = await fixture.PublishAsync(TestModules.Leaderboard(), "leaderboard");
        using var conn = Connect(db);
        var handle = conn.SubscriptionBuilder().Subscribe("SELECT * FROM player");
        Ticks.Until(conn, () => handle.IsActive, "the subscription");
        var log = new List<string>();
        conn.Db.Player.OnInsert += (_, p) => log.Add($"insert {p.Id}");
        conn.Db.Player.OnUpdate += (_, old, p) => log.Add($"update {old.Score}->{p.Score}");
        conn.Db.Player.OnDelete += (_, p) => log.Add($"delete {p.Id}");

        Assert.True(Ticks.Await(conn, conn.Reducers.SetScore(1, "one", 10), "insert").IsCommitted);
        Ticks.Await(conn, conn.Reducers.SetScore(1, "one", 20), "update");
        Ticks.Await(conn, conn.Reducers.Seed(5, 2), "seed");
        Ticks.Await(conn, conn.Reducers.RemovePlayer(1), "delete");

        Assert.Equal(["insert 1", "update 10->20", "insert 5", "insert 6", "delete 1"], log);
        Assert.Equal(2, conn.Db.Player.Count);
        Assert.Equal("p5", conn.Db.Player.Id.Find(5)!.Name);

        // A socket client's change reaches the in-process client.
        using var remote = DbConnection.Builder().WithUri(fixture.Uri).WithDatabaseName(db).Build();
        Ticks.Until(remote, () => remote.IsActive, "the socket connection");
        Ticks.Await(remote, remote.Reducers.SetScore(9, "remote", 90), "remote insert");
        Ticks.Until(conn, () => conn.Db.Player.Id.Find(9) is not null, "the remote row");

        handle.Unsubscribe();
        Ticks.Until(conn, () => handle.IsEnded, "the unsubscribe");
        Assert.Equal(0, conn.Db.Player.Count);
    }
}
