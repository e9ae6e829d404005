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
            Ticks.Until(third, () => handle.IsActive && results.Count == 1 && third.Db.Player.Id.Find(9) is not null, "the reconciliation and the call");
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
