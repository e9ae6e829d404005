using Microsoft.CodeAnalysis;

namespace Meridian.Module.Generator.Tests;

/// <summary>[ClientVisibilityFilter] fields and 1.x-style names (Table Name without Accessor, type-level index Name without Accessor).</summary>
public class VisibilityAndLegacyTests
{
    private const string Usings = "using SpacetimeDB;\n#pragma warning disable STDB_UNSTABLE\n";

    private static List<string> Errors(Compilation output) =>
        output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();

    [Theory]
    [InlineData("STDB0015", "public static partial class M { [ClientVisibilityFilter] public static readonly string F = \"SELECT * FROM t\"; }")]
    [InlineData("STDB0016", "public static partial class M { [ClientVisibilityFilter] public static Filter F = new Filter.Sql(\"SELECT * FROM t\"); }")]
    [InlineData(
        "STDB0016",
        "public static partial class M { [ClientVisibilityFilter] internal static readonly Filter F = new Filter.Sql(\"SELECT * FROM t\"); }")]
    public void Invalid_filter_fields_are_reported(string id, string source)
    {
        var (output, sources, diagnostics) = GeneratorHarness.Run(Usings + "[Table] public partial struct T { public int A; }\n" + source);
        Assert.Contains(diagnostics, d => d.Id == id);
        // The invalid declaration is left out; the rest is generated without follow-on errors.
        Assert.Contains("Module.g.cs", sources.Keys);
        Assert.Empty(GeneratorHarness.GeneratedErrors(output));
    }

    [Fact]
    public void Filters_are_registered_by_name_and_the_module_compiles()
    {
        var (output, sources, diagnostics) = GeneratorHarness.Run(Usings + """
            [Table(Public = true)] public partial struct T { public int A; }
            public static partial class M
            {
                [ClientVisibilityFilter] public static readonly Filter B = new Filter.Sql("SELECT * FROM t WHERE a = 2");
                [ClientVisibilityFilter] public static readonly Filter A = new Filter.Sql("SELECT * FROM t WHERE a = 1");
            }
            """);
        Assert.Empty(diagnostics);
        var module = sources["Module.g.cs"];
        var a = module.IndexOf("builder.RegisterClientVisibilityFilter(global::M.A, \"M.A\");", StringComparison.Ordinal);
        var b = module.IndexOf("builder.RegisterClientVisibilityFilter(global::M.B, \"M.B\");", StringComparison.Ordinal);
        Assert.True(a > 0 && b > a, module);
        Assert.Empty(Errors(output));
    }

    [Fact]
    public void A_table_named_but_without_accessor_is_reachable_by_both_names()
    {
        var (output, sources, diagnostics) = GeneratorHarness.Run(Usings + """
            [Table(Name = "user", Public = true)] public partial struct User { [PrimaryKey] public Identity Id; public string? Name; }
            [Table(Name = "board_viewer")]
            [SpacetimeDB.Index.BTree(Name = "UserConnections", Columns = [nameof(Identity), nameof(ConnectionId)])]
            public partial struct BoardViewer { public Identity Identity; public string ConnectionId; }
            public static partial class M
            {
                [Reducer]
                public static void R(ReducerContext ctx)
                {
                    ctx.Db.user.Insert(new User { Id = ctx.Sender });
                    var same = ctx.Db.User.Id.Find(ctx.Sender);
                    ctx.Db.board_viewer.UserConnections.Delete((ctx.Sender, "c"));
                    foreach (var v in ctx.Db.BoardViewer.UserConnections.Filter(ctx.Sender)) { }
                }
            }
            """);
        Assert.Empty(diagnostics);
        Assert.Contains("global::SpacetimeDB.Internal.TableHandles.User user => default;", sources["Module.g.cs"], StringComparison.Ordinal);
        Assert.Empty(Errors(output));
    }

    [Fact]
    public void Seed_era_ctx_Address_ConnectionId_compiles_and_is_the_callers_connection()
    {
        var (output, _, diagnostics) = GeneratorHarness.Run(Usings + """
            [Table(Name = "seen")] public partial struct Seen { public string ConnectionId; }
            public static partial class M
            {
                [Reducer]
                public static void R(ReducerContext ctx)
                {
                    ctx.Db.seen.Insert(new Seen { ConnectionId = ctx.Address.ConnectionId.ToString() });
                    string text = ctx.Address.ConnectionId.ToString();
                    if (ctx.Address.HasConnection && ctx.Address.ConnectionId != ctx.ConnectionId) throw new System.Exception(text);
                }
            }
            """);
        Assert.Empty(diagnostics);
        Assert.Empty(Errors(output));
        // Modules build with warnings as errors: the seed's line must not warn about nulls either.
        Assert.Empty(output.GetDiagnostics().Where(d => d.Id.StartsWith("CS86", StringComparison.Ordinal)).Select(d => d.ToString()));
    }

    [Fact]
    public void A_name_that_collides_gets_no_extra_accessor()
    {
        var (output, sources, diagnostics) = GeneratorHarness.Run(Usings + """
            [Table(Name = "Other")] public partial struct A { public int X; }
            [Table] public partial struct Other { public int Y; }
            [Table(Name = "bad-name")] public partial struct C { public int Z; }
            """);
        Assert.Empty(diagnostics);
        var module = sources["Module.g.cs"];
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(module, @"TableHandles\.Other Other => default;"));
        Assert.DoesNotContain("TableHandles.A Other", module, StringComparison.Ordinal);
        Assert.Empty(Errors(output));
    }

    [Fact]
    public void An_index_name_that_collides_with_a_column_accessor_still_needs_an_accessor()
    {
        var (_, _, diagnostics) = GeneratorHarness.Run(Usings + """
            [Table] [SpacetimeDB.Index.BTree(Name = "Id", Columns = [nameof(B)])] public partial struct T { [PrimaryKey] public int Id; public int B; }
            """);
        Assert.Contains(diagnostics, d => d.Id == "STDB0027");
    }
}
