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
    [InlineData("MRDN0006", "public partial class M { [Reducer] public void R(ReducerContext ctx) { } }")]
    [InlineData("MRDN0006", "public static partial class M { [Reducer] public static void R<T>(ReducerContext ctx) { } }")]
    [InlineData("MRDN0006", "public static partial class M { [Reducer] public static void R(ReducerContext ctx, ref int x) { } }")]
    [InlineData("MRDN0006", "public partial class M { [Procedure] public int P(ProcedureContext ctx) => 1; }")]
    [InlineData("MRDN0007", "public static partial class M { [Reducer] private static void R(ReducerContext ctx) { } }")]
    [InlineData("MRDN0007", "public static partial class M { private static partial class Inner { [Reducer] public static void R(ReducerContext ctx) { } } }")]
    [InlineData(
        "MRDN0101",
        "[SpacetimeDB.Type] public partial struct Row { public int A; } "
            + "public static partial class M { [View(Accessor = \"v\", Public = true, PrimaryKey = \"B\")] "
            + "public static List<Row> V(ViewContext ctx) => new(); }")]
    [InlineData(
        "MRDN0101",
        "[SpacetimeDB.Type] public partial class Row { public int A; } public partial class Row { public int Extra; } "
            + "public static partial class M { [View(Accessor = \"v\", Public = true, PrimaryKey = \"Extra\")] "
            + "public static List<Row> V(ViewContext ctx) => new(); }")]
    [InlineData(
        "MRDN0102",
        "[SpacetimeDB.Type] public partial struct Key { public int K; } [SpacetimeDB.Type] public partial struct Row { public Key A; } "
            + "public static partial class M { [View(Accessor = \"v\", Public = true, PrimaryKey = \"A\")] "
            + "public static List<Row> V(ViewContext ctx) => new(); }")]
    public void Reports_the_diagnostic(string id, string source)
    {
        var (output, _, diagnostics) = GeneratorHarness.Run(Usings + source);
        Assert.Contains(diagnostics, d => d.Id == id);
        Assert.All(diagnostics, d => Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Error, d.Severity));
        // The bad declaration is left out and nothing else breaks: no follow-on compiler errors in generated code.
        var followOn = output.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.True(followOn.Count == 0, string.Join("\n", followOn));
    }

    [Fact]
    public void One_bad_declaration_leaves_the_rest_of_the_module_generated()
    {
        var (output, sources, diagnostics) = GeneratorHarness.Run(Usings + """
            [Table(Accessor = "Good")] public partial struct Good { [PrimaryKey, AutoInc] public ulong Id; public string Name; }
            [Table(Accessor = "Odd")] public partial struct Odd { [PrimaryKey] public ulong Id; public NoSuchType Missing; [AutoInc] public string S; }
            [SpacetimeDB.Type] public partial struct Payload { public int A; public System.DateTime When; }
            public static partial class M
            {
                [Reducer] public static void Add(ReducerContext ctx, string name) => ctx.Db.Good.Insert(new Good { Name = name });
                [Reducer] public static void Touch(ReducerContext ctx, ulong id) => ctx.Db.Odd.Id.Delete(id);
                [Reducer] public static void Carry(ReducerContext ctx, Payload p) { }
                [Reducer] public static int Bad(ReducerContext ctx) => 0;
                [Reducer] public static void AlsoBad(int x) { }
                [Procedure] public static ulong Count(ProcedureContext ctx) => ctx.WithTx(tx => tx.Db.Good.Count);
            }
            """);
        Assert.Equal(["BSATN0001", "BSATN0001", "STDB0001", "STDB0002", "STDB0008"], diagnostics.Select(d => d.Id).Order(StringComparer.Ordinal));
        Assert.Contains("Module.g.cs", sources.Keys);
        var registration = sources["Module.g.cs"];
        Assert.Contains("builder.RegisterReducer(\"Add\"", registration, StringComparison.Ordinal);
        Assert.Contains("builder.RegisterReducer(\"Touch\"", registration, StringComparison.Ordinal);
        Assert.DoesNotContain("builder.RegisterReducer(\"Bad\"", registration, StringComparison.Ordinal);
        // The only compiler error is the user's own unresolved type, at the user's source.
        var errors = output.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).ToList();
        var error = Assert.Single(errors);
        Assert.Equal("CS0246", error.Id);
        Assert.Equal("Source0.cs", error.Location.SourceTree?.FilePath);
    }

    [Theory]
    [InlineData("System.DateTime", "SpacetimeDB.Timestamp")]
    [InlineData("System.Guid", "SpacetimeDB.Uuid")]
    [InlineData("System.Collections.Generic.Dictionary<string, int>", "List<T> of a [SpacetimeDB.Type] struct")]
    [InlineData("System.Uri", "mark your own struct, class or enum [SpacetimeDB.Type]")]
    public void An_unsupported_column_type_says_what_to_use(string type, string hint)
    {
        var (_, _, diagnostics) = GeneratorHarness.Run(Usings + $"[Table] public partial struct T {{\n    public {type} Value;\n}}");
        var d = Assert.Single(diagnostics);
        Assert.Equal("BSATN0001", d.Id);
        Assert.Equal(2, d.Location.GetLineSpan().StartLinePosition.Line);
        Assert.Contains(hint, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("public partial struct T { public int A; }", "ctx.Db.T.Update(row)", "MRDN0301", "has no [PrimaryKey] or [Unique] column")]
    [InlineData("public partial struct T { [PrimaryKey] public int A; }", "ctx.Db.T.Update(row)", "MRDN0301", "ctx.Db.T.A.Update(row)")]
    [InlineData("public partial struct T { [Unique] public int A; }", "ctx.Db.T.Find(1)", "MRDN0302", "ctx.Db.T.A.Find(key)")]
    public void Calling_Update_or_Find_on_the_table_says_where_they_are(string table, string call, string id, string message)
    {
        var (output, _, diagnostics) = GeneratorHarness.Run(Usings + "[Table] " + table
            + $" public static partial class M {{ [Reducer] public static void R(ReducerContext ctx, T row) {{ {call}; }} }}");
        Assert.Empty(diagnostics);
        var error = Assert.Single(output.GetDiagnostics(), d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
        Assert.Equal(id, error.Id);
        Assert.Equal("Source0.cs", error.Location.SourceTree?.FilePath);
        Assert.Contains(message, error.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void A_unique_column_updates_in_place_as_upstream()
    {
        var (output, _, diagnostics) = GeneratorHarness.Run(Usings
            + "[Table] public partial struct T { [PrimaryKey] public int Id; [Unique] public string Name; public int V; } "
            + "public static partial class M { [Reducer] public static void R(ReducerContext ctx, T row) => ctx.Db.T.Name.Update(row); }");
        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
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
    public void A_view_key_in_the_serialized_part_of_a_split_partial_row_is_accepted()
    {
        var (output, _, diagnostics) = GeneratorHarness.Run(Usings
            + "public partial class Row { public int Extra; } [SpacetimeDB.Type] public partial class Row { public int A; } "
            + "public static partial class M { [View(Accessor = \"v\", Public = true, PrimaryKey = \"A\")] "
            + "public static List<Row> V(ViewContext ctx) => new(); }");
        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
    }

    [Fact]
    public void Each_bad_index_attribute_of_a_table_is_reported_at_itself()
    {
        var (_, _, diagnostics) = GeneratorHarness.Run(Usings
            + "[Table]\n"
            + "[SpacetimeDB.Index.BTree(Accessor = \"a\")]\n"
            + "[SpacetimeDB.Index.BTree(Accessor = \"b\", Columns = new string[0])]\n"
            + "[SpacetimeDB.Index.BTree(Columns = new[] { \"A\" })]\n"
            + "[SpacetimeDB.Index.BTree(Accessor = \"c\", Columns = new[] { \"Nope\" })]\n"
            + "public partial struct T { public int A; }");
        var lines = diagnostics.Select(d => (d.Id, Line: d.Location.GetLineSpan().StartLinePosition.Line)).OrderBy(x => x.Line).ToList();
        Assert.Equal([("STDB0004", 2), ("STDB0004", 3), ("STDB0027", 4), ("STDB0014", 5)], lines);
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
