using System.Text.Json.Serialization;

namespace Meridian.Benchmarks.Harness;

/// <summary>
/// One measured case. <see cref="Ratio"/> &gt; 1 means Meridian is better than the baseline
/// (for "lower is better" units it is baseline / meridian).
/// </summary>
public sealed record BenchmarkResult(
    [property: JsonPropertyName("suite")] string Suite,
    [property: JsonPropertyName("case")] string Case,
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("meridian")] double Meridian,
    [property: JsonPropertyName("baseline")] double? Baseline,
    [property: JsonPropertyName("baseline_name")] string? BaselineName,
    [property: JsonPropertyName("ratio")] double? Ratio,
    [property: JsonPropertyName("target")] string? Target)
{
    /// <summary>A case where lower figures are better (time, bytes): ratio = baseline / meridian.</summary>
    public static BenchmarkResult LowerIsBetter(
        string suite, string name, string unit, double meridian, double? baseline, string? baselineName, string? target) =>
        new(suite, name, unit, meridian, baseline, baselineName, baseline is { } b && meridian > 0 ? b / meridian : null, target);

    /// <summary>A case where higher figures are better (throughput): ratio = meridian / baseline.</summary>
    public static BenchmarkResult HigherIsBetter(
        string suite, string name, string unit, double meridian, double? baseline, string? baselineName, string? target) =>
        new(suite, name, unit, meridian, baseline, baselineName, baseline is { } b && b > 0 ? meridian / b : null, target);
}
