using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Meridian.Module.Generator.Tests;

public class IncrementalTests
{
    [Fact]
    public void An_unrelated_edit_does_not_regenerate()
    {
        var compilation = GeneratorHarness.Compile(GeneratorHarness.Fixture("Server.cs"), "public static class Unrelated { public static int A() => 1; }");
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);

        var unrelated = compilation.SyntaxTrees.Last();
        var edited = compilation.ReplaceSyntaxTree(
            unrelated, unrelated.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From("public static class Unrelated { public static int A() => 2; }")))
            .AddSyntaxTrees(CSharpSyntaxTree.ParseText("public static class AlsoUnrelated { }", new CSharpParseOptions(LanguageVersion.Latest)));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        string[] steps =
        [
            Generator.ModuleGenerator.TypesStep, Generator.ModuleGenerator.TablesStep,
            Generator.ModuleGenerator.ReducersStep, Generator.ModuleGenerator.ModuleStep,
        ];
        foreach (var step in steps)
        {
            var outputs = result.TrackedSteps[step].SelectMany(s => s.Outputs).ToList();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step} was {o.Reason}"));
        }
    }

    [Fact]
    public void Editing_a_table_regenerates_the_module()
    {
        var compilation = GeneratorHarness.Compile(GeneratorHarness.Fixture("Server.cs"));
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.Last();
        var text = tree.GetText().ToString().Replace("public uint Level;", "public uint Level;\n    public bool Extra;", StringComparison.Ordinal);
        var result = driver.RunGenerators(
            compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(text)))).GetRunResult().Results.Single();
        Assert.Contains(
            result.TrackedSteps[Generator.ModuleGenerator.ModuleStep].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("Extra", result.GeneratedSources.Single(s => s.HintName == "Table.Fixture.Score.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }
}
