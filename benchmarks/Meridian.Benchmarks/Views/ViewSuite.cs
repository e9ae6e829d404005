using System.Diagnostics;
using Meridian.Benchmarks.Harness;
using Meridian.Runtime;
using Meridian.Runtime.Execution;
using Meridian.Runtime.Logging;
using Meridian.Runtime.Modules;
using Meridian.Runtime.Subscriptions;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Storage;

namespace Meridian.Benchmarks.Views;

/// <summary>
/// The <c>views</c> suite (issue 8): what a view over a 100,000-row table costs per commit, through
/// the whole database (reducer, commit, pipeline, view maintenance), measured against the same commit
/// on an identical database where nobody subscribes to the view (samples interleaved). A commit that
/// touches no row the view read should cost the same as the baseline; one that does pays for re-running
/// the view and diffing its rows.
/// </summary>
public static class ViewSuite
{
    private const string Suite = "views";
    private const int Rows = 100_000;
    private const uint Teams = 3;
    private static readonly Identity Owner = Identity.FromClaims("localhost", "owner");

    /// <summary>Runs the suite.</summary>
    public static IReadOnlyList<BenchmarkResult> Run(BenchmarkOptions options)
    {
        var results = new List<BenchmarkResult>();
        var image = ModuleImage();
        using var subscribed = Open(image);
        using var plain = Open(image);
        // The caller whose my_player row is player id 2 (team 1), see seed_players.
        var caller = PlayerIdentity(1);
        var session = new NullSession(caller);
        Subscribe(subscribed, session, 1, "SELECT * FROM my_player", "SELECT * FROM team_one_players");

        // Player ids are 1-based in insertion order: id i+1 has team i % 3. Scores alternate so every commit changes a row.
        var score = 0UL;
        void Commit(Handle h, ulong id) => h.SetScore(id, ++score % 5000);

        // Team 2 rows: neither my_player (the caller's row) nor team_one_players (team 1) read them.
        Case(options, results, "commit to a row no per-row view read (team 2; my_player, team_one_players)", subscribed, plain,
            () => Commit(subscribed, 3), () => Commit(plain, 3), "my_player", "team_one_players", caller);
        // The caller's own row: my_player (one row) and team_one_players (33,334 rows) re-run and diff.
        Case(options, results, "commit to a row the views read (caller's row, team 1: 1 + 33,334 view rows)", subscribed, plain,
            () => Commit(subscribed, 2), () => Commit(plain, 2), "my_player", "team_one_players", caller);
        // A live aggregate (COUNT/SUM/MIN/MAX per team) reads the whole table: every player commit re-runs it.
        Subscribe(subscribed, session, 2, "SELECT * FROM team_stats");
        Case(options, results, "commit to any row under a live aggregate view (team_stats over 100,000 rows)", subscribed, plain,
            () => Commit(subscribed, 3), () => Commit(plain, 3), "my_player", "team_one_players", caller);
        return results;
    }

    private static void Subscribe(Handle h, NullSession session, uint set, params string[] queries)
    {
        h.Db.SubscribeAsync(session, set, set, queries).GetAwaiter().GetResult();
        if (session.Errors.Count > 0)
            throw new InvalidOperationException(string.Join("; ", session.Errors));
    }

    private static void Case(
        BenchmarkOptions options,
        List<BenchmarkResult> results,
        string name,
        Handle subscribed,
        Handle plain,
        Action withViews,
        Action without,
        string senderView,
        string anonymousView,
        Identity caller)
    {
        var before = Runs(subscribed, senderView, anonymousView, caller);
        var watch = Stopwatch.StartNew();
        var (meridian, baseline) = Measure.Compare(options, withViews, without);
        var after = Runs(subscribed, senderView, anonymousView, caller);
        Console.Error.WriteLine($"  views: {name}: view runs {senderView} +{after.Sender - before.Sender}, "
            + $"{anonymousView} +{after.Anonymous - before.Anonymous} ({watch.Elapsed.TotalSeconds:F1} s)");
        results.Add(BenchmarkResult.LowerIsBetter(Suite, name, "µs/commit", meridian.NanosPerOp / 1000, baseline.NanosPerOp / 1000,
            "same commit, view not subscribed", null));
    }

    private static (int Sender, int Anonymous) Runs(Handle h, string senderView, string anonymousView, Identity caller)
    {
        var runs = (0, 0);
        h.Db.RunOnPipelineForTests(m =>
                runs = (m.ViewRuns($"view {senderView} for {caller.ToHexString()}"), m.ViewRuns($"view {anonymousView}")))
            .GetAwaiter().GetResult();
        return runs;
    }

    private static Identity PlayerIdentity(uint i)
    {
        var bytes = new byte[32];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 4), i);
        bytes[31] = 0xEE;
        return Identity.FromLittleEndian(bytes);
    }

    private static Handle Open(byte[] image)
    {
        var module = LoadedModule.Load("views", image);
        var db = Database.OpenAsync(
                "views", Identity.FromClaims("localhost", "db"), Owner, Datastore.CreateInMemory(), module, new ModuleLog(null), runInit: true)
            .GetAwaiter().GetResult();
        var h = new Handle(db);
        var w = new BsatnWriter();
        w.WriteU32(Rows);
        w.WriteU32(Teams);
        h.Call("seed_players", w.ToArray());
        return h;
    }

    private static byte[] ModuleImage()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var bin = Path.Combine(dir.FullName, "tests", "Modules", "Views", "bin");
            if (!Directory.Exists(bin))
                continue;
            var dll = Directory.EnumerateFiles(bin, "Views.dll", SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
            if (dll is not null)
                return File.ReadAllBytes(dll);
        }
        throw new FileNotFoundException("tests/Modules/Views has not been built (the benchmark project builds it).");
    }

    private sealed class Handle(Database db) : IDisposable
    {
        public Database Db { get; } = db;

        public void Call(string reducer, byte[] args)
        {
            var result = Db.CallReducerAsync(reducer, args, Owner, ConnectionId.Random()).GetAwaiter().GetResult();
            if (result.Status != ReducerStatus.Committed)
                throw new InvalidOperationException($"{reducer}: {result.Error}");
        }

        public void SetScore(ulong id, ulong score)
        {
            var w = new BsatnWriter(16);
            w.WriteU64(id);
            w.WriteU64(score);
            Call("set_score", w.ToArray());
        }

        public void Dispose() => Db.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    // A subscriber that drops what it is sent (the benchmark measures the server side).
    private sealed class NullSession(Identity identity) : IClientSession
    {
        public List<string> Errors { get; } = [];

        public Identity Identity { get; } = identity;

        public ConnectionId ConnectionId { get; } = ConnectionId.Random();

        public void OnSubscribeApplied(uint requestId, uint querySetId, IReadOnlyList<TableRowsResult> rows, ulong? offset)
        {
        }

        public void OnUnsubscribeApplied(uint requestId, uint querySetId, IReadOnlyList<TableRowsResult>? rows, ulong? offset)
        {
        }

        public void OnSubscriptionError(uint? requestId, uint querySetId, string message) => Errors.Add(message);

        public void OnTransactionUpdate(ulong? offset, IReadOnlyList<QuerySetDelta> querySets)
        {
        }

        public void OnReducerResult(uint requestId, ReducerCallResult result)
        {
        }

        public void OnOneOffQueryResult(uint requestId, IReadOnlyList<TableRowsResult>? rows, string? error, ulong? offset)
        {
        }
    }
}
