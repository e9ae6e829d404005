using Meridian.Client.Dynamic;
using Meridian.Runtime.Execution;
using Meridian.Sats;
using Meridian.Sats.Bsatn;

namespace Meridian.Client.Tests;

/// <summary>
/// A connected client across a manual migration ([Migration], tests/Modules/MigrateManual over MigrateV1):
/// the migration drops the log table, so it breaks clients; the client is told why, and a new
/// connection with the new schema sees the rows the migration wrote.
/// </summary>
public abstract class ManualMigrationClientTests(ClientFixture fixture, TransportKind transport) : TransportTests(fixture, transport)
{
    public sealed class OverWebSocket(ClientFixture fixture) : ManualMigrationClientTests(fixture, TransportKind.WebSocket);

    public sealed class InProcess(ClientFixture fixture) : ManualMigrationClientTests(fixture, TransportKind.InProcess);

    private static readonly Identity Owner = Identity.FromClaims("localhost", "migration-owner");

    private async Task<DynamicDbConnection> ConnectAsync(string db, List<string> disconnects)
    {
        using var http = new HttpClient();
        var schema = await DatabaseSchema.FetchAsync(http, Fixture.Uri, db);
        var conn = Via(DynamicDbConnection.Builder(schema), db).WithBackgroundProcessing()
            .OnDisconnect((_, e) =>
            {
                lock (disconnects)
                    disconnects.Add(e?.Message ?? "(none)");
            })
            .Build();
        Ticks.Background(conn, () => conn.IsActive, "the connection");
        var handle = conn.SubscriptionBuilder().Subscribe("SELECT * FROM player");
        Ticks.Background(conn, () => handle.IsActive, "the subscription");
        return conn;
    }

    private static List<string> Players(DynamicDbConnection conn)
    {
        lock (conn.SyncRoot)
        {
            return conn.Table("player").Iter()
                .Select(r => string.Join(" ", r.Value.Elements.Select(v => v.Kind == Sats.Types.AlgebraicTypeTag.String ? v.AsString() : v.ToString())))
                .Order(StringComparer.Ordinal).ToList();
        }
    }

    [Fact]
    public async Task A_client_connected_across_a_manual_migration_is_told_why_and_reconnects_to_the_migrated_rows()
    {
        var registry = Fixture.Server.Server.Registry;
        var name = "manual-migration-" + Guid.NewGuid().ToString("N")[..8];
        var db = (await registry.PublishAsync(name, TestModules.Migration("MigrateV1"), Owner, clear: false)).Database;
        foreach (var (player, level) in new[] { ("ann", 1u), ("bob", 2u) })
        {
            var w = new BsatnWriter();
            w.WriteString(player);
            w.WriteU32(level);
            w.WriteString($"{player}@{player}.example");
            var call = await db.CallReducerAsync("add_player", w.ToArray(), Owner, ConnectionId.Random());
            Assert.True(call.Status == ReducerStatus.Committed, call.Error);
        }

        var disconnects = new List<string>();
        using var before = await ConnectAsync(name, disconnects);
        Assert.Equal(["id", "name", "level", "email"], before.Table("player").Schema.ColumnNames);
        Assert.Equal(["1 ann 1 ann@ann.example", "2 bob 2 bob@bob.example"], Players(before));

        var breakClients = new Meridian.Runtime.MigrationOptions { BreakClients = true };
        await registry.PublishAsync(name, TestModules.Migration("MigrateManual"), Owner, clear: false, breakClients);

        Ticks.Background(before, () => !before.IsActive, "the client-breaking migration to disconnect the client");
        var reason = Assert.Single(disconnects);
        Assert.Contains("client-breaking", reason, StringComparison.Ordinal);
        // The old connection's cache keeps the rows it had; nothing half-migrated reached it.
        Assert.Equal(["1 ann 1 ann@ann.example", "2 bob 2 bob@bob.example"], Players(before));

        using var after = await ConnectAsync(name, []);
        Assert.Equal(["id", "name", "level", "domain"], after.Table("player").Schema.ColumnNames);
        Assert.Equal(["1 ann 10 ann.example", "2 bob 20 bob.example"], Players(after));
        Assert.Contains(after.Schema.Tables, t => t.Name == "journal");
        Assert.DoesNotContain(after.Schema.Tables, t => t.Name == "log");
    }
}
