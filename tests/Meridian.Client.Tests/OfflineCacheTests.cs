using Meridian.Golden.Leaderboard;

namespace Meridian.Client.Tests;

/// <summary>The persisted offline cache (a SQLite file): rows and queued calls kept across runs of the app.</summary>
public abstract class OfflineCacheTests(ClientFixture fixture, TransportKind transport) : TransportTests(fixture, transport), IDisposable
{
    public sealed class OverWebSocket(ClientFixture fixture) : OfflineCacheTests(fixture, TransportKind.WebSocket);

    public sealed class InProcess(ClientFixture fixture) : OfflineCacheTests(fixture, TransportKind.InProcess);

    private readonly string _dir = Directory.CreateTempSubdirectory("meridian-offline-").FullName;

    private string CachePath => Path.Combine(_dir, "cache.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Rows_load_before_the_server_answers_calls_queue_across_runs_and_the_next_run_reconciles()
    {
        var db = await Fixture.PublishAsync(TestModules.Leaderboard(), "leaderboard");
        await using var proxy = StartOutage();
        using var writer = Via(DbConnection.Builder(), db).Build();
        Ticks.Until(writer, () => writer.IsActive, "the writer");
        Ticks.Await(writer, writer.Reducers.Seed(1, 4), "seed");

        // First run: online; the subscribed rows are stored as they arrive and change.
        using (var first = proxy.Connect(DbConnection.Builder(), db).WithOfflineCache(CachePath).Build())
        {
            var handle = first.SubscriptionBuilder().Subscribe("SELECT * FROM player");
            Ticks.Until(first, () => handle.IsActive, "the first run's subscription");
            Ticks.Await(first, first.Reducers.SetScore(2, "two", 22), "an update");
        }

        // Second run: the server is unreachable; the rows are there at once, and a call queues in the file.
        proxy.Down = true;
        using (var second = proxy.Connect(DbConnection.Builder(), db).WithOfflineCache(CachePath)
            .WithAutomaticReconnect(ReconnectTests.Fast).Build())
        {
            Assert.Equal(4, second.Db.Player.Count);
            Assert.Equal("two", second.Db.Player.Id.Find(2)!.Name);
            Assert.Equal([1ul, 2, 3, 4], second.Db.Player.Score.Filter(22).Select(p => p.Id).Concat(
                second.Db.Player.Iter().Where(p => p.Score != 22).Select(p => p.Id)).Order().ToList());
            Ticks.Until(second, () => second.State == ConnectionState.Reconnecting, "Reconnecting");
            Assert.Equal(4, second.Db.Player.Count);
            var queued = second.Reducers.SetScore(9, "made offline", 9);
            Assert.Equal("set_score", Assert.Single(second.QueuedCalls).ReducerName);
            second.Disconnect();
            Ticks.Until(second, () => queued.IsCompleted, "the queued call's task");
            Assert.Contains("offline cache", Assert.IsType<Status.InternalError>((await queued).Status).Reason, StringComparison.Ordinal);
        }

        // Meanwhile another client changes rows.
        Ticks.Await(writer, writer.Reducers.SetScore(1, "one", 11), "a change while away");
        Ticks.Await(writer, writer.Reducers.RemovePlayer(4), "a delete while away");

        // Third run: online again; the stored call is sent, and the callbacks report only what changed.
        proxy.Down = false;
        var results = new List<QueuedCallResult>();
        using (var third = proxy.Connect(DbConnection.Builder(), db).WithOfflineCache(CachePath)
            .OnQueuedCallResult((_, r) => results.Add(r)).Build())
        {
            Assert.Equal(4, third.Db.Player.Count);
            var log = ReconnectTests.Log(third);
            var handle = third.SubscriptionBuilder().Subscribe("SELECT * FROM player");
            // Player 4, gone from the server, stays until the grace for later subscriptions to claim stored rows has passed.
            Ticks.Until(
                third,
                () => handle.IsActive && results.Count == 1 && third.Db.Player.Id.Find(9) is not null && third.Db.Player.Id.Find(4) is null,
                "the reconciliation and the call");
            var result = Assert.Single(results);
            Assert.Equal(QueuedCallOutcome.Committed, result.Outcome);
            Assert.Equal("set_score", result.Call.ReducerName);
            Assert.Null(result.Call.ArgsObject);
            Assert.Equal([1ul, 2, 3, 9], third.Db.Player.Iter().Select(p => p.Id).Order().ToList());
            Assert.Equal(3, log.Count);
            Assert.Contains("reconciled update 1 1->11", log);
            Assert.Contains("reconciled delete 4", log);
            Assert.Single(log, l => l.EndsWith("insert 9", StringComparison.Ordinal));
            Assert.Equal(11ul, third.Db.Player.Id.Find(1)!.Score);
        }

        // The file holds the rows as the third run left them, and no calls.
        using var store = new SqliteOfflineStore(CachePath);
        Assert.Empty(store.LoadCalls());
        var stored = store.LoadRows();
        Assert.All(stored, r => Assert.Equal(("player", 1), (r.Table, r.Count)));
        Assert.Equal(
            [1ul, 2, 3, 9],
            stored.Select(r => BsatnCodec.Decode(r.Row.Span, Meridian.Golden.Leaderboard.Player.ReadBsatn).Id).Order().ToList());
    }

    [Fact]
    public async Task A_subscription_made_later_reconciles_its_stored_rows_exactly()
    {
        var db = await Fixture.PublishAsync(TestModules.Leaderboard(), "leaderboard");
        using var writer = Via(DbConnection.Builder(), db).Build();
        Ticks.Until(writer, () => writer.IsActive, "the writer");
        Ticks.Await(writer, writer.Reducers.Seed(1, 4), "seed");

        // First run: two overlapping subscriptions (player 2 is in both), stored as they arrive.
        using (var first = Via(DbConnection.Builder(), db).WithOfflineCache(CachePath).Build())
        {
            var low = first.SubscriptionBuilder().Subscribe("SELECT * FROM player WHERE id <= 2");
            var high = first.SubscriptionBuilder().Subscribe("SELECT * FROM player WHERE id >= 2");
            Ticks.Until(first, () => low.IsActive && high.IsActive, "the first run's subscriptions");
            Assert.Equal(4, first.Db.Player.Count);
        }

        // Meanwhile: a row of each subscription changes, and one of the second goes.
        Ticks.Await(writer, writer.Reducers.SetScore(1, "one", 11), "a change under the first subscription");
        Ticks.Await(writer, writer.Reducers.SetScore(3, "three", 33), "a change under the second subscription");
        Ticks.Await(writer, writer.Reducers.RemovePlayer(4), "a delete under the second subscription");

        // Second run: the second subscription is made only when the first has its rows; the rows it holds
        // were not the first's, yet only what changed reaches the callbacks.
        using var second = Via(DbConnection.Builder(), db).WithOfflineCache(CachePath)
            .WithStoredRowsGrace(TimeSpan.FromMilliseconds(200)).Build();
        Assert.Equal(4, second.Db.Player.Count);
        var log = ReconnectTests.Log(second);
        SubscriptionHandle<SubscriptionEventContext, ErrorContext>? later = null;
        var low2 = second.SubscriptionBuilder()
            .OnApplied(_ => later = second.SubscriptionBuilder().Subscribe("SELECT * FROM player WHERE id >= 2"))
            .Subscribe("SELECT * FROM player WHERE id <= 2");
        Ticks.Until(second, () => later is { IsActive: true } && second.Db.Player.Id.Find(4) is null, "both subscriptions and the grace");
        Assert.Equal(["reconciled delete 4", "reconciled update 1 1->11", "reconciled update 3 3->33"], log.Order().ToList());
        Assert.Equal([1ul, 2, 3], second.Db.Player.Iter().Select(p => p.Id).Order().ToList());
        var counts = second.CachedRows("player")
            .ToDictionary(r => BsatnCodec.Decode(r.Row.Span, Player.ReadBsatn).Id, r => r.Count);
        Assert.Equal(new Dictionary<ulong, int> { [1] = 1, [2] = 2, [3] = 1 }, counts);

        // Live again: both subscriptions hold player 2, so it goes only when both drop it.
        later!.Unsubscribe();
        Ticks.Until(second, () => later.IsEnded, "the unsubscribe");
        Assert.Equal(4, log.Count);
        Assert.Equal("UnsubscribeApplied delete 3", log[^1]);
        Assert.Equal(1, second.CachedRows("player").Count(r => BsatnCodec.Decode(r.Row.Span, Player.ReadBsatn).Id == 2));
        Assert.True(low2.IsActive);
        Assert.Equal([1ul, 2], second.Db.Player.Iter().Select(p => p.Id).Order().ToList());
    }

    [Fact]
    public async Task A_subscription_made_after_a_reconnect_adds_only_the_rows_it_brings()
    {
        var db = await Fixture.PublishAsync(TestModules.Leaderboard(), "leaderboard");
        await using var proxy = StartOutage();
        using var writer = Via(DbConnection.Builder(), db).Build();
        Ticks.Until(writer, () => writer.IsActive, "the writer");
        Ticks.Await(writer, writer.Reducers.Seed(1, 4), "seed");
        using var conn = proxy.Connect(DbConnection.Builder(), db).WithAutomaticReconnect(ReconnectTests.Fast).Build();
        var low = conn.SubscriptionBuilder().Subscribe("SELECT * FROM player WHERE id <= 2");
        Ticks.Until(conn, () => low.IsActive, "the first subscription");
        var log = ReconnectTests.Log(conn);

        proxy.DropAll();
        Ticks.Until(conn, () => conn.State == ConnectionState.Reconnecting, "Reconnecting");
        Ticks.Await(writer, writer.Reducers.SetScore(2, "two", 22), "a change while away");
        Ticks.Until(conn, () => conn.IsActive && conn.Db.Player.Id.Find(2)!.Score == 22, "the reconnect");
        Assert.Equal(["reconciled update 2 2->22"], log);

        var high = conn.SubscriptionBuilder().Subscribe("SELECT * FROM player WHERE id >= 2");
        Ticks.Until(conn, () => high.IsActive, "the later subscription");
        Assert.Equal(["reconciled update 2 2->22", "applied insert 3", "applied insert 4"], log);
        // Player 2 is held by both subscriptions; the others by one.
        var counts = conn.CachedRows("player").ToDictionary(r => BsatnCodec.Decode(r.Row.Span, Player.ReadBsatn).Id, r => r.Count);
        Assert.Equal(new Dictionary<ulong, int> { [1] = 1, [2] = 2, [3] = 1, [4] = 1 }, counts);
    }

    [Fact]
    public async Task A_file_of_another_database_is_refused_and_left_unchanged()
    {
        var db = await Fixture.PublishAsync(TestModules.Leaderboard(), "leaderboard");
        using (var first = Via(DbConnection.Builder(), db).WithOfflineCache(CachePath).Build())
        {
            var handle = first.SubscriptionBuilder().Subscribe("SELECT * FROM player");
            Ticks.Await(first, first.Reducers.Seed(1, 2), "seed");
            Ticks.Until(first, () => handle.IsActive && first.Db.Player.Count == 2, "the rows");
        }
        var error = Assert.Throws<InvalidOperationException>(() =>
            Via(DbConnection.Builder(), "another").WithOfflineCache(CachePath).Build());
        Assert.Contains(db, error.Message, StringComparison.Ordinal);
        Assert.Contains("another", error.Message, StringComparison.Ordinal);
        using var store = new SqliteOfflineStore(CachePath);
        Assert.Equal(2, store.LoadRows().Count);
    }
}
