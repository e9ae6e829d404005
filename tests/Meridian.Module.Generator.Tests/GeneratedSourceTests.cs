using Microsoft.CodeAnalysis;

namespace Meridian.Module.Generator.Tests;

public class GeneratedSourceTests
{
    // Set MERIDIAN_UPDATE_EXPECTED=1 to rewrite the expected files after an intended change, then review the diff.
    private static readonly bool Update = Environment.GetEnvironmentVariable("MERIDIAN_UPDATE_EXPECTED") == "1";

    private static string ExpectedDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Path.Combine(Path.GetDirectoryName(path)!, "Expected");

    [Fact]
    public void Fixture_generates_the_checked_in_sources()
    {
        var (_, sources, diagnostics) = GeneratorHarness.Run(GeneratorHarness.Fixture("Server.cs"));
        Assert.Empty(diagnostics);
        Assert.Equal(
            ["Module.g.cs", "Table.Fixture.Score.g.cs", "Table.Fixture.Tick.g.cs", "Type.Fixture.Point.g.cs", "Type.Fixture.Shape.g.cs"],
            sources.Keys.Order(StringComparer.Ordinal));
        var mismatches = new List<string>();
        foreach (var (hint, text) in sources)
        {
            var file = Path.Combine(ExpectedDirectory(), hint.Replace(".g.cs", ".expected.cs", StringComparison.Ordinal));
            if (Update)
                File.WriteAllText(file, text);
            else if (!File.Exists(file) || File.ReadAllText(file).ReplaceLineEndings("\n") != text.ReplaceLineEndings("\n"))
                mismatches.Add(hint);
        }
        Assert.True(
            mismatches.Count == 0,
            $"Generated source differs from Expected/ for: {string.Join(", ", mismatches)} (rerun with MERIDIAN_UPDATE_EXPECTED=1 and review the diff).");
    }

    [Fact]
    public void Fixture_with_generated_code_compiles_without_errors()
    {
        var (output, _, _) = GeneratorHarness.Run(GeneratorHarness.Fixture("Server.cs"));
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public void A_module_without_tables_or_reducers_gets_no_module_file()
    {
        var (_, sources, diagnostics) = GeneratorHarness.Run("[SpacetimeDB.Type] public partial struct P { public int X; }");
        Assert.Empty(diagnostics);
        Assert.Equal(["Type.P.g.cs"], sources.Keys);
    }
}
