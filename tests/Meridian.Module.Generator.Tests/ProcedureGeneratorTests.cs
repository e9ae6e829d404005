using Microsoft.CodeAnalysis;

namespace Meridian.Module.Generator.Tests;

/// <summary>[Procedure] methods: diagnostics for invalid shapes, and the generated module compiles with WithTx and TryWithTx.</summary>
public class ProcedureGeneratorTests
{
    private const string Usings = "using SpacetimeDB;\n";

    [Theory]
    [InlineData("STDB0009", "public static partial class M { [Procedure] public static int P(int x) => x; }")]
    [InlineData("STDB0011", "public static partial class M { [Procedure] public static int OnThing(ProcedureContext ctx) => 0; }")]
    [InlineData("BSATN0001", "public static partial class M { [Procedure] public static System.DateTime P(ProcedureContext ctx) => default; }")]
    [InlineData(
        "STDB0007",
        "public static partial class M { [Procedure] public static int P(ProcedureContext ctx) => 0; "
            + "[Reducer] public static void P(ReducerContext ctx, int x) { } }")]
    public void Invalid_procedures_are_reported(string id, string source)
    {
        var (output, sources, diagnostics) = GeneratorHarness.Run(Usings + source);
        Assert.Contains(diagnostics, d => d.Id == id);
        // The invalid declaration is left out; the rest is generated without follow-on errors.
        Assert.Contains("Module.g.cs", sources.Keys);
        Assert.Empty(GeneratorHarness.GeneratedErrors(output));
    }

    [Fact]
    public void A_module_with_procedures_compiles()
    {
        var (output, sources, diagnostics) = GeneratorHarness.Run(Usings + """
            [Table] public partial struct Item { [PrimaryKey, AutoInc] public ulong Id; public string Name; }
            public static partial class M
            {
                [Procedure] public static ulong Add(ProcedureContext ctx, uint a, uint b) => a + b;
                [Procedure] public static void Nothing(ProcedureContext ctx) { }
                [Procedure] public static Result<uint, string> Checked(ProcedureContext ctx, uint a) => a > 10 ? Result<uint, string>.Err("big") : a;
                [Procedure]
                public static ulong Insert(ProcedureContext ctx, string name)
                {
                    var id = ctx.WithTx(tx => tx.Db.Item.Insert(new Item { Name = name }).Id);
                    var outcome = ctx.TryWithTx<ulong, System.Exception>(tx => tx.Db.Item.Count);
                    return outcome.IsSuccess ? id + outcome.Value : id;
                }
            }
            """);
        Assert.Empty(diagnostics);
        Assert.Contains("builder.RegisterProcedure(\"Add\"", sources["Module.g.cs"], StringComparison.Ordinal);
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }
}
