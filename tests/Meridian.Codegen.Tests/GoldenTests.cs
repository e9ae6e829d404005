using Meridian.Runtime.Modules;
using Meridian.Sats.ModuleDef;
using Meridian.Tests.Shared;

namespace Meridian.Codegen.Tests;

/// <summary>
/// Generated bindings compared byte for byte with the files under <c>Golden/&lt;module&gt;/&lt;language&gt;/</c>.
/// After a deliberate change to the generator, run the tests with <c>MERIDIAN_UPDATE_GOLDEN=1</c>
/// to rewrite the golden files, and review the diff.
/// </summary>
public class GoldenTests
{
    /// <summary>The Meridian version the golden files name in their headers (the real one is checked separately).</summary>
    internal const string GoldenVersion = "0.0.0-golden";

    public static TheoryData<string, BindingsLanguage> Cases()
    {
        var data = new TheoryData<string, BindingsLanguage>();
        foreach (var module in Modules)
        {
            foreach (var language in Languages)
                data.Add(module, language);
        }
        return data;
    }

    internal static readonly BindingsLanguage[] Languages = [BindingsLanguage.TypeScript, BindingsLanguage.CSharp];

    /// <summary>The modules with golden bindings; tests/Meridian.Client.Tests compiles their C# bindings and runs against the real ones.</summary>
    internal static readonly string[] Modules = ["chat", "everything", "features", "leaderboard", "procedures", "views"];

    /// <summary>The namespace of a module's golden C# bindings: one each, so one project can compile them all.</summary>
    internal static string CSharpNamespace(string module) => "Meridian.Golden." + CanonicalNames.ToPascalCase(module);

    internal static RawModuleDefV10 Module(string name) => name switch
    {
        "chat" => Load(TestModules.Chat()),
        "everything" => Load(TestModules.Everything()),
        "features" => FeatureModule.Definition(),
        "leaderboard" => Load(TestModules.Leaderboard()),
        "procedures" => Load(TestModules.Procedures()),
        "views" => Load(TestModules.Views()),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    internal static RawModuleDefV10 Load(byte[] image)
    {
        using var module = LoadedModule.Load("golden", image);
        return module.Schema.Raw;
    }

    internal static IReadOnlyList<GeneratedFile> Generate(
        RawModuleDefV10 definition, BindingsLanguage language, bool includePrivate = false, string csharpNamespace = "SpacetimeDB.Types") =>
        BindingsGenerator.Generate(
            definition, language, new BindingsOptions { ToolVersion = GoldenVersion, IncludePrivate = includePrivate, CSharpNamespace = csharpNamespace });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generated_files_match_the_golden_files(string module, BindingsLanguage language)
    {
        var files = Generate(Module(module), language, csharpNamespace: CSharpNamespace(module));
        var directory = Path.Combine(SourceDirectory(), "Golden", module, language.ToString());
        if (Environment.GetEnvironmentVariable("MERIDIAN_UPDATE_GOLDEN") == "1")
        {
            if (Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
            foreach (var file in files)
            {
                var path = Path.Combine(directory, file.Path);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, file.Contents);
            }
        }

        Assert.True(Directory.Exists(directory), $"{directory} does not exist: run with MERIDIAN_UPDATE_GOLDEN=1 to create it.");
        var expected = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(directory, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(expected, files.Select(f => f.Path).ToList());
        foreach (var file in files)
        {
            var golden = File.ReadAllText(Path.Combine(directory, file.Path));
            Assert.True(golden == file.Contents, $"{module}/{language}/{file.Path} differs from its golden file:\n{FirstDifference(golden, file.Contents)}");
        }
    }

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var el = i < e.Length ? e[i] : "<end of file>";
            var al = i < a.Length ? a[i] : "<end of file>";
            if (el != al)
                return $"line {i + 1}:\n  golden:    {el}\n  generated: {al}";
        }
        return "(same lines)";
    }

    internal static string SourceDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Meridian.Codegen.Tests");
            if (Directory.Exists(candidate))
                return candidate;
        }
        throw new DirectoryNotFoundException("tests/Meridian.Codegen.Tests not found above the test directory.");
    }
}
