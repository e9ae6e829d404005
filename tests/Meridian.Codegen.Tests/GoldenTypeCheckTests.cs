using System.Text.Json;
using System.Text.RegularExpressions;

namespace Meridian.Codegen.Tests;

/// <summary>
/// The golden TypeScript bindings are type-checked with <c>tsc --strict</c> by the TypeScript
/// end-to-end run (tests/e2e-typescript/run.sh, which ./test.sh and CI run) through
/// tests/e2e-typescript/tsconfig.golden.json. This keeps that chain from losing a module.
/// </summary>
public class GoldenTypeCheckTests
{
    private static string E2eDirectory() => Path.Combine(GoldenTests.SourceDirectory(), "..", "e2e-typescript");

    [Fact]
    public void Every_golden_typescript_module_is_in_the_strict_golden_tsconfig()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(E2eDirectory(), "tsconfig.golden.json")));
        var options = config.RootElement.GetProperty("compilerOptions");
        Assert.True(options.GetProperty("strict").GetBoolean());
        Assert.True(options.GetProperty("noEmit").GetBoolean());
        var include = config.RootElement.GetProperty("include").EnumerateArray().Select(e => e.GetString()!).ToList();

        var modules = Directory.GetDirectories(Path.Combine(GoldenTests.SourceDirectory(), "Golden")).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(GoldenTests.Modules.Order(), modules);
        foreach (var module in modules)
        {
            var file = $"../Meridian.Codegen.Tests/Golden/{module}/TypeScript/index.ts";
            Assert.True(include.Any(pattern => Glob(pattern).IsMatch(file)), $"tsconfig.golden.json does not include {file}");
        }
    }

    [Fact]
    public void The_end_to_end_run_type_checks_the_golden_tsconfig_and_the_test_script_runs_it()
    {
        var run = File.ReadAllText(Path.Combine(E2eDirectory(), "run.sh"));
        Assert.Contains("node_modules/typescript/bin/tsc -p tsconfig.golden.json", run, StringComparison.Ordinal);
        var testScript = File.ReadAllText(Path.Combine(GoldenTests.SourceDirectory(), "..", "..", "test.sh"));
        Assert.Contains("tests/e2e-typescript/run.sh", testScript, StringComparison.Ordinal);
        var ci = File.ReadAllText(Path.Combine(GoldenTests.SourceDirectory(), "..", "..", ".ci", "run"));
        Assert.Contains("./test.sh", ci, StringComparison.Ordinal);
    }

    // tsconfig's include globs: ** any folders, * any name part.
    private static Regex Glob(string pattern) => new(
        "^" + Regex.Escape(pattern).Replace(@"\*\*/", "(?:[^/]+/)*", StringComparison.Ordinal).Replace(@"\*", "[^/]*", StringComparison.Ordinal) + "$");
}
