using Meridian.Golden.Leaderboard;
using Xunit.Abstractions;

namespace Meridian.Client.Tests;

/// <summary>
/// Randomised: writers change the leaderboard concurrently while an observer with two overlapping
/// subscriptions follows; after quiescence the observer's cache (and the rows its callbacks
/// reported) equal what a fresh subscription receives. Prints its seed (docs/dev/testing.md).
/// </summary>
public abstract class ConsistencyTests(ClientFixture fixture, TransportKind transport, ITestOutputHelper output) : TransportTests(fixture, transport)
{
    public sealed class OverWebSocket(ClientFixture fixture, ITestOutputHelper output) : ConsistencyTests(fixture, TransportKind.WebSocket, output);

    public sealed class InProcess(ClientFixture fixture, ITestOutputHelper output) : ConsistencyTests(fixture, TransportKind.InProcess, output);

    private const ulong Marker = 1_000_000;

    [Fact]
    public async Task After_quiescence_the_cache_equals_a_fresh_subscription_under_concurrent_writers()
    {
        var seed = Environment.GetEnvironmentVariable("MERIDIAN_TEST_SEED") is { } s
            ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        output.WriteLine($"seed {seed} (replay with MERIDIAN_TEST_SEED={seed})");
        var db = await Fixture.PublishAsync(TestModules.Leaderboard(), "leaderboard");

        using var observer = Build(db, background: true);
        var model = new Dictionary<ulong, Player>();
        var callbackErrors = new List<string>();
        observer.Db.Player.OnInsert += (_, p) =>
        {
            if (!model.TryAdd(p.Id, p))
                callbackErrors.Add($"insert of {p.Id}, which the callbacks already hold");
        };
        observer.Db.Player.OnUpdate += (_, old, p) =>
        {
            if (!model.TryGetValue(old.Id, out var held) || !held.Equals(old))
                callbackErrors.Add($"update of {old.Id} from a row the callbacks do not hold");
            model[p.Id] = p;
        };
        observer.Db.Player.OnDelete += (_, p) =>
        {
            if (!model.Remove(p.Id))
                callbackErrors.Add($"delete of {p.Id}, which the callbacks do not hold");
        };
        var all = observer.SubscriptionBuilder().Subscribe("SELECT * FROM player");
        var high = observer.SubscriptionBuilder().Subscribe("SELECT * FROM player WHERE score > 50");
        Ticks.Background(observer, () => all.IsActive && high.IsActive, "the observer's subscriptions");

        const int writers = 4;
        const int callsPerWriter = 60;
        var writerConnections = Enumerable.Range(0, writers).Select(_ => Build(db, background: true)).ToList();
        try
        {
            var random = new Random(seed);
            var plans = writerConnections.Select(_ => Enumerable.Range(0, callsPerWriter)
                .Select(_ => (Kind: random.Next(4), Id: (ulong)random.Next(1, 25), Score: (ulong)random.Next(0, 100)))
                .ToList()).ToList();
            await Task.WhenAll(writerConnections.Select(async (conn, w) =>
            {
                foreach (var (kind, id, score) in plans[w])
                {
                    var result = kind == 0
                        ? await conn.Reducers.RemovePlayer(id)
                        : await conn.Reducers.SetScore(id, $"w{w}", score);
                    Assert.True(result.IsCommitted, $"{result.ReducerName}: {result.Status}");
                }
            }));

            // Every write has committed; a last one marks the end of the stream the observer follows.
            Assert.True((await writerConnections[0].Reducers.SetScore(Marker, "marker", 0)).IsCommitted);
        }
        finally
        {
            foreach (var conn in writerConnections)
                conn.Dispose();
        }
        Ticks.Background(observer, () => observer.Db.Player.Id.Find(Marker) is not null, "the marker row");

        using var fresh = Build(db, background: false);
        var freshAll = fresh.SubscriptionBuilder().Subscribe("SELECT * FROM player");
        Ticks.Until(fresh, () => freshAll.IsActive, "the fresh subscription");

        var expected = Rows(fresh).OrderBy(p => p.Id).ToList();
        lock (observer.SyncRoot)
        {
            Assert.Empty(callbackErrors);
            Assert.Equal(expected, Rows(observer).OrderBy(p => p.Id).ToList());
            Assert.Equal(expected, model.Values.OrderBy(p => p.Id).ToList());
            // Each row is counted once per subscription that holds it.
            foreach (var (bytes, count) in observer.CachedRows("player"))
            {
                var row = BsatnCodec.Decode(bytes.Span, Player.ReadBsatn);
                Assert.Equal(row.Score > 50 ? 2 : 1, count);
            }
        }
        output.WriteLine($"{expected.Count} rows after {writers * callsPerWriter} concurrent calls");
    }

    private static IEnumerable<Player> Rows(DbConnection conn) => conn.Db.Player.Iter();

    private DbConnection Build(string db, bool background)
    {
        var builder = Via(DbConnection.Builder(), db);
        if (background)
            builder.WithBackgroundProcessing();
        return builder.Build();
    }
}
