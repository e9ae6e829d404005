using Meridian.Query.Sql;

namespace Meridian.Query.Tests.Sql;

public class SqlParserTests
{
    [Fact]
    public void Parses_what_subscribe_to_all_tables_sends()
    {
        var s = SqlParser.ParseSubscription("SELECT * FROM user");
        Assert.Equal(new TableRef("user", null), s.From);
        Assert.Equal(new SqlProjection.Star(null), s.Projection);
        Assert.Null(s.Where);
    }

    [Fact]
    public void Parses_the_typescript_query_builder_form()
    {
        var s = SqlParser.ParseSubscription("SELECT * FROM \"t\" WHERE (\"t\".\"c\" = 5) AND (\"t\".\"d\" <> 'it''s') AND NOT (\"t\".\"e\" = TRUE)");
        var expected = new SqlExpr.And(
            new SqlExpr.And(
                new SqlExpr.Compare(new SqlExpr.Column("t", "c"), SqlComparison.Eq, new SqlExpr.Number("5")),
                new SqlExpr.Compare(new SqlExpr.Column("t", "d"), SqlComparison.NotEq, new SqlExpr.String("it's"))),
            new SqlExpr.Not(new SqlExpr.Compare(new SqlExpr.Column("t", "e"), SqlComparison.Eq, new SqlExpr.Bool(true))));
        Assert.Equal(expected, s.Where);
    }

    [Fact]
    public void Parses_a_semijoin_with_aliases()
    {
        var s = SqlParser.ParseSubscription("SELECT o.* FROM Orders o JOIN Inventory AS product ON o.product_id = product.id WHERE product.quantity < 10");
        Assert.Equal(new SqlProjection.Star("o"), s.Projection);
        Assert.Equal(new TableRef("Orders", "o"), s.From);
        var join = Assert.Single(s.Joins);
        Assert.Equal(new TableRef("Inventory", "product"), join.Table);
        Assert.Equal(new SqlExpr.Compare(new SqlExpr.Column("o", "product_id"), SqlComparison.Eq, new SqlExpr.Column("product", "id")), join.On);
    }

    [Fact]
    public void Parses_literals_of_every_kind()
    {
        var s = (SelectStatement)SqlParser.ParseStatement("SELECT * FROM t WHERE a = -1.5e3 OR b = 0xC200 OR c = X'ff' OR d = :sender OR e = NULL OR f >= +7");
        Assert.Contains("Number { Text = -1.5e3 }", s.Where!.ToString(), StringComparison.Ordinal);
        Assert.Contains("Hex { Digits = C200 }", s.Where.ToString(), StringComparison.Ordinal);
        Assert.Contains("Hex { Digits = ff }", s.Where.ToString(), StringComparison.Ordinal);
        Assert.Contains("Sender", s.Where.ToString(), StringComparison.Ordinal);
        Assert.Contains("Null", s.Where.ToString(), StringComparison.Ordinal);
        Assert.Contains("Number { Text = 7 }", s.Where.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parses_ad_hoc_statements()
    {
        var statements = SqlParser.ParseStatements("SELECT id, name AS n FROM person LIMIT 5; SELECT COUNT(*) AS total FROM person; INSERT INTO person (id, name) VALUES (1, 'a'), (2, 'b'); UPDATE person SET name = 'z' WHERE id = 1; DELETE FROM person WHERE id > 1; SET row_limit = 10; SHOW row_limit");
        Assert.Equal(7, statements.Count);
        var select = Assert.IsType<SelectStatement>(statements[0]);
        Assert.Equal(5UL, select.Limit);
        Assert.Equal("n", ((SqlProjection.Columns)select.Projection).Items[1].Alias);
        Assert.Equal(new SqlProjection.Count("total"), ((SelectStatement)statements[1]).Projection);
        Assert.Equal(2, ((InsertStatement)statements[2]).Rows.Count);
        Assert.Equal("name", ((UpdateStatement)statements[3]).Assignments[0].Column);
        Assert.IsType<DeleteStatement>(statements[4]);
        Assert.IsType<SetStatement>(statements[5]);
        Assert.Equal(new ShowStatement("row_limit"), statements[6]);
    }

    [Theory]
    [InlineData("", "Empty query")]
    [InlineData("SELECT a FROM t", "whole rows")]
    [InlineData("SELECT * FROM a JOIN b ON a.x = b.y", "qualified")]
    [InlineData("SELECT * FROM a LIMIT 3", "need an ORDER BY")]
    [InlineData("SELECT COUNT(*) AS n FROM a", "declare a view")]
    [InlineData("SELECT x, COUNT(*) AS n FROM a GROUP BY x", "declare a view")]
    [InlineData("SELECT * FROM t LIMIT 3", "LIMIT")]
    [InlineData("DELETE FROM t", "only accept SELECT")]
    [InlineData("SELECT * FROM t; SELECT * FROM u", "one statement")]
    public void Rejects_what_subscriptions_cannot_do(string sql, string message)
    {
        var e = Assert.Throws<SqlException>(() => SqlParser.ParseSubscription(sql));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SELECT * FROM a LEFT JOIN b ON a.x = b.x", "Non-inner joins")]
    [InlineData("SELECT * FROM a, b", "Implicit joins")]
    [InlineData("SELECT DISTINCT * FROM a", "DISTINCT")]
    [InlineData("SELECT * FROM a ORDER BY x HAVING y", "HAVING")]
    [InlineData("SELECT SUM(*) AS s FROM a", "only COUNT takes *")]
    [InlineData("SELECT SUM(x) FROM a", "needs an alias")]
    [InlineData("SELECT * FROM a LIMIT 1 LIMIT 2", "LIMIT is given twice")]
    [InlineData("SELECT * FROM a WHERE x = 1 + 2", "Arithmetic")]
    [InlineData("SELECT * FROM a WHERE x = 'open", "Unterminated string")]
    [InlineData("SELECT * FROM select", "reserved word")]
    [InlineData("SELECT * FROM a WHERE x = :who", "Unknown parameter")]
    [InlineData("SELECT * FROM a WHERE x", "comparison operator")]
    [InlineData("SELECT * FROM a WHERE x = 1 = 2", "Chained")]
    [InlineData("SELECT * FROM a WHERE x = (SELECT 1)", "Subqueries")]
    [InlineData("SELECT * FROM a WHERE x ~ 1", "Unexpected character")]
    public void Rejects_unsupported_sql_with_a_clear_message(string sql, string message)
    {
        var e = Assert.Throws<SqlException>(() => SqlParser.ParseStatements(sql));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Identifiers_are_case_sensitive_and_keywords_are_not()
    {
        var s = (SelectStatement)SqlParser.ParseStatement("select * from Person where Name = 'x'");
        Assert.Equal("Person", s.From.Name);
        Assert.Equal(new SqlExpr.Column(null, "Name"), ((SqlExpr.Compare)s.Where!).Left);
        var quoted = (SelectStatement)SqlParser.ParseStatement("SELECT * FROM \"Order\" WHERE \"we\"\"ird\" = 1");
        Assert.Equal("Order", quoted.From.Name);
        Assert.Equal(new SqlExpr.Column(null, "we\"ird"), ((SqlExpr.Compare)quoted.Where!).Left);
    }

    [Fact]
    public void True_and_false_are_conditions_by_themselves_and_still_compare_with_columns()
    {
        Assert.Equal(new SqlExpr.Bool(true), ((SelectStatement)SqlParser.ParseStatement("SELECT * FROM a WHERE TRUE")).Where);
        var join = (SelectStatement)SqlParser.ParseStatement("SELECT a.* FROM a JOIN b ON FALSE WHERE NOT TRUE AND (false OR a.x = 1)");
        Assert.Equal(new SqlExpr.Bool(false), join.Joins[0].On);
        Assert.Equal(new SqlExpr.And(new SqlExpr.Not(new SqlExpr.Bool(true)), new SqlExpr.Or(new SqlExpr.Bool(false), new SqlExpr.Compare(new SqlExpr.Column("a", "x"), SqlComparison.Eq, new SqlExpr.Number("1")))), join.Where);
        Assert.Equal(new SqlExpr.Compare(new SqlExpr.Bool(true), SqlComparison.Eq, new SqlExpr.Column(null, "flag")), ((SelectStatement)SqlParser.ParseStatement("SELECT * FROM a WHERE TRUE = flag")).Where);
        Assert.Throws<SqlException>(() => SqlParser.ParseStatement("SELECT * FROM a WHERE 1"));
    }

    [Fact]
    public void A_sign_after_a_keyword_starts_a_negative_number()
    {
        var s = (SelectStatement)SqlParser.ParseStatement("SELECT * FROM a WHERE -5 >= x AND -1.5 < y OR NOT +2 = z");
        var expected = new SqlExpr.Or(
            new SqlExpr.And(
                new SqlExpr.Compare(new SqlExpr.Number("-5"), SqlComparison.GtEq, new SqlExpr.Column(null, "x")),
                new SqlExpr.Compare(new SqlExpr.Number("-1.5"), SqlComparison.Lt, new SqlExpr.Column(null, "y"))),
            new SqlExpr.Not(new SqlExpr.Compare(new SqlExpr.Number("2"), SqlComparison.Eq, new SqlExpr.Column(null, "z"))));
        Assert.Equal(expected, s.Where);
        Assert.Equal(new SetStatement("row_limit", new SqlExpr.Number("-1")), SqlParser.ParseStatement("SET row_limit TO -1"));
        Assert.Equal("LIMIT needs a non-negative integer, got '-1' at position 22.", Assert.Throws<SqlException>(() => SqlParser.ParseStatement("SELECT * FROM a LIMIT -1")).Message);
        Assert.Equal("Arithmetic is not supported.", Assert.Throws<SqlException>(() => SqlParser.ParseStatement("SELECT * FROM a WHERE x = y -1")).Message);
    }
}
