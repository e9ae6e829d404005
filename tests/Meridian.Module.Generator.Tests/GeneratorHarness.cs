using System.Collections.Immutable;
using Meridian.Module.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Meridian.Module.Generator.Tests;

/// <summary>Compiles source against the runtime and Meridian.Module, and runs the generator on it.</summary>
internal static class GeneratorHarness
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly ImmutableArray<MetadataReference> References =
    [
        .. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .Select(p => MetadataReference.CreateFromFile(p)),
        MetadataReference.CreateFromFile(typeof(SpacetimeDB.Identity).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(Meridian.Sats.Bsatn.BsatnWriter).Assembly.Location),
    ];

    private const string GlobalUsings = "global using System;\nglobal using System.Collections.Generic;\nglobal using System.Linq;\n";

    public static CSharpCompilation Compile(params string[] sources) => CSharpCompilation.Create(
        "Fixture",
        [
            CSharpSyntaxTree.ParseText(GlobalUsings, ParseOptions, "GlobalUsings.cs"),
            .. sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, $"Source{i}.cs"))],
        References,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver Driver() => CSharpGeneratorDriver.Create(
        [new ModuleGenerator().AsSourceGenerator()],
        parseOptions: ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator; returns the output compilation, generated sources by hint name, and generator diagnostics.</summary>
    public static (Compilation Output, ImmutableDictionary<string, string> Sources, ImmutableArray<Diagnostic> Diagnostics) Run(params string[] sources)
    {
        var driver = Driver().RunGeneratorsAndUpdateCompilation(Compile(sources), out var output, out var diagnostics);
        var result = driver.GetRunResult();
        var generated = result.Results.SelectMany(r => r.GeneratedSources).ToImmutableDictionary(s => s.HintName, s => s.SourceText.ToString());
        return (output, generated, diagnostics);
    }

    /// <summary>Compiler errors inside generated files: follow-on errors an invalid declaration must not cause.</summary>
    public static List<string> GeneratedErrors(Compilation output) => output.GetDiagnostics()
        .Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree?.FilePath is { } path && path.EndsWith(".g.cs", StringComparison.Ordinal))
        .Select(d => d.ToString())
        .ToList();

    public static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));
}
