using Meridian.Benchmarks.Harness;
using Meridian.Runtime.Hosting;
using DurabilityMode = Meridian.Runtime.Hosting.Durability;

namespace Meridian.Benchmarks.Server;

/// <summary>
/// Suite <c>server</c> (issue 12): the keynote transfer workload (benchmarks.md §3) driven over loopback
/// WebSockets against a real Meridian server in this process (temporary data directory, fsync on), and the
/// same transfers against PostgreSQL in the same run; then fan-out of one commit to many subscribers.
/// </summary>
public static class ServerSuite
{
    private const string Suite = "server";
    private const int Accounts = 100_000;
    private const long InitialBalance = 1_000_000_000;
    private const int Connections = 64;
    private const int InFlight = 40;
    private const int FanOutClients = 1000;

    // Upstream's pairs (spec table, §3.2): index -> (from, to), for alpha 0 and 1.5.
    private static readonly (int Index, uint From, uint To)[] UniformCheck =
        [(0, 10615, 94127), (1, 93987, 23388), (2, 90458, 77833), (3, 27943, 34101), (156_250, 35907, 48131),
         (2_500_000, 96692, 35940), (5_000_000, 51429, 25072), (9_999_999, 47253, 15353)];

    private static readonly (int Index, uint From, uint To)[] ZipfCheck =
        [(0, 0, 157), (1, 150, 0), (2, 61, 11), (3, 0, 4), (156_250, 1, 33), (2_500_000, 0, 1), (5_000_000, 1, 6), (9_999_999, 4, 0)];

    /// <summary>
    /// The runtime setting for how long an idle thread-pool worker spins before it sleeps (docs/configuration.md, "Tuning:
    /// thread-pool spinning"); printed with the results, since it moves them. Set it for an A/B run with the environment
    /// variable <c>DOTNET_ThreadPool_UnfairSemaphoreSpinLimit</c>.
    /// </summary>
    private const string SpinLimitSetting = "System.Threading.ThreadPool.UnfairSemaphoreSpinLimit";

    /// <summary>Runs the suite.</summary>
    public static IReadOnlyList<BenchmarkResult> Run(BenchmarkOptions options) => RunAsync(options).GetAwaiter().GetResult();

    private static async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkOptions options)
    {
        var measure = TimeSpan.FromSeconds(options.Seconds ?? (options.Quick ? 2 : 10));
        var warmup = TimeSpan.FromSeconds(Math.Min(3, Math.Max(1, measure.TotalSeconds / 3)));
        var pairCount = options.Quick ? 1_000_000 : 10_000_000;
        var results = new List<BenchmarkResult>();
        var setup = options.ServerProcess ? "server in its own process" : "server in the load generator's process";
        Console.Error.WriteLine(
            $"  server: {measure.TotalSeconds:0.#} s measured after {warmup.TotalSeconds:0.#} s warm-up per run; {setup}; load average {LoadAverage()}; "
            + $"thread-pool spin limit {SpinLimit()}");
        bool Runs(string what) => options.Only is null || options.Only == what;
        // --only keynote: the one headline case (uniform, 64 x 40, sync fsync, confirmed reads), for profiles and A/B pairs.
        var keynoteOnly = options.Only == "keynote";

        var pairs = new Dictionary<double, TransferPairs>();
        foreach (var alpha in Runs("transfer") || Runs("postgres") ? new[] { 0.0, 1.5 } : keynoteOnly ? [0.0] : [])
        {
            pairs[alpha] = TransferPairs.Generate(pairCount, Accounts, alpha);
            Check(pairs[alpha], alpha == 0 ? UniformCheck : ZipfCheck, alpha);
        }

        // The baseline first: PostgreSQL, durable commits.
        var pg = new Dictionary<(double, int), TransferOutcome>();
        string? pgVersion = null;
        try
        {
            if (!Runs("postgres"))
                throw new InvalidOperationException("not asked for (--only)");
            await using var postgres = await PostgresBaseline.StartAsync(Connections, Accounts, InitialBalance).ConfigureAwait(false);
            pgVersion = await postgres.VersionAsync().ConfigureAwait(false);
            foreach (var (alpha, inflight) in new[] { (0.0, InFlight), (1.5, InFlight), (0.0, 1) })
            {
                var outcome = await postgres.RunAsync(pairs[alpha], Connections, inflight, warmup, measure).ConfigureAwait(false);
                pg[(alpha, inflight)] = outcome;
                Console.Error.WriteLine($"  server: PostgreSQL {pgVersion}, alpha {alpha}, {Connections} x {inflight}: {outcome}");
            }
        }
        catch (Exception e) when (e is InvalidOperationException or FileNotFoundException or Npgsql.NpgsqlException)
        {
            Console.Error.WriteLine($"  server: no PostgreSQL baseline: {e.Message}");
        }
        var pgName = pgVersion is null ? null
            : $"PostgreSQL {pgVersion.Split(' ')[0]}, stored function via Npgsql (multiplexing), synchronous_commit=on, same run";

        var meridian = new Dictionary<(DurabilityMode, double, bool, int), TransferOutcome>();
        foreach (var durability in new[] { DurabilityMode.Sync, DurabilityMode.Async })
        {
            if (!Runs("transfer") && ((!Runs("fanout") && !keynoteOnly) || durability != DurabilityMode.Sync))
                continue;
            await using var server = await KeynoteHost.StartAsync(options.ServerProcess, durability, Accounts, InitialBalance).ConfigureAwait(false);
            var runs = new List<(double Alpha, bool Confirmed, int InFlight)>();
            if (Runs("transfer"))
            {
                runs.AddRange([(0, true, InFlight), (0, false, InFlight), (1.5, true, InFlight), (1.5, false, InFlight)]);
                if (durability == DurabilityMode.Sync)
                    runs.Add((0, true, 1));
            }
            else if (keynoteOnly)
            {
                runs.Add((0, true, InFlight));
            }
            foreach (var (alpha, confirmed, inflight) in runs)
            {
                var outcome = await TransferLoad.RunAsync(server, pairs[alpha], Connections, inflight, confirmed, warmup, measure)
                    .ConfigureAwait(false);
                meridian[(durability, alpha, confirmed, inflight)] = outcome;
                Console.Error.WriteLine($"  server: Meridian {Describe(durability, confirmed)}, alpha {alpha}, {Connections} x {inflight}: {outcome}");
            }
            if (durability == DurabilityMode.Sync && Runs("fanout"))
            {
                var rounds = options.Quick ? 20 : 100;
                foreach (var confirmed in new[] { true, false })
                {
                    var f = await FanOut.RunAsync(server.Address, FanOutClients, 5, rounds, confirmed).ConfigureAwait(false);
                    Console.Error.WriteLine($"  server: fan-out to {FanOutClients} subscribers ({Describe(durability, confirmed)}): "
                        + $"p50 {f.P50Ms:F2} ms, p99 {f.P99Ms:F2} ms, max {f.MaxMs:F2} ms over {rounds} calls; first update p50 {f.FirstP50Ms:F2} ms; "
                        + $"{(options.ServerProcess ? "load generator" : "process")} CPU {f.LoadGeneratorCpuMicrosPerUpdate:F1} µs per update received");
                    var fan = $"fan-out: 1 call, {FanOutClients} subscribers of one query";
                    var how = $"{Describe(durability, confirmed)}; {setup}";
                    results.Add(BenchmarkResult.LowerIsBetter(Suite, $"{fan}, last update received, p99 ({how})", "ms", f.P99Ms, null, null, "< 20 ms"));
                    results.Add(BenchmarkResult.LowerIsBetter(Suite, $"{fan}, last update received, p50 ({how})", "ms", f.P50Ms, null, null, null));
                    results.Add(BenchmarkResult.LowerIsBetter(Suite, $"{fan}, first update received, p50 ({how})", "ms", f.FirstP50Ms, null, null, null));
                    if (options.ServerProcess)
                    {
                        results.Add(BenchmarkResult.LowerIsBetter(Suite, $"{fan}, load generator CPU per update received ({how})", "µs",
                            f.LoadGeneratorCpuMicrosPerUpdate, null, null, null));
                    }
                }
            }
        }
        Console.Error.WriteLine($"  server: load average at the end {LoadAverage()}");

        foreach (var ((durability, alpha, confirmed, inflight), m) in meridian)
        {
            var name = $"transfer, alpha {alpha}, {Connections} conn x {inflight} in flight, {Describe(durability, confirmed)}; {setup}";
            // PostgreSQL with durable commits is the baseline at equal durability: fsync on commit and confirmed reads.
            var equal = durability == DurabilityMode.Sync && confirmed;
            var b = equal && pg.TryGetValue((alpha, inflight), out var o) ? o : null;
            string? target = equal && inflight == InFlight ? ">= 50,000 tx/s and >= 5x PostgreSQL" : null;
            if (durability == DurabilityMode.Async)
            {
                var sync = meridian[(DurabilityMode.Sync, alpha, confirmed, inflight)];
                results.Add(BenchmarkResult.HigherIsBetter(
                    Suite, name, "tx/s", m.PerSecond, sync.PerSecond, "Meridian with sync fsync, same run", ">= 1x sync"));
            }
            else
            {
                results.Add(BenchmarkResult.HigherIsBetter(Suite, name, "tx/s", m.PerSecond, b?.PerSecond, b is null ? null : pgName, target));
            }
            results.Add(BenchmarkResult.LowerIsBetter(Suite, name + ", p50", "ms", m.P50Ms, b?.P50Ms, b is null ? null : pgName, null));
            results.Add(BenchmarkResult.LowerIsBetter(Suite, name + ", CPU per call (server + load generator)", "µs", m.CpuMicrosPerCall, null, null, null));
            results.Add(BenchmarkResult.LowerIsBetter(Suite, name + ", p99", "ms", m.P99Ms, b?.P99Ms, b is null ? null : pgName, null));
            if (m.ServerCpuMicrosPerCall is { } serverCpu)
                results.Add(BenchmarkResult.LowerIsBetter(Suite, name + ", server process CPU per call", "µs", serverCpu, null, null, null));
        }
        return results;
    }

    private static string Describe(DurabilityMode durability, bool confirmed) =>
        (durability == DurabilityMode.Sync ? "sync fsync" : "--async-fsync") + (confirmed ? ", confirmed reads" : ", confirmed reads off");

    private static void Check(TransferPairs pairs, (int Index, uint From, uint To)[] expected, double alpha)
    {
        foreach (var (index, from, to) in expected)
        {
            if (index >= pairs.Count)
                continue;
            if (pairs.From[index] != from || pairs.To[index] != to)
                throw new InvalidOperationException(
                    $"alpha {alpha}: pair {index} is ({pairs.From[index]}, {pairs.To[index]}), upstream's is ({from}, {to}): the sampler is wrong");
        }
    }

    // As the runtime reads it: the environment variable first, then the runtimeconfig / AppContext value, else 70.
    private static string SpinLimit() =>
        Environment.GetEnvironmentVariable("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit") is { } env ? env + " (environment)"
        : AppContext.GetData(SpinLimitSetting) is { } set ? set + " (runtimeconfig)"
        : "70 (the runtime's default)";

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
