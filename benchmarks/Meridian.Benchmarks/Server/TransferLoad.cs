using System.Diagnostics;

namespace Meridian.Benchmarks.Server;

/// <summary>What one run of the transfer workload measured.</summary>
/// <param name="CpuMicrosPerCall">
/// This process's CPU time per answered call (warm-up and drain included): for Meridian, server and load
/// generator together; a figure the other load on a shared machine changes far less than throughput.
/// With the server in a child process, both processes' CPU time.
/// </param>
/// <param name="ServerCpuMicrosPerCall">The server process's share of it, when it runs apart (<c>--server-process</c>).</param>
internal sealed record TransferOutcome(
    double PerSecond, double P50Ms, double P99Ms, long Completed, long Failed, double CpuShare, double CpuMicrosPerCall, double? ServerCpuMicrosPerCall)
{
    public override string ToString() =>
        $"{PerSecond:N0} tx/s, p50 {P50Ms:F2} ms, p99 {P99Ms:F2} ms ({Completed:N0} ok, {Failed:N0} failed; "
        + $"CPU {CpuShare:P0} of the machine, {CpuMicrosPerCall:F1} µs per call"
        + (ServerCpuMicrosPerCall is { } s ? $", of which the server process {s:F1} µs)" : ")");

    /// <summary>Aggregates the workers of one run.</summary>
    public static TransferOutcome From(IReadOnlyList<WorkerResult> workers, TimeSpan window, TimeSpan cpu, TimeSpan? serverCpu, TimeSpan wall)
    {
        var all = new List<int>(workers.Sum(w => w.LatenciesMicros.Count));
        foreach (var w in workers)
            all.AddRange(w.LatenciesMicros);
        all.Sort();
        double Pct(double p) => all.Count == 0 ? double.NaN : all[Math.Min(all.Count - 1, (int)(p * all.Count))] / 1000.0;
        var completed = workers.Sum(w => w.Completed);
        var answered = Math.Max(1, workers.Sum(w => w.Answered));
        var total = cpu + (serverCpu ?? TimeSpan.Zero);
        return new TransferOutcome(
            completed / window.TotalSeconds, Pct(0.50), Pct(0.99), completed, workers.Sum(w => w.Failed),
            total.TotalSeconds / wall.TotalSeconds / Environment.ProcessorCount, total.TotalMicroseconds / answered,
            serverCpu is { } s ? s.TotalMicroseconds / answered : null);
    }
}

/// <summary>Runs the transfer workload over Meridian connections: warm-up, then a measured window.</summary>
internal static class TransferLoad
{
    public static async Task<TransferOutcome> RunAsync(
        KeynoteHost host, TransferPairs pairs, int connections, int inflight, bool confirmedReads, TimeSpan warmup, TimeSpan measure)
    {
        var clients = new LoadConnection[connections];
        for (var i = 0; i < connections; i++)
            clients[i] = await LoadConnection.ConnectAsync(host.Address, KeynoteServer.DatabaseName, confirmedReads).ConfigureAwait(false);
        try
        {
            var start = Stopwatch.GetTimestamp() + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
            var end = start + (long)(measure.TotalSeconds * Stopwatch.Frequency);
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var serverBefore = host.ServerCpu();
            var wall = Stopwatch.StartNew();
            using var timeout = new CancellationTokenSource(warmup + measure + TimeSpan.FromSeconds(60));
            var tasks = new Task<WorkerResult>[connections];
            for (var i = 0; i < connections; i++)
            {
                var c = clients[i];
                var first = pairs.StartOf(i, connections);
                tasks[i] = Task.Run(() => c.RunTransfersAsync(pairs, first, inflight, (start, end), timeout.Token));
            }
            var results = await Task.WhenAll(tasks).ConfigureAwait(false);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            return TransferOutcome.From(results, measure, cpu, host.ServerCpu() - serverBefore, wall.Elapsed);
        }
        finally
        {
            foreach (var c in clients)
                await c.DisposeAsync().ConfigureAwait(false);
        }
    }
}
