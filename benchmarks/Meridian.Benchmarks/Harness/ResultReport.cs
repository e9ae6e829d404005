using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Meridian.Benchmarks.Harness;

/// <summary>Prints results as a markdown table and writes them as JSON.</summary>
public static class ResultReport
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>A markdown table of the results, with the machine they ran on.</summary>
    public static string ToMarkdown(IReadOnlyList<BenchmarkResult> results)
    {
        var sb = new StringBuilder();
        sb.AppendLine(
            CultureInfo.InvariantCulture,
            $"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, "
                + $"{RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}");
        sb.AppendLine();
        sb.AppendLine("| suite | case | unit | Meridian | baseline | baseline name | ratio (>1 = Meridian better) | target |");
        sb.AppendLine("|---|---|---|---:|---:|---|---:|---|");
        foreach (var r in results)
        {
            var baseline = r.Baseline is { } b ? Format(b) : "";
            var ratio = r.Ratio is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) + "x" : "";
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Suite} | {r.Case} | {r.Unit} | {Format(r.Meridian)} | {baseline} | {r.BaselineName} | {ratio} | {r.Target} |");
        }
        return sb.ToString();
    }

    /// <summary>Writes the results as a JSON array.</summary>
    public static void WriteJson(string path, IReadOnlyList<BenchmarkResult> results)
    {
        var json = JsonSerializer.Serialize(results, Indented);
        File.WriteAllText(path, json + Environment.NewLine);
    }

    private static string Format(double v) =>
        v >= 100 ? v.ToString("N0", CultureInfo.InvariantCulture) : v.ToString("0.###", CultureInfo.InvariantCulture);
}
