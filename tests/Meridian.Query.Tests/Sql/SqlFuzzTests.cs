using System.Text;
using Meridian.Query.Sql;
using Xunit.Abstractions;

namespace Meridian.Query.Tests.Sql;

/// <summary>Random text into the SQL parser: the only failure allowed is a <see cref="SqlException"/>.</summary>
public class SqlFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] Pieces =
    [
        "SELECT", "*", "FROM", "WHERE", "JOIN", "ON", "AND", "OR", "NOT", "(", ")", "=", "<>", "<", ">=", ",", ".", ";",
        "t", "\"q\"", "'s'", "'", "\"", "0x", "0xff", "X'0a'", "1e", "1.5e-3", "-", "+", ":sender", ":", "NULL", "TRUE",
        "LIMIT", "COUNT", "INSERT", "INTO", "VALUES", "UPDATE", "SET", "DELETE", "AS", "--", "\n", " ", "é", "\u0000",
    ];

    [Fact]
    public void Empty_and_random_queries_only_raise_sql_errors()
    {
        var seed = Environment.GetEnvironmentVariable("MERIDIAN_TEST_SEED") is { } s
            ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        output.WriteLine($"seed {seed} (replay with MERIDIAN_TEST_SEED={seed})");
        var random = new Random(seed);
        Parse("");
        for (var i = 0; i < 20_000; i++)
        {
            var sb = new StringBuilder();
            for (var n = random.Next(0, 16); n > 0; n--)
                sb.Append(Pieces[random.Next(Pieces.Length)]).Append(random.Next(3) == 0 ? "" : " ");
            Parse(sb.ToString());
        }
    }

    private static void Parse(string sql)
    {
        try
        {
            SqlParser.ParseStatements(sql);
        }
        catch (SqlException)
        {
        }
        try
        {
            SqlParser.ParseSubscription(sql);
        }
        catch (SqlException)
        {
        }
    }
}
