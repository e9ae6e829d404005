using Meridian.Golden.Chat;

namespace Meridian.Client.Tests;

/// <summary>
/// Reconciliation of a table without a primary key (chat's <c>message</c>): cached rows match fresh rows by their whole value, counted
/// per subscription that holds them, so only rows really inserted or deleted while away make callbacks.
/// </summary>
public abstract class NoPrimaryKeyReconnectTests(ClientFixture fixture, TransportKind transport) : TransportTests(fixture, transport), IDisposable
{
    public sealed class OverWebSocket(ClientFixture fixture) : NoPrimaryKeyReconnectTests(fixture, TransportKind.WebSocket);

    public sealed class InProcess(ClientFixture fixture) : NoPrimaryKeyReconnectTests(fixture, TransportKind.InProcess);

    private readonly string _dir = Directory.CreateTempSubdirectory("meridian-nopk-").FullName;

    private string CachePath => Path.Combine(_dir, "cache.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs DML as the database's owner (the chat module has no reducer that deletes a message).</summary>
    private async Task SqlAsync(string db, string sql)
    {
        var response = await Fixture.Server.SendAsync(HttpMethod.Post, $"/v1/database/{db}/sql", Fixture.OwnerToken, new StringContent(sql));
        Assert.True(response.IsSuccessStatusCode, $"{sql}: {await response.Content.ReadAsStringAsync()}");
    }

    private Task InsertAsync(string db, long sent, string text) =>
        SqlAsync(db, $"INSERT INTO message (sender, sent, text) VALUES (0x01, {sent}, '{text}')");

    private static string Kind(EventContext ctx) => ctx.Event switch
    {
        Event.Reconciled => "reconciled",
        Event.Transaction => "transaction",
        _ => ctx.Event.GetType().Name,
    };

    private static List<string> Log(DbConnection conn)
    {
        var log = new List<string>();
        conn.Db.Message.OnInsert += (ctx, m) => log.Add($"{Kind(ctx)} insert {m.Text}@{m.Sent.MicrosecondsSinceUnixEpoch}");
        conn.Db.Message.OnDelete += (ctx, m) => log.Add($"{Kind(ctx)} delete {m.Text}@{m.Sent.MicrosecondsSinceUnixEpoch}");
        conn.Db.Message.OnUpdate += (ctx, old, m) => log.Add($"{Kind(ctx)} update {old.Text}->{m.Text}");
        return log;
    }

    private static List<string> Rows(DbConnection conn) =>
        conn.Db.Message.Iter().Select(m => $"{m.Text}@{m.Sent.MicrosecondsSinceUnixEpoch}").Order(StringComparer.Ordinal).ToList();

    /// <summary>The number of subscriptions holding each cached row, by text.</summary>
    private static List<int> Counts(DbConnection conn) =>
        conn.CachedRows("message").OrderBy(r => Decode(r.Row).Text, StringComparer.Ordinal).Select(r => r.Count).ToList();

    private static Message Decode(ReadOnlyMemory<byte> bytes)
    {
        var reader = new Meridian.Sats.Bsatn.BsatnReader(bytes.Span);
        return Message.ReadBsatn(ref reader);
    }

    [Fact]
    public async Task Unchanged_rows_make_no_callbacks_and_only_rows_inserted_or_deleted_while_away_do()
    {
        var db = await Fixture.PublishAsync(TestModules.Chat(), "chat");
        foreach (var (sent, text) in new[] { (1L, "a"), (2L, "b"), (3L, "c"), (4L, "d") })
            await InsertAsync(db, sent, text);
        await using var proxy = StartOutage();
        using var conn = proxy.Connect(DbConnection.Builder(), db).WithAutomaticReconnect(ReconnectTests.Fast).Build();
        // Overlapping subscriptions: b and c are each held by two of them.
        var all = conn.SubscriptionBuilder().Subscribe("SELECT * FROM message");
        var onlyB = conn.SubscriptionBuilder().Subscribe("SELECT * FROM message WHERE text = 'b'");
        var onlyC = conn.SubscriptionBuilder().Subscribe("SELECT * FROM message WHERE text = 'c'");
        Ticks.Until(conn, () => all.IsActive && onlyB.IsActive && onlyC.IsActive, "the subscriptions");
        Assert.Equal([1, 2, 2, 1], Counts(conn));
        var log = Log(conn);

        // A reconnect with nothing changed makes no callback at all.
        proxy.DropAll();
        Ticks.Until(conn, () => conn.State == ConnectionState.Reconnecting, "Reconnecting");
        Ticks.Until(conn, () => conn.IsActive, "the reconnect with nothing changed");
        await InsertAsync(db, 100, "marker");
        Ticks.Until(conn, () => conn.Db.Message.Count == 5, "the marker");
        Assert.Single(log, l => l is "transaction insert marker@100" or "reconciled insert marker@100");
        Assert.Single(log);
        Assert.Equal([1, 2, 2, 1, 1], Counts(conn));
        log.Clear();

        // While away: c is deleted, e inserted, a replaced by a row with the same text (a different row: no key pairs them);
        // the subscription on b ends, so b loses one of its two holders but stays.
        proxy.Down = true;
        proxy.DropAll();
        Ticks.Until(conn, () => conn.State == ConnectionState.Reconnecting, "Reconnecting again");
        await SqlAsync(db, "DELETE FROM message WHERE text = 'c'");
        await SqlAsync(db, "DELETE FROM message WHERE text = 'a'");
        await InsertAsync(db, 5, "a");
        await InsertAsync(db, 6, "e");
        var ended = false;
        onlyB.UnsubscribeThen(_ => ended = true);
        Assert.Empty(log);
        proxy.Down = false;
        Ticks.Until(conn, () => conn.IsActive && ended, "the reconnect");

        Assert.Equal(["reconciled delete a@1", "reconciled delete c@3", "reconciled insert a@5", "reconciled insert e@6"],
            log.Order(StringComparer.Ordinal).ToList());
        Assert.Equal(["a@5", "b@2", "d@4", "e@6", "marker@100"], Rows(conn));
        Assert.Equal([1, 1, 1, 1, 1], Counts(conn));
        Assert.True(onlyC.IsActive);

        // Live again, and c's subscription holds a new c.
        log.Clear();
        await InsertAsync(db, 7, "c");
        Ticks.Until(conn, () => conn.Db.Message.Count == 6, "the live insert");
        Assert.Equal(["transaction insert c@7"], log);
        Assert.Equal([1, 1, 2, 1, 1, 1], Counts(conn));
    }

    [Fact]
    public async Task Rows_loaded_from_the_offline_cache_are_matched_by_value_and_a_row_held_twice_keeps_one_copy()
    {
        var db = await Fixture.PublishAsync(TestModules.Chat(), "chat");
        foreach (var (sent, text) in new[] { (1L, "a"), (2L, "b"), (3L, "c"), (4L, "d") })
            await InsertAsync(db, sent, text);

        // First run: b is held by two subscriptions, and stored so.
        using (var first = Via(DbConnection.Builder(), db).WithOfflineCache(CachePath).Build())
        {
            var all = first.SubscriptionBuilder().Subscribe("SELECT * FROM message");
            var onlyB = first.SubscriptionBuilder().Subscribe("SELECT * FROM message WHERE text = 'b'");
            Ticks.Until(first, () => all.IsActive && onlyB.IsActive, "the first run's subscriptions");
            Assert.Equal([1, 2, 1, 1], Counts(first));
        }

        // Meanwhile c goes and e comes.
        await SqlAsync(db, "DELETE FROM message WHERE text = 'c'");
        await InsertAsync(db, 6, "e");

        // Second run: only the subscription to every message; b loses its second holder but stays, without a callback.
        using var second = Via(DbConnection.Builder(), db).WithOfflineCache(CachePath)
            .WithStoredRowsGrace(TimeSpan.FromMilliseconds(200)).Build();
        Assert.Equal(["a@1", "b@2", "c@3", "d@4"], Rows(second));
        var log = Log(second);
        var handle = second.SubscriptionBuilder().Subscribe("SELECT * FROM message");
        Ticks.Until(second, () => handle.IsActive && second.Db.Message.Count == 4 && Rows(second).Contains("e@6"), "the subscription and the grace");
        Assert.Equal(["reconciled delete c@3", "reconciled insert e@6"], log.Order(StringComparer.Ordinal).ToList());
        Assert.Equal(["a@1", "b@2", "d@4", "e@6"], Rows(second));
        Assert.Equal([1, 1, 1, 1], Counts(second));
    }
}
