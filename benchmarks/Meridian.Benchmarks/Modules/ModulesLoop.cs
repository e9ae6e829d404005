using System.Diagnostics;
using Meridian.Benchmarks.Harness;
using Meridian.Sats.Bsatn;

namespace Meridian.Benchmarks.Modules;

/// <summary>
/// The <c>modules-loop</c> suite: each call path of the <c>modules</c> suite (async-fsync log on disk) run alone for <c>--seconds</c> (default 5),
/// for a profiler to attach to and for before/after comparisons on a loaded machine. Besides wall time it prints what
/// load does not inflate as much: process CPU time, the calling thread's CPU time, bytes allocated by every thread, and
/// context switches of every thread, per call. Returns no table rows.
/// </summary>
public static class ModulesLoop
{
    /// <summary>Runs the loops and prints one line each.</summary>
    public static IReadOnlyList<BenchmarkResult> Run(BenchmarkOptions options)
    {
        var seconds = TimeSpan.FromSeconds(options.Seconds ?? 5);
        var only = Environment.GetEnvironmentVariable("MERIDIAN_LOOP_CASE");
        var image = ModulesSuite.ModuleImage();
        using var dir = new ModulesSuite.TempDir();
        using var db = ModulesSuite.Open(image, TimeSpan.FromSeconds(10), System.IO.Path.Combine(dir.Path, "bank"));
        using var storageOnly = ModulesSuite.Open(image, null, System.IO.Path.Combine(dir.Path, "storage"));
        var next = 0UL;
        byte[] TransferArgs()
        {
            next++;
            var w = new BsatnWriter(24);
            w.WriteU64((next % ModulesSuite.Accounts) + 1);
            w.WriteU64(((next + 1) % ModulesSuite.Accounts) + 1);
            w.WriteU64(1);
            return w.ToArray();
        }
        var cases = new (string Name, Action Op, int OpsPerCall)[]
        {
            ("noop-awaited", () => db.Call("noop", []), 1),
            ("transfer-awaited", () => db.Call("transfer", TransferArgs()), 1),
            ("transfer-inflight", () => db.CallMany("transfer", ModulesSuite.InFlight, TransferArgs), ModulesSuite.InFlight),
            // The same transfer on the storage alone (no module, no runtime): how much of a call is storage's.
            ("transfer-storage", () => storageOnly.StorageTransfer(next, TransferArgs()), 1),
        };
        Console.Error.WriteLine($"{"case",-18} {"calls",10} {"wall ns",9} {"cpu ns",9} {"thr ns",9} {"B/call",8} {"ctxsw",7} {"gen0",6}");
        foreach (var (name, op, opsPerCall) in cases)
        {
            if (only is not null && only != name)
                continue;
            Loop(op, TimeSpan.FromSeconds(1));
            var process = Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            var bytes = GC.GetTotalAllocatedBytes(precise: true);
            var switches = ContextSwitches();
            var gen0 = GC.CollectionCount(0);
            var threadCpu = ThreadCpuNanoseconds();
            var start = Stopwatch.GetTimestamp();
            var calls = Loop(op, seconds) * opsPerCall;
            var wall = Stopwatch.GetElapsedTime(start);
            var threadCpuUsed = ThreadCpuNanoseconds() - threadCpu;
            process.Refresh();
            var cpuUsed = process.TotalProcessorTime - cpu;
            Console.Error.WriteLine(
                $"{name,-18} {calls,10} {wall.TotalNanoseconds / calls,9:F0} {cpuUsed.TotalNanoseconds / calls,9:F0} {(double)threadCpuUsed / calls,9:F0} "
                + $"{(double)(GC.GetTotalAllocatedBytes(precise: true) - bytes) / calls,8:F0} {(double)(ContextSwitches() - switches) / calls,7:F2} "
                + $"{GC.CollectionCount(0) - gen0,6}");
        }
        return [];
    }

    private static long Loop(Action op, TimeSpan duration)
    {
        var stopwatch = Stopwatch.StartNew();
        long calls = 0;
        while (stopwatch.Elapsed < duration)
        {
            for (var i = 0; i < 64; i++)
                op();
            calls += 64;
        }
        return calls;
    }

    // CPU time of the calling thread alone (Linux; 0 elsewhere): the calls run inline on it, gen0 collections they trigger
    // run on it, and, unlike process CPU time, it does not count other threads spinning while they wait for a core on
    // a loaded machine. The log's thread (encoding, writes) is not in it.
    private static long ThreadCpuNanoseconds()
    {
        if (!OperatingSystem.IsLinux())
            return 0;
        return clock_gettime(ClockThreadCpuTime, out var t) == 0 ? (t.Seconds * 1_000_000_000L) + t.Nanoseconds : 0;
    }

    private const int ClockThreadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = false)]
    private static extern int clock_gettime(int clock, out TimeSpec time);

    // Voluntary and involuntary switches of every thread of this process (Linux; 0 elsewhere).
    private static long ContextSwitches()
    {
        long total = 0;
        if (!Directory.Exists("/proc/self/task"))
            return 0;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                {
                    if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal)
                        || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                        total += long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }
        return total;
    }
}
