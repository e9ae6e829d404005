using System.Diagnostics;

namespace Meridian.Benchmarks.Harness;

/// <summary>Times operations: warms up, calibrates a batch size, then takes the median of several samples.</summary>
public static class Measure
{
    /// <summary>A timing: median nanoseconds and allocated bytes per operation.</summary>
    public readonly record struct Timing(double NanosPerOp, double BytesPerOp);

    /// <summary>Median nanoseconds per call of <paramref name="op"/>, each call counting as <paramref name="opsPerCall"/> operations.</summary>
    public static Timing Run(BenchmarkOptions options, Action op, int opsPerCall = 1) =>
        Compare(options, op, null, opsPerCall).Meridian;

    /// <summary>
    /// Times <paramref name="meridian"/> and <paramref name="baseline"/> with their samples interleaved,
    /// so background load on a shared machine affects both sides alike.
    /// </summary>
    public static (Timing Meridian, Timing Baseline) Compare(BenchmarkOptions options, Action meridian, Action? baseline, int opsPerCall = 1)
    {
        var a = new Sampler(meridian, options, opsPerCall);
        var b = baseline is null ? null : new Sampler(baseline, options, opsPerCall);
        for (var s = 0; s < options.Samples; s++)
        {
            a.Sample();
            b?.Sample();
        }
        return (a.Result(), b?.Result() ?? default);
    }

    private sealed class Sampler
    {
        private readonly Action _op;
        private readonly int _opsPerCall;
        private readonly List<double> _samples = [];
        private readonly int _batch;
        private long _allocated;
        private long _calls;

        public Sampler(Action op, BenchmarkOptions options, int opsPerCall)
        {
            _op = op;
            _opsPerCall = opsPerCall;

            // Warm up long enough for tiered JIT to reach optimised code, then calibrate a batch
            // that takes about one sample time.
            var warmup = Stopwatch.StartNew();
            long warmCalls = 0;
            while (warmup.Elapsed < options.WarmupTime || warmCalls < 2)
            {
                op();
                warmCalls++;
            }
            var perCall = warmup.Elapsed.TotalSeconds / warmCalls;
            _batch = Math.Max(1, (int)Math.Min(1 << 28, options.SampleTime.TotalSeconds / perCall));
        }

        public void Sample()
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < _batch; i++)
                _op();
            var elapsed = Stopwatch.GetElapsedTime(start);
            _allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            _calls += _batch;
            _samples.Add(elapsed.TotalNanoseconds / _batch / _opsPerCall);
        }

        public Timing Result()
        {
            _samples.Sort();
            return new Timing(_samples[_samples.Count / 2], (double)_allocated / _calls / _opsPerCall);
        }
    }
}
