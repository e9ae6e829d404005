using Meridian.Sats.Types;
using Meridian.Storage.Schema;

namespace Meridian.Query.Tests.Execution;

public sealed class OrderAndAggregateTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly TableId _player;

    public OrderAndAggregateTests()
    {
        _player = _db.Create("player", [("id", AlgebraicType.U32), ("team", AlgebraicType.String), ("xp", AlgebraicType.I64), ("best", AlgebraicType.Option(AlgebraicType.U32))],
            indexes: [new IndexSchema("player_id", [0], isUnique: true)], primaryKey: 0);
        _db.Insert(_player,
            TestDatabase.Row(1u, "red", 50L, Sats.Values.AlgebraicValue.OptionSome(Sats.Values.AlgebraicValue.U32(7))),
            TestDatabase.Row(2u, "blue", 70L, Sats.Values.AlgebraicValue.OptionNone),
            TestDatabase.Row(3u, "red", -20L, Sats.Values.AlgebraicValue.OptionSome(Sats.Values.AlgebraicValue.U32(3))),
            TestDatabase.Row(4u, "green", 70L, Sats.Values.AlgebraicValue.OptionNone),
            TestDatabase.Row(5u, "blue", 10L, Sats.Values.AlgebraicValue.OptionSome(Sats.Values.AlgebraicValue.U32(9))));
    }

    public void Dispose() => _db.Dispose();

    private List<string> Ids(string sql) => _db.Rows(sql).Select(r => r[1..r.IndexOf(',', StringComparison.Ordinal)]).ToList();

    [Fact]
    public void Order_by_sorts_with_ties_broken_by_the_row()
    {
        Assert.Equal(["3", "5", "1", "2", "4"], Ids("SELECT * FROM player ORDER BY xp"));
        Assert.Equal(["2", "4", "1", "5", "3"], Ids("SELECT * FROM player ORDER BY xp DESC"));
        Assert.Equal(["4", "2", "1", "5", "3"], Ids("SELECT * FROM player ORDER BY xp DESC, team DESC"));
        Assert.Equal(["2", "5", "4", "1", "3"], Ids("SELECT * FROM player ORDER BY team, id"));
    }

    [Fact]
    public void Limit_and_offset_select_a_window_of_the_order()
    {
        Assert.Equal(["2", "4"], Ids("SELECT * FROM player ORDER BY xp DESC LIMIT 2"));
        Assert.Equal(["1", "5"], Ids("SELECT * FROM player ORDER BY xp DESC LIMIT 2 OFFSET 2"));
        Assert.Equal(["1", "5"], Ids("SELECT * FROM player ORDER BY xp DESC OFFSET 2 LIMIT 2"));
        Assert.Equal(["3"], Ids("SELECT * FROM player ORDER BY xp DESC OFFSET 4"));
        Assert.Empty(Ids("SELECT * FROM player ORDER BY xp DESC OFFSET 9"));
        Assert.Equal(2, _db.Rows("SELECT * FROM player LIMIT 2 OFFSET 3").Count);
    }

    [Fact]
    public void Order_by_a_column_alias_of_the_projection()
    {
        Assert.Equal(["(70, 2)", "(70, 4)", "(50, 1)"], _db.Rows("SELECT xp AS points, id FROM player ORDER BY points DESC, id LIMIT 3"));
    }

    [Fact]
    public void Group_by_computes_count_sum_min_and_max_per_group()
    {
        Assert.Equal(
            ["(\"blue\", 2, 80, 10, 70)", "(\"green\", 1, 70, 70, 70)", "(\"red\", 2, 30, -20, 50)"],
            _db.Rows("SELECT team, COUNT(*) AS n, SUM(xp) AS total, MIN(xp) AS low, MAX(xp) AS high FROM player GROUP BY team ORDER BY team"));
        Assert.Equal(["(\"blue\", 80)", "(\"green\", 70)"], _db.Rows("SELECT team, SUM(xp) AS total FROM player GROUP BY team ORDER BY total DESC LIMIT 2"));
    }

    [Fact]
    public void Aggregates_without_group_by_give_one_row_even_for_no_rows()
    {
        Assert.Equal(["(5, 180, #0(-20), #0(70))"], _db.Rows("SELECT COUNT(*) AS n, SUM(xp) AS s, MIN(xp) AS lo, MAX(xp) AS hi FROM player"));
        Assert.Equal(["(0, 0, #1(()), #1(()))"], _db.Rows("SELECT COUNT(*) AS n, SUM(xp) AS s, MIN(xp) AS lo, MAX(xp) AS hi FROM player WHERE xp > 1000"));
        Assert.Equal(["(3)"], _db.Rows("SELECT COUNT(best) AS with_best FROM player"));
    }

    [Fact]
    public void Aggregate_queries_are_checked()
    {
        Assert.Contains("must appear in GROUP BY", TestDatabase.Error(() => _db.Query("SELECT team, id, COUNT(*) AS n FROM player GROUP BY team")), StringComparison.Ordinal);
        Assert.Contains("needs a number column", TestDatabase.Error(() => _db.Query("SELECT SUM(team) AS s FROM player")), StringComparison.Ordinal);
        Assert.Contains("GROUP BY needs aggregates", TestDatabase.Error(() => _db.Query("SELECT team FROM player GROUP BY team")), StringComparison.Ordinal);
        Assert.Contains("ordered by its result columns", TestDatabase.Error(() => _db.Query("SELECT team, COUNT(*) AS n FROM player GROUP BY team ORDER BY xp")), StringComparison.Ordinal);
        Assert.Contains("distinct aliases", TestDatabase.Error(() => _db.Query("SELECT COUNT(*) AS n, SUM(xp) AS n FROM player")), StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_shows_sort_limit_and_aggregate()
    {
        var text = _db.Explain("SELECT team, COUNT(*) AS n FROM player WHERE xp > 0 GROUP BY team ORDER BY n DESC LIMIT 1");
        Assert.Contains("Limit 1", text, StringComparison.Ordinal);
        Assert.Contains("Sort output #1 desc", text, StringComparison.Ordinal);
        Assert.Contains("Aggregate by (#0.1) #0.1 as team, COUNT(*) as n", text, StringComparison.Ordinal);
    }
}
