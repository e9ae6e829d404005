namespace Meridian.Module.Generator.Tests;

public class DiagnosticTests
{
    private const string Usings = "using SpacetimeDB;\n";

    [Theory]
    [InlineData("BSATN0001", "[SpacetimeDB.Type] public partial struct S { public System.DateTime When; }")]
    [InlineData("BSATN0002", "[SpacetimeDB.Type] public enum E { A = 1, B }")]
    [InlineData("BSATN0004", "[SpacetimeDB.Type] public partial record T : TaggedEnum<System.ValueTuple<int, string>>;")]
    [InlineData("BSATN0005", "[SpacetimeDB.Type] public partial record T : TaggedEnum<(int A, string B)> { public int Extra; }")]
    [InlineData("BSATN0006", "[SpacetimeDB.Type] public partial struct G<T> { public int X; }")]
    [InlineData("MRDN0003", "[SpacetimeDB.Type] public struct NotPartial { public int X; }")]
    [InlineData("STDB0001", "public static partial class M { [Reducer] public static int R(ReducerContext ctx) => 0; }")]
    [InlineData("STDB0002", "[Table] public partial struct T { [AutoInc] public string S; }")]
    [InlineData("STDB0003", "[Table] public partial struct T { [Unique] public float F; }")]
    [InlineData("STDB0004", "[Table] [SpacetimeDB.Index.BTree(Accessor = \"x\")] public partial struct T { public int A; }")]
    [InlineData("STDB0005", "public partial class O { [Table] private partial struct T { public int A; } }")]
    [InlineData("STDB0006", "[Table] public partial record T : TaggedEnum<(int A, string B)>;")]
    [InlineData(
        "STDB0007",
        "[Table(Accessor = \"X\")] public partial struct A { public int V; } [Table(Accessor = \"X\")] public partial struct B { public int V; }")]
    [InlineData("STDB0008", "public static partial class M { [Reducer] public static void R(int x) { } }")]
    [InlineData("STDB0010", "public static partial class M { [Reducer] public static void OnThing(ReducerContext ctx) { } }")]
    [InlineData(
        "STDB0012",
        "public static partial class M { [Reducer(ReducerKind.Init)] public static void A(ReducerContext ctx) { } "
            + "[Reducer(ReducerKind.Init)] public static void B(ReducerContext ctx) { } }")]
    [InlineData("STDB0013", "[Table] public partial struct T { [SpacetimeDB.Index.BTree(Columns = new[] { \"A\" })] public int A; }")]
    [InlineData("STDB0014", "[Table] [SpacetimeDB.Index.BTree(Accessor = \"x\", Columns = new[] { \"Nope\" })] public partial struct T { public int A; }")]
    [InlineData("STDB0017", "[Table] public partial struct T { [PrimaryKey, Default(1)] public int A; }")]
    [InlineData("STDB0025", "public static partial class M { [SpacetimeDB.Settings] public static CaseConversionPolicy P = CaseConversionPolicy.None; }")]
    [InlineData(
        "STDB0026",
        "public static partial class M { [SpacetimeDB.Settings] public const CaseConversionPolicy P = CaseConversionPolicy.None; "
            + "[SpacetimeDB.Settings] public const CaseConversionPolicy Q = CaseConversionPolicy.None; "
            + "[Reducer] public static void R(ReducerContext ctx) { } }")]
    [InlineData("STDB0027", "[Table] [SpacetimeDB.Index.BTree(Columns = new[] { \"A\" })] public partial struct T { public int A; }")]
    [InlineData("MRDN0001", "[Table] public partial struct T { [PrimaryKey] public int A; [PrimaryKey] public int B; }")]
    [InlineData("MRDN0002", "[Table(Scheduled = \"R\")] public partial struct T { [PrimaryKey] public ulong Id; public int ScheduledAt; }")]
    [InlineData(
        "MRDN0201",
        "[SpacetimeDB.Type] public partial struct Old { public int A; } "
            + "public static partial class M { [Migration(\"t\")] public static void Mig(ReducerContext ctx, Old old, int extra) { } }")]
    [InlineData("MRDN0201", "public static partial class M { [Migration(\"t\")] public static void Mig(ReducerContext ctx) { } }")]
    [InlineData(
        "MRDN0202",
        "[SpacetimeDB.Type] public partial struct Old { public int A; } "
            + "public static partial class M { [Migration(\"\")] public static void Mig(ReducerContext ctx, Old old) { } }")]
    [InlineData(
        "MRDN0203",
        "[SpacetimeDB.Type] public partial struct Old { public int A; } "
            + "public static partial class M { [Migration(\"t\")] public static void A(ReducerContext ctx, Old old) { } "
            + "[Migration(\"t\")] public static void B(ReducerContext ctx, Old old) { } }")]
    [InlineData(
        "STDB0001",
        "[SpacetimeDB.Type] public partial struct Old { public int A; } "
            + "public static partial class M { [Migration(\"t\")] public static int Mig(ReducerContext ctx, Old old) => 0; }")]
    public void Reports_the_diagnostic(string id, string source)
    {
        var (_, sources, diagnostics) = GeneratorHarness.Run(Usings + source);
        Assert.Contains(diagnostics, d => d.Id == id);
        Assert.All(diagnostics, d => Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Error, d.Severity));
        Assert.DoesNotContain("Module.g.cs", sources.Keys);
    }

    [Fact]
    public void Diagnostics_point_at_the_offending_source()
    {
        var (_, _, diagnostics) = GeneratorHarness.Run(Usings + "[Table] public partial struct T {\n    [AutoInc] public string S;\n}");
        var d = Assert.Single(diagnostics);
        Assert.Equal("STDB0002", d.Id);
        Assert.Equal(2, d.Location.GetLineSpan().StartLinePosition.Line);
        Assert.Contains("S", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_module_reports_nothing()
    {
        var (_, sources, diagnostics) = GeneratorHarness.Run(Usings
            + "[Table] public partial struct T { [PrimaryKey, AutoInc] public ulong Id; } "
            + "public static partial class M { [Reducer] public static void R(ReducerContext ctx) { } }");
        Assert.Empty(diagnostics);
        Assert.Contains("Module.g.cs", sources.Keys);
    }
}
