using Meridian.Sats.ModuleDef;
using Meridian.Sats.Types;
using static Meridian.Sats.ModuleDef.RawModuleDefV10Section;

namespace Meridian.Codegen.Tests;

/// <summary>
/// The primary key generated bindings give a view: the declared one, else (for a view that returns a query)
/// the key of the tables with its row type, when they agree on one, as the server and upstream's codegen do.
/// With a key, the client sees a changed row as an update (TypeScript: <c>.primaryKey()</c> on the column;
/// C#: <c>GetPrimaryKey</c>, which <c>OnUpdate</c> needs); without one, as a delete and an insert.
/// </summary>
public class ViewKeyTests
{
    private const string TsKey = "id: __t.u64().primaryKey(),";
    private const string TsNoKey = "id: __t.u64(),";
    private const string CsIdKey = "protected override object? GetPrimaryKey(Row row) => row.Id;";

    [Theory]
    [InlineData("all_players", "AllPlayers")]
    [InlineData("team_one", "TeamOne")]
    [InlineData("members", "Members")]
    public void A_query_view_of_the_views_module_has_its_tables_key_in_both_languages(string view, string handle)
    {
        var definition = GoldenTests.Module("views");
        var ts = GoldenTests.Generate(definition, BindingsLanguage.TypeScript);
        var cs = GoldenTests.Generate(definition, BindingsLanguage.CSharp);
        Assert.Contains(TsKey, File(ts, $"{view}_table.ts"), StringComparison.Ordinal);
        Assert.Contains("protected override object? GetPrimaryKey(Player row) => row.Id;", File(cs, $"Tables/{handle}.g.cs"), StringComparison.Ordinal);

        // A view returning an option of the same row, with no declared key, stays keyless.
        Assert.DoesNotContain("primaryKey()", File(ts, "my_player_table.ts"), StringComparison.Ordinal);
        Assert.DoesNotContain("GetPrimaryKey", File(cs, "Tables/MyPlayer.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_query_view_takes_the_key_its_tables_agree_on_and_a_keyless_table_does_not_veto_it()
    {
        var definition = Module([Table("a", 0), Table("b", 0), Table("c", null)], [QueryView("q")]);
        Assert.Contains(TsKey, Ts(definition, "q"), StringComparison.Ordinal);
        Assert.Contains(CsIdKey, Cs(definition, "Q"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_query_view_whose_tables_disagree_on_the_key_has_none()
    {
        var definition = Module([Table("a", 0), Table("b", 1)], [QueryView("q")]);
        Assert.Contains(TsNoKey, Ts(definition, "q"), StringComparison.Ordinal);
        Assert.DoesNotContain("primaryKey()", Ts(definition, "q"), StringComparison.Ordinal);
        Assert.DoesNotContain("GetPrimaryKey", Cs(definition, "Q"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_query_view_of_keyless_tables_has_no_key()
    {
        var definition = Module([Table("a", null)], [QueryView("q")]);
        Assert.DoesNotContain("primaryKey()", Ts(definition, "q"), StringComparison.Ordinal);
        Assert.DoesNotContain("GetPrimaryKey", Cs(definition, "Q"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_declared_view_key_wins_over_the_tables_key()
    {
        var definition = Module([Table("a", 0)], [QueryView("q")], new RawViewPrimaryKeyDefV10("q", ["owner"]));
        Assert.Contains("owner: __t.u64().primaryKey(),", Ts(definition, "q"), StringComparison.Ordinal);
        Assert.Contains(TsNoKey, Ts(definition, "q"), StringComparison.Ordinal);
        Assert.Contains("protected override object? GetPrimaryKey(Row row) => row.Owner;", Cs(definition, "Q"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_view_returning_rows_it_computed_does_not_inherit_a_key()
    {
        // Only a query's rows are a table's rows; an array of the same type may repeat or invent keys.
        var rows = new RawViewDefV10("rows", 0, true, false, AlgebraicType.Product(), AlgebraicType.Array(AlgebraicType.Ref(0)));
        var definition = Module([Table("a", 0)], [rows]);
        Assert.Contains(TsNoKey, Ts(definition, "rows"), StringComparison.Ordinal);
        Assert.DoesNotContain("GetPrimaryKey", Cs(definition, "Rows"), StringComparison.Ordinal);
    }

    private static RawTableDefV10 Table(string name, ushort? key) =>
        new(name, 0, key is { } k ? [k] : [], [], [], [], TableType.User, TableAccess.Public, [], false);

    private static RawViewDefV10 QueryView(string name) =>
        new(name, 0, true, false, AlgebraicType.Product(), AlgebraicType.Product(("__query__", AlgebraicType.Ref(0))));

    private static RawModuleDefV10 Module(RawTableDefV10[] tables, RawViewDefV10[] views, params RawViewPrimaryKeyDefV10[] keys)
    {
        var row = AlgebraicType.Product(("id", AlgebraicType.U64), ("owner", AlgebraicType.U64), ("text", AlgebraicType.String));
        return new RawModuleDefV10(
        [
            new TypespaceSection(new Typespace([row])),
            new TypesSection([new RawTypeDefV10(new RawScopedTypeNameV10([], "Row"), 0, true)]),
            new TablesSection(tables),
            new ViewsSection(views),
            new ViewPrimaryKeysSection(keys),
        ]);
    }

    private static string Ts(RawModuleDefV10 definition, string view) =>
        File(GoldenTests.Generate(definition, BindingsLanguage.TypeScript), $"{view}_table.ts");

    private static string Cs(RawModuleDefV10 definition, string handle) =>
        File(GoldenTests.Generate(definition, BindingsLanguage.CSharp), $"Tables/{handle}.g.cs");

    private static string File(IReadOnlyList<GeneratedFile> files, string path) =>
        Assert.Single(files, f => f.Path == path).Contents;
}
