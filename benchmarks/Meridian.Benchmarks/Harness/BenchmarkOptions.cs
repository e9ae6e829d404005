namespace Meridian.Benchmarks.Harness;

/// <summary>Command-line options shared by every suite.</summary>
/// <param name="Quick">Short runs (<c>--quick</c>).</param>
/// <param name="JsonPath">Where to write the results as JSON (<c>--json FILE</c>).</param>
/// <param name="Seconds">Measured seconds per run for suites that run a load (<c>--seconds N</c>); null: the suite's default.</param>
/// <param name="ServerProcess">Suite server: the server runs in a child process (<c>--server-process</c>).</param>
/// <param name="Only">Suite server: only these runs (<c>--only postgres|transfer|fanout</c>); null: all.</param>
public sealed record BenchmarkOptions(bool Quick, string? JsonPath, double? Seconds = null, bool ServerProcess = false, string? Only = null)
{
    /// <summary>Samples taken per case: fewer in quick mode so a suite ends within a minute.</summary>
    public int Samples => Quick ? 5 : 15;

    /// <summary>Target duration of one sample.</summary>
    public TimeSpan SampleTime => Quick ? TimeSpan.FromMilliseconds(20) : TimeSpan.FromMilliseconds(100);

    /// <summary>Minimum time an operation runs before it is measured (tiered JIT needs a few hundred ms).</summary>
    public TimeSpan WarmupTime => Quick ? TimeSpan.FromMilliseconds(300) : TimeSpan.FromMilliseconds(1000);
}
