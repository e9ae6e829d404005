using Meridian.Server.PgWire;

namespace Meridian.Server.Tests.PgWire;

public sealed class PgSqlTextTests
{
    [Fact]
    public void Statements_split_at_semicolons_outside_quotes_and_comments()
    {
        Assert.Equal(["SELECT 'a;b' FROM t", "SELECT \"x;y\" FROM u"], PgSqlText.Statements("SELECT 'a;b' FROM t; SELECT \"x;y\" FROM u;"));
        Assert.Equal(["SELECT 'it''s; fine' FROM t"], PgSqlText.Statements("SELECT 'it''s; fine' FROM t"));
        Assert.Empty(PgSqlText.Statements(" ; -- only a comment; really\n /* and ; this */ ;"));
        Assert.Single(PgSqlText.Statements("SELECT * FROM t -- trailing; comment"));
    }

    [Fact]
    public void Dml_and_set_return_no_rows_and_discard_all_is_recognised()
    {
        Assert.True(PgSqlText.ReturnsNoRows(" /* c */ insert INTO t VALUES (1)"));
        Assert.True(PgSqlText.ReturnsNoRows("UPDATE t SET a = 1"));
        Assert.True(PgSqlText.ReturnsNoRows("-- x\nDELETE FROM t"));
        Assert.False(PgSqlText.ReturnsNoRows("SELECT * FROM t"));
        Assert.False(PgSqlText.ReturnsNoRows("SHOW row_limit"));
        Assert.True(PgSqlText.IsDiscardAll("discard   ALL"));
        Assert.False(PgSqlText.IsDiscardAll("DISCARD PLANS"));
    }
}
