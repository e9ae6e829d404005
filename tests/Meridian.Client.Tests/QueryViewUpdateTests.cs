using Meridian.Golden.Views;

namespace Meridian.Client.Tests;

/// <summary>
/// A view that returns a query has its table's primary key in the generated bindings, so a changed row of it
/// reaches OnUpdate, not OnDelete and OnInsert (as upstream's view-pk SDK test expects).
/// </summary>
public abstract class QueryViewUpdateTests(ClientFixture fixture, TransportKind transport) : TransportTests(fixture, transport)
{
    public sealed class OverWebSocket(ClientFixture fixture) : QueryViewUpdateTests(fixture, TransportKind.WebSocket);

    public sealed class InProcess(ClientFixture fixture) : QueryViewUpdateTests(fixture, TransportKind.InProcess);

    [Fact]
    public async Task A_changed_row_of_a_query_view_is_an_update()
    {
        var db = await Fixture.PublishAsync(TestModules.Views(), "query-view-update");
        using var conn = Via(DbConnection.Builder(), db).Build();
        Ticks.Until(conn, () => conn.IsActive, "the connection");
        var handle = conn.SubscriptionBuilder().Subscribe(["SELECT * FROM all_players"]);
        Ticks.Until(conn, () => handle.IsActive, "the subscription");
        var log = new List<string>();
        conn.Db.AllPlayers.OnInsert += (_, p) => log.Add($"insert {p.Name} {p.Score}");
        conn.Db.AllPlayers.OnUpdate += (_, old, p) => log.Add($"update {p.Name} {old.Score}->{p.Score}");
        conn.Db.AllPlayers.OnDelete += (_, p) => log.Add($"delete {p.Name} {p.Score}");

        Ticks.Await(conn, conn.Reducers.JoinGame("ann", 1), "ann joins");
        Ticks.Until(conn, () => conn.Db.AllPlayers.Count == 1, "ann in the view");
        var id = conn.Db.AllPlayers.Iter().Single().Id;
        Ticks.Await(conn, conn.Reducers.SetScore(id, 40), "ann scores");
        Ticks.Until(conn, () => log.Count >= 2, "the change in the view");

        Assert.Equal(["insert ann 0", "update ann 0->40"], log);
        Assert.Equal(40ul, conn.Db.AllPlayers.Iter().Single().Score);
    }
}
