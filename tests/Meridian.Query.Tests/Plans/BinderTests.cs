using Meridian.Query.Catalog;
using Meridian.Query.Plans;
using Meridian.Query.Sql;
using Meridian.Sats.Types;
using Meridian.Storage.Schema;
using static Meridian.Query.Tests.TestDatabase;

namespace Meridian.Query.Tests.Plans;

public sealed class BinderTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public BinderTests()
    {
        _db.Create("t", [("id", AlgebraicType.U32), ("name", AlgebraicType.String), ("score", AlgebraicType.I32)], primaryKey: 0);
        _db.Create("s", [("id", AlgebraicType.U32), ("t_id", AlgebraicType.U32), ("tag", AlgebraicType.String)]);
        _db.Create("secret", [("id", AlgebraicType.U32)], access: TableAccess.Private);
        // Canonical names are snake_case; the module's source (accessor) names are PascalCase.
        _db.Create(new TableSchema("player_state", AlgebraicType.Product(("player_id", AlgebraicType.U64), ("display_name", AlgebraicType.String))),
            accessor: "PlayerState", columnAccessors: ["PlayerId", "DisplayName"]);
    }

    public void Dispose() => _db.Dispose();

    private BoundExpr.Comparison Where(string sql)
    {
        var plan = _db.Bind(sql);
        while (plan is not LogicalPlan.Filter)
        {
            plan = plan switch
            {
                LogicalPlan.Project p => p.Input,
                LogicalPlan.Limit l => l.Input,
                LogicalPlan.Aggregate a => a.Input,
                LogicalPlan.Sort o => o.Input,
                _ => throw new InvalidOperationException($"No filter in {plan.Describe()}"),
            };
        }
        return Assert.IsType<BoundExpr.Comparison>(((LogicalPlan.Filter)plan).Predicate);
    }

    [Fact]
    public void Describes_a_single_table_select_as_project_over_filter_over_scan()
    {
        Assert.Equal(
            """
            Project t.*
              Filter #0.0 = 7
                Scan t as t (#0)
            """, _db.Bind("SELECT * FROM t WHERE id = 7").Describe());
    }

    [Fact]
    public void Describes_joins_left_deep_with_their_on_conditions_and_the_limit_on_top()
    {
        Assert.Equal(
            """
            Limit 3
              Project #0.1 as n, #2.2 as tag
                Filter #1.2 = "x"
                  Join on #2.1 = #1.0
                    Join on #0.0 = #1.1
                      Scan t as a (#0)
                      Scan s as b (#1)
                    Scan s as c (#2)
            """, _db.Bind("SELECT a.name AS n, c.tag FROM t a JOIN s b ON a.id = b.t_id JOIN s c ON c.t_id = b.id WHERE b.tag = 'x' LIMIT 3").Describe());
    }

    [Fact]
    public void Describes_a_count_and_a_cross_join_without_condition()
    {
        Assert.Equal(
            """
            Aggregate COUNT(*) as n
              Join
                Scan t as t (#0)
                Scan s as s (#1)
            """, _db.Bind("SELECT COUNT(*) AS n FROM t CROSS JOIN s").Describe());
    }

    [Fact]
    public void A_where_condition_keeps_its_and_or_not_structure()
    {
        var plan = _db.Bind("SELECT * FROM t WHERE NOT (id = 1 OR score < 0) AND name != 'x'");
        var filter = Assert.IsType<LogicalPlan.Filter>(((LogicalPlan.Project)plan).Input);
        Assert.Equal("(NOT (#0.0 = 1 OR #0.2 < 0) AND #0.1 != \"x\")", filter.Predicate.ToString());
    }

    [Theory]
    [InlineData("SELECT * FROM t WHERE 5 < score", "#0.2 > 5")]
    [InlineData("SELECT * FROM t WHERE 5 <= score", "#0.2 >= 5")]
    [InlineData("SELECT * FROM t WHERE 5 > score", "#0.2 < 5")]
    [InlineData("SELECT * FROM t WHERE 5 >= score", "#0.2 <= 5")]
    [InlineData("SELECT * FROM t WHERE 5 = score", "#0.2 = 5")]
    [InlineData("SELECT * FROM t WHERE 5 <> score", "#0.2 != 5")]
    [InlineData("SELECT * FROM t WHERE 'bo' < name", "#0.1 > \"bo\"")]
    public void Literal_first_comparisons_are_flipped_column_first(string sql, string bound)
    {
        var comparison = Where(sql);
        Assert.IsType<BoundExpr.Literal>(comparison.Right);
        Assert.Equal(bound, comparison.ToString());
    }

    [Fact]
    public void Column_to_column_comparisons_keep_their_written_order()
    {
        Assert.Equal("#1.1 < #0.0", Where("SELECT t.* FROM t JOIN s ON TRUE WHERE s.t_id < t.id").ToString());
    }

    [Theory]
    [InlineData("SELECT * FROM t WHERE id = 1")]
    [InlineData("SELECT * FROM t WHERE t.id = 1")]
    [InlineData("SELECT * FROM t AS x WHERE x.id = 1")]
    [InlineData("SELECT * FROM t x WHERE id = 1")]
    [InlineData("SELECT * FROM \"t\" WHERE \"t\".\"id\" = 1")]
    [InlineData("SELECT x.* FROM \"t\" \"x\" WHERE \"x\".id = 1")]
    public void Columns_resolve_qualified_unqualified_aliased_and_quoted(string sql)
    {
        var comparison = Where(sql);
        Assert.Equal(new ColumnRef(0, 0), comparison.Left.Ref);
        Assert.Equal(AlgebraicType.U32, comparison.Left.Type);
    }

    [Fact]
    public void A_table_resolves_by_canonical_and_by_accessor_name_and_results_carry_the_canonical_name()
    {
        var byCanonical = QueryBlock.From(_db.Bind("SELECT * FROM player_state"));
        var byAccessor = QueryBlock.From(_db.Bind("SELECT * FROM PlayerState"));
        Assert.Equal("player_state", byAccessor.Sources[0].Table.Name);
        Assert.Equal(byCanonical.Signature, byAccessor.Signature);
        Assert.Equal("PlayerState", byAccessor.Sources[0].Alias);
    }

    [Fact]
    public void A_column_resolves_by_accessor_and_by_canonical_name()
    {
        Assert.Equal(new ColumnRef(0, 0), Where("SELECT * FROM PlayerState WHERE PlayerId = 1").Left.Ref);
        Assert.Equal(new ColumnRef(0, 0), Where("SELECT * FROM PlayerState WHERE player_id = 1").Left.Ref);
        Assert.Equal(new ColumnRef(0, 1), Where("SELECT * FROM player_state WHERE player_state.DisplayName = 'x'").Left.Ref);
        Assert.Equal(new ColumnRef(0, 1), Where("SELECT * FROM \"PlayerState\" WHERE \"PlayerState\".\"display_name\" = 'x'").Left.Ref);
    }

    [Fact]
    public void Canonical_table_names_win_over_another_tables_accessor_name()
    {
        using var db = new TestDatabase();
        db.Create(new TableSchema("alpha", AlgebraicType.Product(("a", AlgebraicType.U8))), accessor: "beta");
        db.Create(new TableSchema("beta", AlgebraicType.Product(("b", AlgebraicType.U8))));
        Assert.Equal("beta", QueryBlock.From(db.Bind("SELECT * FROM beta")).Sources[0].Table.Name);
        Assert.Equal("alpha", QueryBlock.From(db.Bind("SELECT * FROM alpha")).Sources[0].Table.Name);
    }

    [Fact]
    public void Accessor_column_names_win_over_another_columns_canonical_name()
    {
        // Column 0 is canonically "a" with source name "b"; column 1 is canonically "b" with source name "c".
        using var db = new TestDatabase();
        db.Create(new TableSchema("w", AlgebraicType.Product(("a", AlgebraicType.U8), ("b", AlgebraicType.String))), columnAccessors: ["b", "c"]);
        var table = db.Table("w");
        Assert.Equal(0, table.ColumnIndex("b"));
        Assert.Equal(0, table.ColumnIndex("a"));
        Assert.Equal(1, table.ColumnIndex("c"));
        Assert.Equal(-1, table.ColumnIndex("B"));
        Assert.Equal(AlgebraicType.U8, ((BoundExpr.Comparison)((LogicalPlan.Filter)((LogicalPlan.Project)db.Bind("SELECT * FROM w WHERE b = 1")).Input).Predicate).Left.Type);
    }

    [Fact]
    public void Projected_columns_are_named_canonically_unless_aliased()
    {
        var result = _db.Query("SELECT PlayerId, DisplayName AS who, PlayerState.player_id AS again FROM PlayerState");
        Assert.Equal(["player_id", "who", "again"], ((ProductType)result.Schema).Elements.Select(e => e.Name));
        Assert.Equal(["player_id", "display_name"], _db.Query("SELECT * FROM PlayerState").Schema.Elements.Select(e => e.Name));
    }

    [Fact]
    public void Names_are_case_sensitive()
    {
        Assert.Equal("Unknown table 'T' at position 14. Did you mean 't'?", Error(() => _db.Bind("SELECT * FROM T")));
        Assert.Equal("Unknown column 'ID' in table 't' at position 22. Did you mean 'id'?", Error(() => _db.Bind("SELECT * FROM t WHERE ID = 1")));
    }

    [Theory]
    [InlineData("SELECT * FROM nope", "Unknown table 'nope'.")]
    [InlineData("SELECT t.* FROM t JOIN nope ON t.id = nope.id", "Unknown table 'nope'.")]
    [InlineData("SELECT * FROM t WHERE nope = 1", "Unknown column 'nope' in table 't'.")]
    [InlineData("SELECT nope FROM t", "Unknown column 'nope' in table 't'.")]
    [InlineData("SELECT * FROM t WHERE q.id = 1", "Unknown table or alias 'q' in 'q.id'.")]
    [InlineData("SELECT * FROM t x WHERE t.id = 1", "Unknown table or alias 't' in 't.id'.")]
    [InlineData("SELECT q.* FROM t", "Unknown table or alias 'q' in 'q.*'.")]
    [InlineData("SELECT t.* FROM t JOIN s ON t.id = s.nope", "Unknown column 'nope' in table 's'.")]
    [InlineData("SELECT t.* FROM t JOIN s ON t.id = t_id", "Names must be qualified when using joins: write t.t_id or similar.")]
    [InlineData("SELECT id FROM t JOIN s ON t.id = s.t_id", "Names must be qualified when using joins: write t.id or similar.")]
    [InlineData("SELECT * FROM t JOIN s ON t.id = s.t_id", "With joins, select one table's rows (SELECT t.*) or name the columns.")]
    [InlineData("SELECT t.* FROM t JOIN t ON t.id = t.id", "Each table of a join needs a distinct name: give repeated tables an alias.")]
    [InlineData("SELECT a.* FROM t a JOIN s a ON a.id = a.id", "Each table of a join needs a distinct name: give repeated tables an alias.")]
    public void Unresolvable_names_are_refused_with_a_message_naming_them(string sql, string message)
    {
        TestDatabase.AssertMessage(message, Error(() => _db.Bind(sql)));
    }

    [Fact]
    public void Private_tables_are_refused_to_non_owners_and_readable_by_the_owner()
    {
        // A private table is unknown to non-owners: the error does not reveal that it exists, nor suggests it.
        Assert.Equal("Unknown table 'secret' at position 14.", Error(() => _db.Bind("SELECT * FROM secret", isOwner: false)));
        Assert.Equal("Unknown table 'secret' at position 23.", Error(() => _db.Bind("SELECT t.* FROM t JOIN secret ON t.id = secret.id", isOwner: false)));
        Assert.Equal("Unknown table 'secret' at position 26.", Error(() => _db.Query("SELECT COUNT(*) AS n FROM secret", isOwner: false)));
        Assert.Equal("Unknown table 'secret' at position 14.", Error(() => _db.Explain("SELECT * FROM secret", isOwner: false)));
        Assert.Equal("Unknown table 'secrt' at position 14.", Error(() => _db.Bind("SELECT * FROM secrt", isOwner: false)));
        Assert.Equal("Unknown table 'secrt' at position 14. Did you mean 'secret'?", Error(() => _db.Bind("SELECT * FROM secrt", isOwner: true)));
        Assert.NotNull(_db.Bind("SELECT * FROM secret", isOwner: true));
        Assert.NotNull(_db.Bind("SELECT * FROM t", isOwner: false));
    }

    [Theory]
    [InlineData("SELECT * FROM t WHERE t.name = t.id", "Cannot compare t.name (string) with t.id (u32).")]
    [InlineData("SELECT t.* FROM t JOIN s ON t.id = s.tag", "Cannot compare t.id (u32) with s.tag (string).")]
    [InlineData("SELECT * FROM t WHERE name = 5", "5 cannot be compared with column 'name' of type string.")]
    [InlineData("SELECT * FROM t WHERE id = 'x'", "'x' cannot be compared with column 'id' of type u32.")]
    [InlineData("SELECT * FROM t WHERE id = TRUE", "TRUE cannot be compared with column 'id' of type u32.")]
    [InlineData("SELECT * FROM t WHERE id = :sender", ":sender cannot be compared with column 'id' of type u32.")]
    [InlineData("SELECT * FROM t WHERE id = NULL", "NULL cannot be compared with column 'id' of type u32; only optional columns can be NULL.")]
    [InlineData("SELECT * FROM t WHERE 'a' = 2", "Cannot compare two literals ('a' and 2) of different kinds: one side must be a column.")]
    [InlineData("SELECT * FROM t WHERE :sender = 0x01", "Cannot compare two literals (:sender and 0x01) of different kinds: one side must be a column.")]
    public void Type_mismatches_are_refused(string sql, string message)
    {
        TestDatabase.AssertMessage(message, Error(() => _db.Bind(sql)));
    }

    private static string Chain(int tables) =>
        "SELECT t0.* FROM t t0" + string.Concat(Enumerable.Range(1, tables - 1).Select(i => $" JOIN t t{i} ON t{i}.id = t0.id"));

    [Fact]
    public void A_query_may_read_32_tables_but_not_33()
    {
        Assert.Equal("A query may read at most 32 tables; this one reads 33.", Error(() => _db.Bind(Chain(33))));
        var block = QueryBlock.From(_db.Bind(Chain(32)));
        Assert.Equal(32, block.Sources.Count);
        Assert.Equal(31u, (uint)block.Sources[31].Number);
    }

    [Fact]
    public void A_32_table_join_runs_and_looks_every_later_table_up_by_its_key()
    {
        _db.Insert(_db.Table("t").Schema.Id, Row(1u, "a", 1), Row(2u, "b", 2), Row(3u, "c", 3));
        Assert.Equal(["(3)"], _db.Rows(Chain(32).Replace("SELECT t0.*", "SELECT COUNT(*) AS n", StringComparison.Ordinal)));
        var steps = _db.Steps(Chain(32));
        Assert.Equal(32, steps.Length);
        Assert.StartsWith("scan t as t0", steps[0], StringComparison.Ordinal);
        Assert.All(steps.Skip(1), s => Assert.Contains("index lookup t as t", s, StringComparison.Ordinal));
    }

    [Fact]
    public void Binding_reports_the_sources_in_from_and_join_order()
    {
        var block = QueryBlock.From(_db.Bind("SELECT b.* FROM s a JOIN t b ON a.t_id = b.id JOIN s c ON c.id = a.id"));
        Assert.Equal(["a", "b", "c"], block.Sources.Select(s => s.Alias));
        Assert.Equal(["s", "t", "s"], block.Sources.Select(s => s.Table.Name));
        Assert.Equal([0, 1, 2], block.Sources.Select(s => s.Number));
        Assert.Equal(1, Assert.IsType<Projection.Rows>(block.Projection).Source.Number);
    }

    [Fact]
    public void Sql_table_from_schema_names_unnamed_columns_by_position()
    {
        var schema = new TableSchema("anon", new ProductType([new ProductTypeElement(null, AlgebraicType.U8), new ProductTypeElement("x", AlgebraicType.U8)]));
        var table = SqlTable.FromSchema(schema, accessorName: "Anon");
        Assert.Equal(["col0", "x"], table.ColumnNames);
        Assert.Equal("Anon", table.AccessorName);
        Assert.True(new SqlCatalog([table]).TryGetTable("Anon", out var found));
        Assert.Same(table, found);
    }
}
