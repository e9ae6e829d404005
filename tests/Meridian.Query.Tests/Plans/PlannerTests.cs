using Meridian.Query.Plans;
using Meridian.Query.Subscriptions;
using Meridian.Sats.Types;
using Meridian.Storage.Schema;

namespace Meridian.Query.Tests.Plans;

public sealed class PlannerTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public PlannerTests()
    {
        // u: a primary key, a btree on a string, a btree on a float, a hash index, and an unindexed integer.
        _db.Create("u", [("id", AlgebraicType.U64), ("name", AlgebraicType.String), ("age", AlgebraicType.I32), ("balance", AlgebraicType.F64), ("region", AlgebraicType.U8)],
            indexes: [new IndexSchema("u_name", [1]), new IndexSchema("u_balance", [3]), new IndexSchema("u_region", [4], IndexAlgorithm.Hash)], primaryKey: 0);
        // m: a two-column btree (u_id, g_id) and nothing else.
        _db.Create("m", [("u_id", AlgebraicType.U64), ("g_id", AlgebraicType.U64), ("role", AlgebraicType.String)],
            indexes: [new IndexSchema("m_u_g", [0, 1])]);
        // g: no index at all.
        _db.Create("g", [("id", AlgebraicType.U64), ("title", AlgebraicType.String)]);
        // k: a plain and a unique index on the same column, a long non-unique and a short unique index on the same prefix.
        _db.Create("k", [("a", AlgebraicType.U32), ("b", AlgebraicType.U32), ("c", AlgebraicType.U32)],
            indexes:
            [
                new IndexSchema("k_a_plain", [0]), new IndexSchema("k_a_unique", [0], isUnique: true),
                new IndexSchema("k_bca_plain", [1, 2, 0]), new IndexSchema("k_bc_unique", [1, 2], isUnique: true),
            ]);
        // h: a two-column hash index, which serves full keys only.
        _db.Create("h", [("a", AlgebraicType.U32), ("b", AlgebraicType.U32)], indexes: [new IndexSchema("h_ab", [0, 1], IndexAlgorithm.Hash)]);
    }

    public void Dispose() => _db.Dispose();

    private string Step(string sql) => Assert.Single(_db.Steps(sql));

    [Fact]
    public void Literal_equality_on_the_primary_key_is_an_index_lookup()
    {
        Assert.Equal("index lookup u as u via u_id_idx_btree = (0x0500000000000000) where #0.0 = 5", Step("SELECT * FROM u WHERE id = 5"));
    }

    [Fact]
    public void Literal_equality_on_a_string_and_on_a_hash_indexed_column_is_an_index_lookup()
    {
        Assert.Equal("index lookup u as u via u_name = (0x0300000061626d) where #0.1 = \"abm\"", Step("SELECT * FROM u WHERE name = 'abm'"));
        Assert.Equal("index lookup u as u via u_region = (0x07) where #0.4 = 7", Step("SELECT * FROM u WHERE region = 7"));
    }

    [Fact]
    public void Equality_on_a_float_column_does_not_use_its_index_because_minus_zero_equals_zero()
    {
        Assert.Equal("scan u as u where #0.3 = 1.5", Step("SELECT * FROM u WHERE balance = 1.5"));
        Assert.Equal("scan u as u where #0.3 < 1.5", Step("SELECT * FROM u WHERE balance < 1.5"));
    }

    [Fact]
    public void A_leading_prefix_of_a_multi_column_index_is_looked_up()
    {
        Assert.Equal("index lookup m as m via m_u_g = (0x0100000000000000) where #0.0 = 1", Step("SELECT * FROM m WHERE u_id = 1"));
        Assert.Equal("index lookup m as m via m_u_g = (0x0100000000000000, 0x0200000000000000) where #0.1 = 2 and #0.0 = 1",
            Step("SELECT * FROM m WHERE g_id = 2 AND u_id = 1"));
    }

    [Fact]
    public void A_condition_on_a_later_index_column_alone_is_not_a_prefix()
    {
        Assert.Equal("scan m as m where #0.1 = 2", Step("SELECT * FROM m WHERE g_id = 2"));
    }

    [Fact]
    public void A_unique_index_is_preferred_when_it_covers_as_many_columns()
    {
        Assert.StartsWith("index lookup k as k via k_a_unique = ", Step("SELECT * FROM k WHERE a = 1"), StringComparison.Ordinal);
        Assert.StartsWith("index lookup k as k via k_bc_unique = ", Step("SELECT * FROM k WHERE b = 1 AND c = 2"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_index_covering_more_columns_wins_over_a_unique_one_covering_fewer()
    {
        Assert.StartsWith("index lookup k as k via k_bca_plain = (0x01000000, 0x02000000, 0x03000000)", Step("SELECT * FROM k WHERE a = 3 AND b = 1 AND c = 2"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_hash_index_needs_every_key_column()
    {
        Assert.Equal("scan h as h where #0.0 = 1", Step("SELECT * FROM h WHERE a = 1"));
        Assert.Equal("index lookup h as h via h_ab = (0x01000000, 0x02000000) where #0.0 = 1 and #0.1 = 2", Step("SELECT * FROM h WHERE a = 1 AND b = 2"));
        Assert.Equal("scan h as h where #0.0 > 1", Step("SELECT * FROM h WHERE a > 1"));
    }

    [Theory]
    [InlineData("SELECT * FROM u WHERE id > 5", "index range u as u via u_id_idx_btree #0.0 > 5 where #0.0 > 5")]
    [InlineData("SELECT * FROM u WHERE id >= 5 AND id < 9", "index range u as u via u_id_idx_btree #0.0 >= 5 and #0.0 < 9 where #0.0 >= 5 and #0.0 < 9")]
    [InlineData("SELECT * FROM u WHERE 9 >= id", "index range u as u via u_id_idx_btree #0.0 <= 9 where #0.0 <= 9")]
    [InlineData("SELECT * FROM u WHERE name < 'm'", "index range u as u via u_name #0.1 < \"m\" where #0.1 < \"m\"")]
    [InlineData("SELECT * FROM m WHERE u_id <= 3", "index range m as m via m_u_g #0.0 <= 3 where #0.0 <= 3")]
    public void Range_conditions_on_the_first_column_of_a_btree_of_integers_or_strings_are_index_ranges(string sql, string step)
    {
        Assert.Equal(step, Step(sql));
    }

    [Theory]
    [InlineData("SELECT * FROM u WHERE age > 5", "scan u as u where #0.2 > 5")]
    [InlineData("SELECT * FROM u WHERE id != 5", "scan u as u where #0.0 != 5")]
    [InlineData("SELECT * FROM m WHERE g_id > 5", "scan m as m where #0.1 > 5")]
    [InlineData("SELECT * FROM u WHERE id > 5 OR id < 2", "scan u as u where (#0.0 > 5 OR #0.0 < 2)")]
    [InlineData("SELECT * FROM u WHERE NOT id > 5", "scan u as u where NOT #0.0 > 5")]
    public void Conditions_no_index_serves_are_tested_on_a_scan(string sql, string step)
    {
        Assert.Equal(step, Step(sql));
    }

    [Fact]
    public void An_equality_beats_a_range_on_the_same_table()
    {
        Assert.StartsWith("index lookup u as u via u_name = ", Step("SELECT * FROM u WHERE id > 5 AND name = 'x'"), StringComparison.Ordinal);
    }

    [Fact]
    public void An_equi_join_looks_the_other_side_up_in_its_index_keyed_by_the_bound_column()
    {
        Assert.Equal(["scan m as m", "index lookup u as u via u_id_idx_btree = (#0.0) where #1.0 = #0.0"], _db.Steps("SELECT u.* FROM m JOIN u ON u.id = m.u_id"));
        Assert.Equal(["scan u as u", "index lookup m as m via m_u_g = (#0.0) where #0.0 = #1.0"], _db.Steps("SELECT u.* FROM u JOIN m ON u.id = m.u_id"));
    }

    [Fact]
    public void An_equi_join_without_an_index_is_a_hash_lookup()
    {
        Assert.Equal(["scan m as m", "hash lookup g as g on (#1.0) = (#0.1) where #1.0 = #0.1"], _db.Steps("SELECT g.* FROM m JOIN g ON g.id = m.g_id"));
        Assert.Equal(["scan g as a", "hash lookup g as b on (#1.1) = (#0.1) where #0.1 = #1.1"], _db.Steps("SELECT a.* FROM g a JOIN g b ON a.title = b.title"));
    }

    [Fact]
    public void A_join_on_float_columns_is_neither_indexed_nor_hashed()
    {
        Assert.Equal(["scan u as a", "scan u as b where #0.3 = #1.3"], _db.Steps("SELECT a.* FROM u a JOIN u b ON a.balance = b.balance"));
    }

    [Fact]
    public void Tables_without_a_join_condition_are_scanned_as_a_cross_product()
    {
        Assert.Equal(["scan u as u", "scan g as g"], _db.Steps("SELECT u.* FROM u CROSS JOIN g"));
        Assert.Equal(["scan g as g", "scan m as m where #0.0 < #1.1"], _db.Steps("SELECT m.* FROM g JOIN m ON g.id < m.g_id"));
    }

    [Fact]
    public void The_plan_starts_from_the_source_a_literal_narrows_most()
    {
        Assert.Equal(
            ["index lookup u as u via u_name = (0x0100000078) where #1.1 = \"x\"", "index lookup m as m via m_u_g = (#1.0) where #0.0 = #1.0"],
            _db.Steps("SELECT m.* FROM m JOIN u ON m.u_id = u.id WHERE u.name = 'x'"));
        Assert.Equal(
            ["index range u as u via u_id_idx_btree #1.0 > 3 where #1.0 > 3", "index lookup m as m via m_u_g = (#1.0) where #0.0 = #1.0"],
            _db.Steps("SELECT m.* FROM m JOIN u ON m.u_id = u.id WHERE u.id > 3"));
    }

    [Fact]
    public void A_literal_fixes_an_index_column_in_preference_to_a_join_column()
    {
        // Driven by u's changes, m.u_id is fixed both by the join (u.id) and by a literal: the literal keys the lookup.
        var block = _db.Block("SELECT m.* FROM m JOIN u ON m.u_id = u.id WHERE u.name = 'x' AND m.u_id = 2");
        Assert.Equal(
            "changes of u as u where #1.1 = \"x\"\nindex lookup m as m via m_u_g = (0x0200000000000000) where #0.0 = #1.0 and #0.0 = 2",
            Planner.PlanDelta(block, 1).Explain());
    }

    [Fact]
    public void Each_condition_is_tested_at_the_first_step_that_binds_all_its_tables()
    {
        var steps = _db.Steps("SELECT u.* FROM u JOIN m ON u.id = m.u_id JOIN g ON g.id = m.g_id WHERE u.age > 30 AND g.title = 'x' AND u.name < g.title AND FALSE");
        Assert.Equal(3, steps.Length);
        Assert.Equal("scan u as u where #0.2 > 30 and FALSE", steps[0]);
        Assert.Equal("index lookup m as m via m_u_g = (#0.0) where #0.0 = #1.0", steps[1]);
        Assert.Equal("hash lookup g as g on (#2.0) = (#1.1) where #2.0 = #1.1 and #2.1 = \"x\" and #0.1 < #2.1", steps[2]);
    }

    [Fact]
    public void A_delta_plan_starts_from_the_changed_source_and_joins_the_others_to_it()
    {
        var block = _db.Block("SELECT u.* FROM u JOIN m ON u.id = m.u_id JOIN g ON g.id = m.g_id WHERE g.title = 'x'");
        Assert.Equal(
            "changes of u as u\nindex lookup m as m via m_u_g = (#0.0) where #0.0 = #1.0\nhash lookup g as g on (#2.0) = (#1.1) where #2.0 = #1.1 and #2.1 = \"x\"",
            Planner.PlanDelta(block, 0).Explain());
        Assert.Equal(
            "changes of m as m\nindex lookup u as u via u_id_idx_btree = (#1.0) where #0.0 = #1.0\nhash lookup g as g on (#2.0) = (#1.1) where #2.0 = #1.1 and #2.1 = \"x\"",
            Planner.PlanDelta(block, 1).Explain());
        Assert.Equal(
            "changes of g as g where #2.1 = \"x\"\nhash lookup m as m on (#1.1) = (#2.0) where #2.0 = #1.1\nindex lookup u as u via u_id_idx_btree = (#1.0) where #0.0 = #1.0",
            Planner.PlanDelta(block, 2).Explain());
    }

    [Fact]
    public void A_subscription_explains_its_initial_plan_and_one_delta_plan_per_source()
    {
        _db.Create("owner", [("id", AlgebraicType.U32), ("team", AlgebraicType.U32)], primaryKey: 0);
        _db.Create("pet", [("id", AlgebraicType.U32), ("owner_id", AlgebraicType.U32)], indexes: [new IndexSchema("pet_owner", [1])], primaryKey: 0);
        var query = SubscriptionQuery.Compile("SELECT p.* FROM owner o JOIN pet p ON o.id = p.owner_id WHERE o.team = 3", _db.Catalog, TestDatabase.Owner, isOwner: true);
        Assert.Equal(
            """
            initial:
            scan owner as o where #0.1 = 3
            index lookup pet as p via pet_owner = (#0.0) where #0.0 = #1.1
            delta of #0 (o):
            changes of owner as o where #0.1 = 3
            index lookup pet as p via pet_owner = (#0.0) where #0.0 = #1.1
            delta of #1 (p):
            changes of pet as p
            index lookup owner as o via owner_id_idx_btree = (#1.1) where #0.0 = #1.1 and #0.1 = 3
            """, query.Explain());
    }

    [Fact]
    public void Explain_shows_the_logical_plan_above_the_physical_steps()
    {
        Assert.Equal(
            """
            Aggregate COUNT(*) as n
              Filter #0.0 = 5
                Scan u as u (#0)
            --
            index lookup u as u via u_id_idx_btree = (0x0500000000000000) where #0.0 = 5
            """, _db.Explain("SELECT COUNT(*) AS n FROM u WHERE id = 5"));
    }
}
