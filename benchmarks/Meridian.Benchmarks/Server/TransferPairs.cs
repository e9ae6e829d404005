namespace Meridian.Benchmarks.Server;

/// <summary>
/// The keynote workload's precomputed account pairs (benchmarks.md §3.2): upstream's mulberry32 with its
/// JavaScript number semantics (the state is a double that is never truncated), uniform or Zipf choice of
/// accounts, the second account re-drawn while it equals the first (at most 32 times).
/// </summary>
public sealed class TransferPairs
{
    /// <summary>Upstream's seed.</summary>
    public const uint Seed = 0x12345678;

    private TransferPairs(uint[] from, uint[] to)
    {
        From = from;
        To = to;
    }

    /// <summary>Source account of pair i.</summary>
    public uint[] From { get; }

    /// <summary>Destination account of pair i.</summary>
    public uint[] To { get; }

    /// <summary>How many pairs.</summary>
    public int Count => From.Length;

    /// <summary>Where worker <paramref name="worker"/> of <paramref name="workers"/> starts (upstream: k × floor(pairs / workers)).</summary>
    public int StartOf(int worker, int workers) => worker * (Count / workers);

    /// <summary>Computes <paramref name="count"/> pairs over <paramref name="accounts"/> accounts.</summary>
    public static TransferPairs Generate(int count, int accounts, double alpha)
    {
        var rng = new Mulberry32(Seed);
        var cdf = alpha > 0 ? ZipfCdf(accounts, alpha) : null;
        uint Sample()
        {
            var u = rng.Next();
            if (cdf is null)
                return (uint)Math.Floor(u * accounts);
            // The first i with cdf[i] >= u.
            int lo = 0, hi = cdf.Length - 1;
            while (lo < hi)
            {
                var mid = (lo + hi) >> 1;
                if (cdf[mid] >= u)
                    hi = mid;
                else
                    lo = mid + 1;
            }
            return (uint)lo;
        }
        var from = new uint[count];
        var to = new uint[count];
        for (var i = 0; i < count; i++)
        {
            var a = Sample();
            var b = Sample();
            for (var redraw = 0; b == a && redraw < 32; redraw++)
                b = Sample();
            from[i] = a;
            to[i] = b;
        }
        return new TransferPairs(from, to);
    }

    // Weights 1/(i+1)^alpha normalised with Kahan-compensated sums; the last entry forced to 1.
    private static double[] ZipfCdf(int n, double alpha)
    {
        var weights = new double[n];
        double sum = 0, c = 0;
        for (var i = 0; i < n; i++)
        {
            weights[i] = 1 / Math.Pow(i + 1, alpha);
            var y = weights[i] - c;
            var t = sum + y;
            c = t - sum - y;
            sum = t;
        }
        var cdf = new double[n];
        double acc = 0;
        c = 0;
        for (var i = 0; i < n; i++)
        {
            var y = weights[i] / sum - c;
            var t = acc + y;
            c = t - acc - y;
            acc = t;
            cdf[i] = acc;
        }
        cdf[n - 1] = 1.0;
        return cdf;
    }

    /// <summary>mulberry32 exactly as upstream's JavaScript runs it: the state is a double, bit operations work modulo 2^32.</summary>
    public struct Mulberry32(uint seed)
    {
        private double _t = seed;

        /// <summary>The next value in [0, 1).</summary>
        public double Next()
        {
            _t += 0x6D2B79F5;
            // ToUint32 of an integer-valued double: its exact value modulo 2^32 (the state stays below 2^64 here).
            var t = (uint)(ulong)_t;
            var r = (t ^ (t >> 15)) * (t | 1);
            r ^= r + (r ^ (r >> 7)) * (r | 61);
            return (r ^ (r >> 14)) / 4294967296.0;
        }
    }
}
