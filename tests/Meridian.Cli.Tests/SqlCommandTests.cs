namespace Meridian.Cli.Tests;

public sealed class SqlCommandTests : IAsyncLifetime, IDisposable
{
    private const string Identity = "c200" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab";

    private static readonly string UserResult = """
        [{
          "schema": {"elements": [
            {"name": {"some": "identity"}, "algebraic_type": {"Product": {"elements": [{"name": {"some": "__identity__"}, "algebraic_type": {"U256": []}}]}}},
            {"name": {"some": "name"}, "algebraic_type": {"Sum": {"variants": [
              {"name": {"some": "some"}, "algebraic_type": {"String": []}},
              {"name": {"some": "none"}, "algebraic_type": {"Product": {"elements": []}}}
            ]}}},
            {"name": {"some": "online"}, "algebraic_type": {"Bool": []}},
            {"name": {"some": "logins"}, "algebraic_type": {"U32": []}}
          ]},
          "rows": [
            [["0xIDENTITY"], [0, "Alice"], true, 12],
            [["0xOTHER"], [1, []], false, 3]
          ],
          "total_duration_micros": 120,
          "stats": {"rows_inserted": 0, "rows_deleted": 0, "rows_updated": 0}
        }]
        """.Replace("IDENTITY", Identity).Replace("OTHER", Identity.Replace('0', 'f'));

    private readonly CliRun _cli = new();
    private FakeServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Posts_the_query_as_plain_text_and_prints_an_aligned_table()
    {
        _server.On("POST", "/v1/database/chat/sql", 200, UserResult, "application/json");

        var result = await _cli.RunAsync("sql", "-s", _server.Url, "chat", "SELECT * FROM user");

        Assert.Equal(0, result.ExitCode);
        var request = Assert.Single(_server.ApiRequests);
        Assert.Equal("SELECT * FROM user", request.BodyText);
        Assert.StartsWith("text/plain", request.ContentType);
        var other = Identity.Replace('0', 'f');
        Assert.Equal(
            $"""
             identity                                                         | name  | online | logins
            ------------------------------------------------------------------+-------+--------+--------
             {Identity} | Alice | true   |     12
             {other} | null  | false  |      3
            (2 rows)

            """,
            result.Out);
    }

    [Fact]
    public async Task Json_flag_prints_the_raw_answer()
    {
        _server.On("POST", "/v1/database/chat/sql", 200, UserResult, "application/json");

        var result = await _cli.RunAsync("sql", "--json", "-s", _server.Url, "chat", "SELECT * FROM user");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(UserResult + "\n", result.Out);
    }

    [Fact]
    public async Task Dml_prints_row_counts_and_several_statements_print_in_turn()
    {
        const string answer = """
            [
              {"schema": {"elements": []}, "rows": [], "total_duration_micros": 5, "stats": {"rows_inserted": 1, "rows_deleted": 0, "rows_updated": 0}},
              {"schema": {"elements": []}, "rows": [], "total_duration_micros": 5, "stats": {"rows_inserted": 0, "rows_deleted": 3, "rows_updated": 2}},
              {"schema": {"elements": []}, "rows": [], "total_duration_micros": 5, "stats": {"rows_inserted": 0, "rows_deleted": 0, "rows_updated": 0}},
              {"schema": {"elements": [{"name": {"some": "n"}, "algebraic_type": {"I64": []}}]}, "rows": [], "total_duration_micros": 5,
               "stats": {"rows_inserted": 0, "rows_deleted": 0, "rows_updated": 0}}
            ]
            """;
        _server.On("POST", "/v1/database/chat/sql", 200, answer, "application/json");

        var result = await _cli.RunAsync("sql", "-s", _server.Url, "chat", "INSERT …; DELETE …; DELETE …; SELECT n FROM t");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            """
            1 row inserted

            3 rows deleted, 2 rows updated

            OK, no rows affected.

             n
            ---
            (0 rows)

            """,
            result.Out);
    }

    [Fact]
    public async Task Special_and_compound_values_render_compactly()
    {
        const string answer = """
            [{
              "schema": {"elements": [
                {"name": {"some": "sent"}, "algebraic_type": {"Product": {"elements": [
                  {"name": {"some": "__timestamp_micros_since_unix_epoch__"}, "algebraic_type": {"I64": []}}
                ]}}},
                {"name": {"some": "tags"}, "algebraic_type": {"Array": {"String": []}}},
                {"name": {"some": "blob"}, "algebraic_type": {"Array": {"U8": []}}},
                {"name": {"some": "color"}, "algebraic_type": {"Sum": {"variants": [
                  {"name": {"some": "Red"}, "algebraic_type": {"Product": {"elements": []}}},
                  {"name": {"some": "Rgb"}, "algebraic_type": {"U32": []}}
                ]}}},
                {"name": {"some": "pos"}, "algebraic_type": {"Product": {"elements": [
                  {"name": {"some": "x"}, "algebraic_type": {"F32": []}},
                  {"name": {"some": "y"}, "algebraic_type": {"F32": []}}
                ]}}},
                {"name": {"some": "text"}, "algebraic_type": {"String": []}}
              ]},
              "rows": [
                [[1700000000000000], ["a", "b c"], "00ff", [0, []], [1.5, -2], "two\nlines"],
                [[0], [], "", [1, 255], [0, 0], ""]
              ],
              "total_duration_micros": 1,
              "stats": {"rows_inserted": 0, "rows_deleted": 0, "rows_updated": 0}
            }]
            """;
        _server.On("POST", "/v1/database/chat/sql", 200, answer, "application/json");

        var result = await _cli.RunAsync("sql", "-s", _server.Url, "chat", "SELECT * FROM t");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            """
             sent                        | tags         | blob   | color    | pos               | text
            -----------------------------+--------------+--------+----------+-------------------+------------
             2023-11-14T22:13:20.000000Z | ["a", "b c"] | 0x00ff | Red      | (x = 1.5, y = -2) | two\nlines
             1970-01-01T00:00:00.000000Z | []           | 0x     | Rgb(255) | (x = 0, y = 0)    |
            (2 rows)

            """,
            result.Out);
    }

    [Fact]
    public async Task Sql_error_prints_the_server_message()
    {
        _server.On("POST", "/v1/database/chat/sql", 400, "no such table: `usr`");

        var result = await _cli.RunAsync("sql", "-s", _server.Url, "chat", "SELECT * FROM usr");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Contains("error: no such table: `usr`", result.Error);
    }

    [Fact]
    public async Task Malformed_answer_is_an_error()
    {
        _server.On("POST", "/v1/database/chat/sql", 200, "<html>proxy error</html>", "text/html");

        var result = await _cli.RunAsync("sql", "-s", _server.Url, "chat", "SELECT 1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(
            $"error: {_server.Url.TrimEnd('/')} answered the SQL request with something the API does not define: <html>proxy error</html>", result.Error);
    }
}
