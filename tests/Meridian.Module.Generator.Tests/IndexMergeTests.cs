using Meridian.Tests.Shared;
using Microsoft.CodeAnalysis;

namespace Meridian.Module.Generator.Tests;

/// <summary>
/// A unique column and a btree on the same column, or two btrees on the same columns, are one index
/// (upstream's codegen fixture <c>explicitnames</c> declares <c>[PrimaryKey, Index.BTree(Accessor, Name)]</c> on one field).
/// </summary>
public class IndexMergeTests
{
    private const string ExplicitNames = ExplicitNamesFixture.Table + """
        public static partial class Reducers
        {
            [SpacetimeDB.Reducer(Name = "my_reducer")]
            public static void R(ReducerContext ctx, int value)
            {
                ctx.Db.Things.Insert(new Thing { Key = value, Other = -value, Value = value });
                var byKey = ctx.Db.Things.ByKey.Filter(value).Single();
                var found = ctx.Db.Things.Key.Find(value);
                var range = ctx.Db.Things.Other.Filter(new Bound<int>(-value, 0)).Count();
                bool deleted = ctx.Db.Things.Other.Delete(-value);
                ulong deletedRange = ctx.Db.Things.Other.Delete(new Bound<int>(0, 10));
                ulong deletedKeys = ctx.Db.Things.ByKey.Delete(value);
            }
            [SpacetimeDB.Procedure(Name = "my_procedure")]
            public static void P(ProcedureContext ctx) { }
            [SpacetimeDB.View(Accessor = "my_view", Name = "my_view_name", Public = true)]
            public static List<Thing> V(ViewContext ctx) => ctx.Db.Things.Other.Filter(1).Concat(ctx.Db.Things.ByKey.Filter(1)).ToList();
        }
        """;

    [Fact]
    public void A_primary_key_with_a_named_btree_and_a_unique_field_with_a_btree_compile_as_one_index_each()
    {
        var (output, sources, diagnostics) = GeneratorHarness.Run(ExplicitNames);
        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var module = sources["Module.g.cs"];
        // Two indexes registered (Key, Other), not four; the btree's name is the shared index's name.
        Assert.Equal(2, CountOf(module, "new global::Meridian.Sats.ModuleDef.RawIndexDefV10("));
        Assert.Equal(1, CountOf(module, "RegisterExplicitIndexName(\"Things_Key_idx_btree\", \"my_key_index\")"));
    }

    [Fact]
    public void Two_btrees_on_the_same_columns_share_one_index()
    {
        var (output, sources, diagnostics) = GeneratorHarness.Run("""
            using SpacetimeDB;
            [Table(Accessor = "T")]
            [SpacetimeDB.Index.BTree(Accessor = "ByAB", Columns = new[] { "A", "B" })]
            [SpacetimeDB.Index.BTree(Accessor = "AlsoByAB", Name = "ab", Columns = new[] { "A", "B" })]
            public partial struct T { public int A; public int B; }
            """);
        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Equal(1, CountOf(sources["Module.g.cs"], "new global::Meridian.Sats.ModuleDef.RawIndexDefV10("));
    }

    [Theory]
    [InlineData("[Table] [SpacetimeDB.Index.BTree(Accessor = \"Count\", Columns = new[] { \"A\" })] public partial struct T { public int A; }")]
    [InlineData("[Table] public partial struct T { [Unique] public int A; [SpacetimeDB.Index.BTree(Accessor = \"A\")] public int B; }")]
    [InlineData(
        "[Table] [SpacetimeDB.Index.BTree(Accessor = \"X\", Columns = new[] { \"A\" })] "
            + "public partial struct T { public int A; [SpacetimeDB.Index.BTree(Accessor = \"X\")] public int B; }")]
    public void An_accessor_used_twice_is_MRDN0004_at_the_table(string source)
    {
        var (_, _, diagnostics) = GeneratorHarness.Run("using SpacetimeDB;\n" + source);
        var d = Assert.Single(diagnostics);
        Assert.Equal("MRDN0004", d.Id);
        Assert.Equal("Source0.cs", d.Location.GetLineSpan().Path);
    }

    [Fact]
    public void One_index_with_two_names_is_MRDN0005()
    {
        var (_, _, diagnostics) = GeneratorHarness.Run("""
            using SpacetimeDB;
            [Table]
            public partial struct T { [PrimaryKey, SpacetimeDB.Index.BTree(Accessor = "ByA", Name = "one")] public int A; }
            [Table(Accessor = "U")]
            [SpacetimeDB.Index.BTree(Accessor = "X", Name = "one", Columns = new[] { "A" })]
            [SpacetimeDB.Index.BTree(Accessor = "Y", Name = "two", Columns = new[] { "A" })]
            public partial struct U { public int A; }
            """);
        var d = Assert.Single(diagnostics);
        Assert.True(d.Id == "MRDN0005", d.ToString());
        Assert.Contains("'one', 'two'", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
            count++;
        return count;
    }
}
