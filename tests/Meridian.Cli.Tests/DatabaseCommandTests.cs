using Meridian.Server;

namespace Meridian.Cli.Tests;

/// <summary><c>describe</c>, <c>list</c> and <c>delete</c> against a real <see cref="MeridianServer"/>.</summary>
public sealed class DatabaseCommandTests : IAsyncLifetime, IDisposable
{
    private readonly CliRun _cli = new();
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("meridian-cli-db-").FullName;
    private MeridianServer _server = null!;
    private string _url = "";

    public async Task InitializeAsync()
    {
        _server = await MeridianServer.StartAsync(new MeridianServerOptions { ListenAddress = "127.0.0.1:0", DataDirectory = _dataDirectory });
        _url = _server.BaseAddress.ToString().TrimEnd('/');
        var published = await _cli.RunAsync("publish", "-s", _url, "-b", RealServerTests.ChatAssembly(), "chat");
        Assert.True(published.ExitCode == 0, published.Error);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose()
    {
        _cli.Dispose();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Describe_lists_tables_and_reducers()
    {
        var result = await _cli.RunAsync("describe", "-s", _url, "chat");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(
            """
            Database chat

            Tables:
             name    | access | columns | primary key | indexes
            ---------+--------+---------+-------------+---------
             message | public |       3 |             |       0
             user    | public |       3 | identity    |       1

            Reducers:
              client_connected()  [lifecycle: OnConnect]
              client_disconnected()  [lifecycle: OnDisconnect]
              init()  [lifecycle: Init]
              send_message(text: String)
              set_name(name: String)

            """,
            result.Out);
    }

    [Fact]
    public async Task Describe_a_table_shows_its_columns_and_indexes_and_a_reducer_its_signature()
    {
        var table = await _cli.RunAsync("describe", "-s", _url, "chat", "table", "user");
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Equal(
            """
            Table user (public)
             column   | type           | constraints
            ----------+----------------+-------------
             identity | Identity       | primary key
             name     | Option<String> |
             online   | Bool           |

            Indexes:
              user_identity_idx_btree btree (identity)

            """,
            table.Out);

        var reducer = await _cli.RunAsync("describe", "-s", _url, "chat", "reducer", "set_name");
        Assert.Equal("set_name(name: String)\n", reducer.Out);

        var json = await _cli.RunAsync("describe", "-s", _url, "--json", "chat", "table", "user");
        Assert.True(json.ExitCode == 0, json.Error);
        Assert.StartsWith("""{"source_name":"user","product_type_ref":""", json.Out, StringComparison.Ordinal);

        var unknown = await _cli.RunAsync("describe", "-s", _url, "chat", "table", "nope");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal("error: database chat has no table or view 'nope'.\nhint: Its tables: message, user.\n", unknown.Error);
    }

    [Fact]
    public async Task List_shows_the_databases_of_this_identity_and_delete_removes_one()
    {
        var identity = File.ReadAllText(_cli.ConfigPath);
        var listed = await _cli.RunAsync("list", "-s", _url);
        Assert.True(listed.ExitCode == 0, listed.Error);
        Assert.Matches(
            @"^Databases owned by [0-9a-f]{64} on http://127\.0\.0\.1:\d+:\n name \| identity\n-+\+-+\n chat \| c200[0-9a-f]{60}\n\(1 database\)\n$",
            listed.Out);

        var deleted = await _cli.RunAsync("delete", "-s", _url, "chat");
        Assert.True(deleted.ExitCode == 0, deleted.Error);
        Assert.Equal("Deleted database chat.\n", deleted.Out);

        var empty = await _cli.RunAsync("list", "-s", _url);
        Assert.EndsWith("(0 databases)\n", empty.Out, StringComparison.Ordinal);
        var gone = await _cli.RunAsync("describe", "-s", _url, "chat");
        Assert.Equal(1, gone.ExitCode);
        Assert.StartsWith("error: ", gone.Error, StringComparison.Ordinal);
        Assert.NotNull(identity);
    }

    [Fact]
    public async Task Logs_filter_by_level_and_print_json_records()
    {
        Assert.Equal(0, (await _cli.RunAsync("call", "-s", _url, "chat", "send_message", "logged at info")).ExitCode);

        var info = await _cli.RunAsync("logs", "-s", _url, "--level", "info", "chat");
        Assert.True(info.ExitCode == 0, info.Error);
        Assert.Contains(" INFO ", info.Out, StringComparison.Ordinal);
        Assert.Contains("logged at info", info.Out, StringComparison.Ordinal);

        var errorsOnly = await _cli.RunAsync("logs", "-s", _url, "--level", "error", "chat");
        Assert.True(errorsOnly.ExitCode == 0, errorsOnly.Error);
        Assert.DoesNotContain("logged at info", errorsOnly.Out, StringComparison.Ordinal);

        var json = await _cli.RunAsync("logs", "-s", _url, "--format", "json", "chat");
        var line = json.Out.Split('\n').First(l => l.Contains("logged at info", StringComparison.Ordinal));
        using var record = System.Text.Json.JsonDocument.Parse(line);
        Assert.Equal("logged at info", record.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Sql_without_a_query_is_a_shell_reading_standard_input()
    {
        Assert.Equal(0, (await _cli.RunAsync("call", "-s", _url, "chat", "send_message", "first")).ExitCode);
        _cli.Input = "SELECT text\n  FROM message;\nSELECT nope FROM message;\n\\h\n\nSELECT COUNT(*) AS n FROM message;\n\\q\nSELECT 1;\n";

        var result = await _cli.RunAsync("sql", "-s", _url, "chat");

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(
            """
            ^ text
            -------
             first
            \(1 row\)
            Time: \d+\.\d{3} ms \(server \d+\.\d{3} ms\)

               1  SELECT text
                    FROM message;
               2  SELECT nope FROM message;
             n
            ---
             1
            \(1 row\)
            Time: \d+\.\d{3} ms \(server \d+\.\d{3} ms\)

            $
            """,
            result.Out);
        Assert.StartsWith("Connected to chat on http://127.0.0.1:", result.Error, StringComparison.Ordinal);
        var error = result.Error.Split('\n').SkipWhile(l => !l.StartsWith("error: ", StringComparison.Ordinal)).Take(3).ToArray();
        Assert.Contains("nope", error[0], StringComparison.Ordinal);
        Assert.Equal("  SELECT nope FROM message", error[1]);
        Assert.Equal("         ^", error[2]);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(_cli.ConfigDirectory, "sql_history")).Length);
    }

    [Fact]
    public async Task Another_identity_cannot_delete_the_database()
    {
        using var other = new CliRun();
        var refused = await other.RunAsync("delete", "-s", _url, "chat");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("\nerror: ", refused.Error, StringComparison.Ordinal);
        Assert.Contains("does not own database 'chat'", refused.Error, StringComparison.Ordinal);
        Assert.Equal(0, (await _cli.RunAsync("describe", "-s", _url, "chat")).ExitCode);
    }
}
