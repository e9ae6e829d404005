using Meridian.Query.Plans;
using Meridian.Sats;
using Meridian.Sats.Types;
using Meridian.Storage.Schema;

namespace Meridian.Query.Tests.Plans;

public sealed class QueryBlockSignatureTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public QueryBlockSignatureTests()
    {
        _db.Create("t", [("id", AlgebraicType.U32), ("name", AlgebraicType.String), ("score", AlgebraicType.I32), ("owner", AlgebraicType.Identity)], primaryKey: 0);
        _db.Create("t2", [("id", AlgebraicType.U32), ("name", AlgebraicType.String), ("score", AlgebraicType.I32), ("owner", AlgebraicType.Identity)], primaryKey: 0);
        _db.Create("s", [("id", AlgebraicType.U32), ("t_id", AlgebraicType.U32), ("tag", AlgebraicType.String)]);
        _db.Create(new TableSchema("player_state", AlgebraicType.Product(("player_id", AlgebraicType.U64), ("level", AlgebraicType.U8))),
            accessor: "PlayerState", columnAccessors: ["PlayerId", "Level"]);
    }

    public void Dispose() => _db.Dispose();

    private string Signature(string sql, Identity? sender = null) => _db.Block(sql, sender).Signature;

    [Theory]
    [InlineData("SELECT * FROM t WHERE id = 1", "SELECT * FROM t x WHERE x.id = 1")]
    [InlineData("SELECT * FROM t WHERE id = 1", "select  *  from \"t\"  where \"t\".\"id\"=1")]
    [InlineData("SELECT * FROM t WHERE id = 1", "SELECT * FROM t WHERE 1 = id")]
    [InlineData("SELECT * FROM t WHERE id = 1000", "SELECT * FROM t WHERE id = 1e3")]
    [InlineData("SELECT * FROM t WHERE id = 255", "SELECT * FROM t WHERE id = 0xff")]
    [InlineData("SELECT * FROM t WHERE score < 5", "SELECT * FROM t WHERE 5 > score")]
    [InlineData("SELECT * FROM t WHERE id = 1 AND name = 'x'", "SELECT * FROM t WHERE name = 'x' AND id = 1")]
    [InlineData("SELECT * FROM t WHERE (id = 1 AND name = 'x') AND score = 2", "SELECT * FROM t WHERE score = 2 AND (name = 'x' AND id = 1)")]
    [InlineData("SELECT * FROM t WHERE id = 1 OR name = 'x'", "SELECT * FROM t WHERE name = 'x' OR id = 1")]
    [InlineData("SELECT * FROM t WHERE NOT (id = 1 AND name = 'x')", "SELECT * FROM t WHERE NOT (name = 'x' AND 1 = id)")]
    [InlineData("SELECT * FROM t WHERE (id = 1 OR id = 2) AND score > 0", "SELECT * FROM t WHERE 0 < score AND (2 = id OR id = 1)")]
    [InlineData("SELECT * FROM t", "SELECT * FROM t WHERE TRUE")]
    [InlineData("SELECT * FROM t WHERE id = 1", "SELECT * FROM t WHERE id = 1 AND TRUE")]
    [InlineData("SELECT t.* FROM t JOIN s ON t.id = s.t_id", "SELECT a.* FROM t a JOIN s b ON b.t_id = a.id")]
    [InlineData("SELECT t.* FROM t JOIN s ON t.id = s.t_id", "SELECT t.* FROM t JOIN s WHERE t.id = s.t_id")]
    [InlineData("SELECT t.* FROM t JOIN s ON t.id = s.t_id WHERE s.tag = 'x'", "SELECT t.* FROM t JOIN s ON s.tag = 'x' AND s.t_id = t.id")]
    [InlineData("SELECT t.* FROM t JOIN s ON t.id < s.t_id", "SELECT t.* FROM t JOIN s ON s.t_id > t.id")]
    [InlineData("SELECT * FROM player_state WHERE player_id = 3", "SELECT * FROM PlayerState WHERE PlayerId = 3")]
    [InlineData("SELECT player_id FROM player_state", "SELECT PlayerState.PlayerId FROM PlayerState")]
    [InlineData("SELECT COUNT(*) AS n FROM t WHERE id = 1", "SELECT COUNT(*) n FROM t x WHERE 1 = x.id")]
    public void Equivalent_queries_share_a_signature(string a, string b)
    {
        Assert.Equal(Signature(a), Signature(b));
    }

    [Theory]
    [InlineData("SELECT * FROM t WHERE id = 1", "SELECT * FROM t WHERE id = 2")]
    [InlineData("SELECT * FROM t WHERE name = 'x'", "SELECT * FROM t WHERE name = 'X'")]
    [InlineData("SELECT * FROM t WHERE id = 1", "SELECT * FROM t2 WHERE id = 1")]
    [InlineData("SELECT * FROM t WHERE id = 1", "SELECT * FROM t WHERE score = 1")]
    [InlineData("SELECT * FROM t WHERE score < 1", "SELECT * FROM t WHERE score <= 1")]
    [InlineData("SELECT * FROM t WHERE score < 1", "SELECT * FROM t WHERE score > 1")]
    [InlineData("SELECT * FROM t WHERE id = 1 AND score = 2", "SELECT * FROM t WHERE id = 1 OR score = 2")]
    [InlineData("SELECT * FROM t WHERE id = 1", "SELECT * FROM t WHERE NOT id = 1")]
    [InlineData("SELECT * FROM t", "SELECT * FROM t WHERE FALSE")]
    [InlineData("SELECT id FROM t", "SELECT name FROM t")]
    [InlineData("SELECT id AS x FROM t", "SELECT id AS y FROM t")]
    [InlineData("SELECT id, name FROM t", "SELECT name, id FROM t")]
    [InlineData("SELECT t.* FROM t JOIN s ON t.id = s.t_id", "SELECT s.* FROM t JOIN s ON t.id = s.t_id")]
    [InlineData("SELECT t.* FROM t JOIN s ON t.id = s.t_id", "SELECT t.* FROM t JOIN s ON t.id = s.id")]
    [InlineData("SELECT t.* FROM t JOIN s ON t.id = s.t_id", "SELECT t.* FROM t JOIN s")]
    [InlineData("SELECT a.* FROM t a JOIN t b ON a.score = b.score WHERE b.id = 1", "SELECT a.* FROM t a JOIN t b ON a.score = b.score WHERE a.id = 1")]
    [InlineData("SELECT * FROM t", "SELECT * FROM t LIMIT 5")]
    [InlineData("SELECT * FROM t LIMIT 5", "SELECT * FROM t LIMIT 6")]
    [InlineData("SELECT COUNT(*) AS n FROM t", "SELECT COUNT(*) AS m FROM t")]
    [InlineData("SELECT COUNT(*) AS id FROM t", "SELECT id FROM t")]
    public void Different_queries_have_different_signatures(string a, string b)
    {
        Assert.NotEqual(Signature(a), Signature(b));
    }

    [Fact]
    public void The_sender_is_part_of_the_signature_as_its_value()
    {
        var ann = new Identity(1UL);
        var bob = new Identity(2UL);
        const string Mine = "SELECT * FROM t WHERE owner = :sender";
        Assert.NotEqual(Signature(Mine, ann), Signature(Mine, bob));
        Assert.Equal(Signature(Mine, ann), Signature(Mine, ann));
        Assert.Equal(Signature(Mine, ann), Signature("SELECT * FROM t WHERE owner = 0x01", bob));
    }

    [Fact]
    public void Normal_form_gathers_on_and_where_conditions_and_drops_true()
    {
        var block = _db.Block("SELECT t.* FROM t JOIN s ON t.id = s.t_id AND TRUE WHERE s.tag = 'x' AND (t.score > 1 OR t.score < -1)");
        Assert.Equal(["#0.0 = #1.1", "#1.2 = \"x\"", "(#0.2 > 1 OR #0.2 < -1)"], block.Conjuncts.Select(c => c.ToString()));
        Assert.Equal(["#1.2 = \"x\""], block.LocalConjuncts(1).Select(c => c.ToString()));
        Assert.Equal(["(#0.2 > 1 OR #0.2 < -1)"], block.LocalConjuncts(0).Select(c => c.ToString()));
        Assert.Null(block.Limit);
        Assert.IsType<Projection.Rows>(block.Projection);
    }

    [Fact]
    public void Normal_form_keeps_limit_and_count()
    {
        var block = _db.Block("SELECT COUNT(*) AS n FROM t LIMIT 4");
        Assert.Equal(4UL, block.Limit);
        var count = Assert.Single(Assert.IsType<Projection.Aggregate>(block.Projection).Items);
        Assert.Equal("n", count.Name);
        Assert.Empty(Assert.IsType<Projection.Aggregate>(block.Projection).GroupBy);
    }
}
