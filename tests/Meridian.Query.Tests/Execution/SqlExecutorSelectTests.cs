using Meridian.Query.Execution;
using Meridian.Query.Sql;
using Meridian.Sats;
using Meridian.Sats.Types;
using Meridian.Sats.Values;
using Meridian.Storage;
using Meridian.Storage.Schema;
using static Meridian.Query.Tests.TestDatabase;

namespace Meridian.Query.Tests.Execution;

public sealed class SqlExecutorSelectTests : IDisposable
{
    private static readonly Identity Ann = new(1UL);
    private static readonly Identity Bob = new(2UL);
    private static readonly Identity Cy = new(3UL);
    private readonly TestDatabase _db = new();
    private readonly TableId _person;

    public SqlExecutorSelectTests()
    {
        // p: a primary key, btrees on a string and on a signed integer, and unindexed float, option, identity and i64 columns.
        _person = _db.Create("p",
            [("id", AlgebraicType.U32), ("name", AlgebraicType.String), ("age", AlgebraicType.I32), ("height", AlgebraicType.F64),
             ("nick", AlgebraicType.Option(AlgebraicType.String)), ("owner", AlgebraicType.Identity), ("score", AlgebraicType.I64)],
            indexes: [new IndexSchema("p_name", [1]), new IndexSchema("p_age", [2])], primaryKey: 0);
        _db.Insert(_person,
            Person(1, "ann", 30, 1.70, "annie", Ann, 100),
            Person(2, "bob", -5, 0.0, null, Bob, -100),
            Person(3, "Émile", 42, -0.0, "em", Ann, 0),
            Person(4, "zoë", -40, -1.5, null, Cy, 5),
            Person(5, "日本", 0, 2.5, "", Bob, 7),
            Person(6, "😀", 7, 0.1, null, Ann, -7));

        var team = _db.Create("team", [("id", AlgebraicType.U32), ("name", AlgebraicType.String), ("min_age", AlgebraicType.I32)], primaryKey: 0);
        _db.Insert(team, Row(10u, "red", 0), Row(20u, "blue", 18), Row(30u, "gray", -100));
        // member: indexed on team_id only; badge and city: no index at all.
        var member = _db.Create("member", [("person_id", AlgebraicType.U32), ("team_id", AlgebraicType.U32)], indexes: [new IndexSchema("member_team", [1])]);
        _db.Insert(member, Row(1u, 10u), Row(1u, 20u), Row(2u, 10u), Row(3u, 20u), Row(4u, 30u), Row(6u, 20u));
        var badge = _db.Create("badge", [("person_id", AlgebraicType.U32), ("label", AlgebraicType.String)]);
        _db.Insert(badge, Row(1u, "gold"), Row(1u, "silver"), Row(3u, "gold"), Row(9u, "orphan"));
        var city = _db.Create("city", [("name", AlgebraicType.String), ("team_id", AlgebraicType.U32)]);
        _db.Insert(city, Row("paris", 10u), Row("oslo", 20u), Row("rome", 20u));
    }

    public void Dispose() => _db.Dispose();

    private static ProductValue Person(uint id, string name, int age, double height, string? nick, Identity owner, long score) =>
        Row(id, name, age, height, nick is null ? AlgebraicValue.OptionNone : AlgebraicValue.OptionSome(AlgebraicValue.String(nick)), owner, score);

    private List<uint> Ids(string where, Identity? sender = null)
    {
        var ids = _db.Query($"SELECT id FROM p WHERE {where}", sender).Rows.Select(r => r[0].AsU32()).ToList();
        ids.Sort();
        return ids;
    }

    [Theory]
    [InlineData("age = 30", new uint[] { 1 })]
    [InlineData("age != 30", new uint[] { 2, 3, 4, 5, 6 })]
    [InlineData("age <> 30", new uint[] { 2, 3, 4, 5, 6 })]
    [InlineData("age < 0", new uint[] { 2, 4 })]
    [InlineData("age <= -5", new uint[] { 2, 4 })]
    [InlineData("age > -5", new uint[] { 1, 3, 5, 6 })]
    [InlineData("age >= -5", new uint[] { 1, 2, 3, 5, 6 })]
    [InlineData("age > -41 AND age < -4", new uint[] { 2, 4 })]
    [InlineData("age > 100", new uint[0])]
    [InlineData("age > 10 AND age < 5", new uint[0])]
    [InlineData("-5 >= age", new uint[] { 2, 4 })]
    [InlineData("score = -7", new uint[] { 6 })]
    [InlineData("score < -50", new uint[] { 2 })]
    [InlineData("score >= 0", new uint[] { 1, 3, 4, 5 })]
    [InlineData("score <= -7", new uint[] { 2, 6 })]
    [InlineData("score > -8 AND score < 6", new uint[] { 3, 4, 6 })]
    [InlineData("id >= 5", new uint[] { 5, 6 })]
    [InlineData("id < 2", new uint[] { 1 })]
    public void Every_comparison_operator_filters_signed_integers_through_indexes_and_scans(string where, uint[] expected)
    {
        Assert.Equal(expected, Ids(where));
    }

    [Theory]
    [InlineData("name = 'Émile'", new uint[] { 3 })]
    [InlineData("name = 'emile'", new uint[0])]
    [InlineData("name = '日本'", new uint[] { 5 })]
    [InlineData("name > 'z'", new uint[] { 3, 4, 5, 6 })]
    [InlineData("name < 'Ω'", new uint[] { 1, 2, 3, 4 })]
    [InlineData("name >= 'Ａ'", new uint[] { 6 })]
    [InlineData("NOT name < 'Ａ'", new uint[] { 6 })]
    [InlineData("name > '日' AND name < '😀'", new uint[] { 5 })]
    [InlineData("name != 'bob'", new uint[] { 1, 3, 4, 5, 6 })]
    public void Strings_compare_by_code_point_including_non_ascii_and_astral_characters(string where, uint[] expected)
    {
        // 😀 (U+1F600) is above Ａ (U+FF21) in code point order, though below it in UTF-16 order.
        Assert.Equal(expected, Ids(where));
    }

    [Theory]
    [InlineData("height = 0.0", new uint[] { 2, 3 })]
    [InlineData("height = -0.0", new uint[] { 2, 3 })]
    [InlineData("height = 0", new uint[] { 2, 3 })]
    [InlineData("height < 0", new uint[] { 4 })]
    [InlineData("height <= 0", new uint[] { 2, 3, 4 })]
    [InlineData("height > -0.0", new uint[] { 1, 5, 6 })]
    [InlineData("height >= 0", new uint[] { 1, 2, 3, 5, 6 })]
    [InlineData("height != 0", new uint[] { 1, 4, 5, 6 })]
    [InlineData("height = 0.1", new uint[] { 6 })]
    [InlineData("height > 1e0 AND height < 2.5", new uint[] { 1 })]
    public void Floats_compare_numerically_and_minus_zero_equals_zero(string where, uint[] expected)
    {
        Assert.Equal(expected, Ids(where));
    }

    [Theory]
    [InlineData("nick = NULL", new uint[] { 2, 4, 6 })]
    [InlineData("nick != NULL", new uint[] { 1, 3, 5 })]
    [InlineData("nick = 'em'", new uint[] { 3 })]
    [InlineData("nick = ''", new uint[] { 5 })]
    [InlineData("nick != 'em'", new uint[] { 1, 2, 4, 5, 6 })]
    public void Optional_columns_compare_with_null_and_with_values(string where, uint[] expected)
    {
        Assert.Equal(expected, Ids(where));
    }

    [Fact]
    public void Identity_columns_compare_with_the_sender_and_with_hex()
    {
        Assert.Equal([1u, 3, 6], Ids("owner = :sender", Ann));
        Assert.Equal([2u, 5], Ids("owner = :sender", Bob));
        Assert.Equal([1u, 2, 3, 5, 6], Ids("owner != :sender", Cy));
        Assert.Equal([4u], Ids("owner = 0x03"));
        Assert.Equal([4u], Ids($"owner = '{Cy.ToHexString()}'"));
        Assert.Equal([2u, 4, 5], Ids("owner > 0x01"));
    }

    [Theory]
    [InlineData("age > 0 AND height > 1", new uint[] { 1 })]
    [InlineData("age < 0 OR name = 'ann'", new uint[] { 1, 2, 4 })]
    [InlineData("NOT (age < 0 OR name = 'ann')", new uint[] { 3, 5, 6 })]
    [InlineData("NOT NOT age = 30", new uint[] { 1 })]
    [InlineData("(age = 30 OR age = 42) AND (nick = 'em' OR score > 50)", new uint[] { 1, 3 })]
    [InlineData("age = 30 OR age = 42 AND nick = 'em'", new uint[] { 1, 3 })]
    [InlineData("NOT age = 30 AND NOT age = 42", new uint[] { 2, 4, 5, 6 })]
    [InlineData("TRUE", new uint[] { 1, 2, 3, 4, 5, 6 })]
    [InlineData("FALSE OR id = 2", new uint[] { 2 })]
    [InlineData("NOT TRUE", new uint[0])]
    [InlineData("name = 'ann' AND name = 'bob'", new uint[0])]
    public void And_or_not_combine_conditions_with_sql_precedence(string where, uint[] expected)
    {
        Assert.Equal(expected, Ids(where));
    }

    [Fact]
    public void Select_star_returns_whole_rows_with_canonical_column_names()
    {
        var result = _db.Query("SELECT * FROM p WHERE id = 2");
        Assert.Equal(["id", "name", "age", "height", "nick", "owner", "score"], result.Schema.Elements.Select(e => e.Name));
        Assert.Equal(Person(2, "bob", -5, 0.0, null, Bob, -100), Assert.Single(result.Rows));
    }

    [Fact]
    public void Column_projections_return_the_chosen_columns_under_their_aliases()
    {
        var result = _db.Query("SELECT name, age AS years, p.nick n, owner FROM p WHERE id = 3");
        Assert.Equal(["name", "years", "n", "owner"], result.Schema.Elements.Select(e => e.Name));
        Assert.Equal([AlgebraicType.String, AlgebraicType.I32, AlgebraicType.Option(AlgebraicType.String), AlgebraicType.Identity], result.Schema.Elements.Select(e => e.Type));
        Assert.Equal(Row("Émile", 42, AlgebraicValue.OptionSome(AlgebraicValue.String("em")), Ann), Assert.Single(result.Rows));
        Assert.Equal(["(\"ann\", \"ann\")"], _db.Rows("SELECT name, name AS again FROM p WHERE id = 1"));
    }

    [Fact]
    public void Count_returns_one_row_with_the_number_of_matches_even_when_there_are_none()
    {
        var result = _db.Query("SELECT COUNT(*) AS n FROM p");
        Assert.Equal("n", Assert.Single(result.Schema.Elements).Name);
        Assert.Equal(AlgebraicType.U64, result.Schema.Elements[0].Type);
        Assert.Equal(["(6)"], _db.Rows("SELECT COUNT(*) AS n FROM p"));
        Assert.Equal(["(2)"], _db.Rows("SELECT COUNT(*) AS n FROM p WHERE age < 0"));
        Assert.Equal(["(0)"], _db.Rows("SELECT COUNT(*) AS n FROM p WHERE age > 1000"));
        Assert.Equal(["(18)"], _db.Rows("SELECT COUNT(*) AS n FROM p CROSS JOIN team"));
        Assert.Equal(["(6)"], _db.Rows("SELECT COUNT(*) AS total FROM p JOIN member ON member.person_id = p.id"));
    }

    [Fact]
    public void Limit_bounds_the_count_row_not_the_rows_counted()
    {
        Assert.Equal(["(6)"], _db.Rows("SELECT COUNT(*) AS n FROM p LIMIT 1"));
        Assert.Equal(["(4)"], _db.Rows("SELECT COUNT(*) AS n FROM p WHERE age >= 0 LIMIT 2"));
        Assert.Empty(_db.Rows("SELECT COUNT(*) AS n FROM p LIMIT 0"));
    }

    [Fact]
    public void Limit_bounds_the_number_of_rows()
    {
        Assert.Equal(2, _db.Rows("SELECT * FROM p LIMIT 2").Count);
        Assert.Equal(6, _db.Rows("SELECT * FROM p LIMIT 100").Count);
        Assert.Equal(2, _db.Rows("SELECT id FROM p WHERE age < 0 LIMIT 5").Count);
        Assert.Equal(3, _db.Rows("SELECT p.* FROM p JOIN member ON member.person_id = p.id LIMIT 3").Count);
        Assert.Single(_db.Rows("SELECT * FROM p WHERE age < 0 LIMIT 1"), r => r.Contains("bob", StringComparison.Ordinal) || r.Contains("zoë", StringComparison.Ordinal));
    }

    [Fact]
    public void Limit_zero_returns_no_rows_but_keeps_the_columns()
    {
        var result = _db.Query("SELECT name AS who FROM p LIMIT 0");
        Assert.Empty(result.Rows);
        Assert.Equal("who", Assert.Single(result.Schema.Elements).Name);
        Assert.Empty(_db.Query("SELECT * FROM p LIMIT 0").Rows);
    }

    [Fact]
    public void A_two_table_join_through_an_index_returns_a_row_per_match()
    {
        Assert.Equal(["(\"ann\")", "(\"bob\")"], _db.SortedRows("SELECT p.name FROM member JOIN p ON p.id = member.person_id WHERE member.team_id = 10"));
        // ann belongs to two teams, so her row comes twice.
        Assert.Equal(["(\"ann\")", "(\"ann\")", "(\"bob\")", "(\"zoë\")", "(\"Émile\")", "(\"😀\")"], _db.SortedRows("SELECT p.name FROM p JOIN member ON member.person_id = p.id"));
    }

    [Fact]
    public void A_two_table_join_without_an_index_returns_the_same_pairs()
    {
        Assert.Equal(["(\"ann\", \"gold\")", "(\"ann\", \"silver\")", "(\"Émile\", \"gold\")"], _db.SortedRows("SELECT p.name, badge.label FROM p JOIN badge ON badge.person_id = p.id"));
        Assert.Equal(["(\"ann\", \"gold\")", "(\"ann\", \"silver\")", "(\"Émile\", \"gold\")"], _db.SortedRows("SELECT p.name, badge.label FROM badge JOIN p ON badge.person_id = p.id"));
        Assert.Equal(["(\"gold\")", "(\"gold\")", "(\"silver\")"], _db.SortedRows("SELECT b.label FROM badge b JOIN p ON p.id = b.person_id WHERE p.owner = 0x01"));
    }

    [Fact]
    public void A_three_table_join_follows_both_conditions()
    {
        Assert.Equal(
            ["(\"ann\", \"blue\")", "(\"ann\", \"red\")", "(\"bob\", \"red\")", "(\"zoë\", \"gray\")", "(\"Émile\", \"blue\")", "(\"😀\", \"blue\")"],
            _db.SortedRows("SELECT p.name, t.name AS team FROM p JOIN member m ON m.person_id = p.id JOIN team t ON t.id = m.team_id"));
    }

    [Fact]
    public void A_three_table_join_tests_conditions_across_tables()
    {
        // Members at least as old as their team's minimum age.
        Assert.Equal(
            ["(\"ann\", \"blue\")", "(\"ann\", \"red\")", "(\"zoë\", \"gray\")", "(\"Émile\", \"blue\")"],
            _db.SortedRows("SELECT p.name, t.name AS team FROM p JOIN member m ON m.person_id = p.id JOIN team t ON t.id = m.team_id WHERE p.age >= t.min_age"));
    }

    [Fact]
    public void A_four_table_join_with_and_without_indexes_and_conditions_across_tables()
    {
        const string Sql = "SELECT p.name, c.name AS city FROM p JOIN member m ON m.person_id = p.id JOIN team t ON t.id = m.team_id JOIN city c ON c.team_id = t.id";
        Assert.Equal(
            ["(\"ann\", \"oslo\")", "(\"ann\", \"paris\")", "(\"ann\", \"rome\")", "(\"bob\", \"paris\")", "(\"Émile\", \"oslo\")", "(\"Émile\", \"rome\")", "(\"😀\", \"oslo\")", "(\"😀\", \"rome\")"],
            _db.SortedRows(Sql));
        Assert.Equal(
            ["(\"ann\", \"oslo\")", "(\"ann\", \"paris\")", "(\"ann\", \"rome\")", "(\"Émile\", \"oslo\")", "(\"Émile\", \"rome\")"],
            _db.SortedRows(Sql + " WHERE p.age > t.min_age AND c.name != p.name"));
        Assert.Equal(["(\"bob\", \"paris\")"], _db.SortedRows(Sql + " WHERE c.name < 'q' AND p.age < 0"));
        // The same join written in another order, with conditions moved between ON and WHERE.
        Assert.Equal(_db.SortedRows(Sql),
            _db.SortedRows("SELECT p.name, c.name AS city FROM city c JOIN team t ON TRUE JOIN member m ON m.team_id = t.id JOIN p WHERE p.id = m.person_id AND c.team_id = t.id"));
    }

    [Fact]
    public void A_self_join_with_aliases_pairs_rows_of_one_table()
    {
        Assert.Equal(
            ["(\"ann\", \"Émile\")", "(\"ann\", \"😀\")", "(\"bob\", \"日本\")", "(\"Émile\", \"😀\")"],
            _db.SortedRows("SELECT a.name, b.name AS other FROM p a JOIN p b ON a.owner = b.owner WHERE a.id < b.id"));
        Assert.Equal(["(3)"], _db.Rows("SELECT COUNT(*) AS n FROM p a JOIN p b ON a.age < b.age WHERE b.age < 1"));
        Assert.Equal(["(\"ann\")", "(\"ann\")"], _db.SortedRows("SELECT x.name FROM p x JOIN p y ON x.owner = y.owner WHERE y.id != x.id AND x.id = 1"));
    }

    [Fact]
    public void A_join_projecting_rows_of_one_side_returns_that_tables_rows()
    {
        var result = _db.Query("SELECT t.* FROM member m JOIN team t ON t.id = m.team_id WHERE m.person_id = 4");
        Assert.Equal(["id", "name", "min_age"], result.Schema.Elements.Select(e => e.Name));
        Assert.Equal(Row(30u, "gray", -100), Assert.Single(result.Rows));
    }

    [Fact]
    public void A_cross_join_pairs_every_row_with_every_row()
    {
        var rows = _db.SortedRows("SELECT team.name, city.name AS city FROM team CROSS JOIN city WHERE team.id = 10");
        Assert.Equal(["(\"red\", \"oslo\")", "(\"red\", \"paris\")", "(\"red\", \"rome\")"], rows);
    }

    [Theory]
    [InlineData("SELECT * FROM p WHERE age = 'x'", "'x' cannot be compared with column 'age' of type i32.")]
    [InlineData("SELECT * FROM nowhere", "Unknown table 'nowhere'.")]
    [InlineData("SELECT * FROM p WHERE name = 1", "1 cannot be compared with column 'name' of type string.")]
    [InlineData("SELECT * FROM p WHERE height = 1 + 1", "Arithmetic is not supported.")]
    [InlineData("SELECT * FROM p ORDER BY id HAVING x", "HAVING is not supported here (position 28).")]
    [InlineData("SELECT * FROM p LIMIT -1", "LIMIT needs a non-negative integer, got '-1' at position 22.")]
    [InlineData("SELECT p.*, id FROM p", "A wildcard cannot be mixed with other projections.")]
    [InlineData("SELECT COUNT(*) FROM p", "COUNT(*) needs an alias: COUNT(*) AS n.")]
    public void Bad_queries_get_a_clear_error(string sql, string message)
    {
        TestDatabase.AssertMessage(message, Error(() => _db.Query(sql)));
    }

    [Fact]
    public void A_query_reads_the_state_it_is_given_not_later_commits()
    {
        var before = _db.Store.Committed;
        _db.Insert(_person, Person(7, "new", 1, 1, null, Ann, 1));
        var select = (SelectStatement)SqlParser.ParseStatement("SELECT COUNT(*) AS n FROM p");
        Assert.Equal(6UL, SqlExecutor.Query(select, _db.Catalog, before, Ann, isOwner: true).Rows[0][0].AsU64());
        Assert.Equal(7UL, SqlExecutor.Query(select, _db.Catalog, _db.Store.Committed, Ann, isOwner: true).Rows[0][0].AsU64());
    }
}
