using Meridian.Client.Http;
using Meridian.IntegrationTests;

namespace Meridian.Client.Tests.Http;

/// <summary><see cref="MeridianHttpClient"/> against a real in-process server on port 0 with a temp data directory.</summary>
public sealed class MeridianHttpClientTests : IAsyncLifetime, IDisposable
{
    private TestServer _server = null!;
    private MeridianHttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _client = new MeridianHttpClient(_server.Server.BaseAddress.ToString());
        _client.Token = (await _client.CreateIdentityAsync()).Token;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task Publishes_calls_queries_and_describes_a_database()
    {
        var me = await _client.CreateIdentityAsync();
        _client.Token = me.Token;
        Assert.Matches("^[0-9a-f]{64}$", me.Identity);
        Assert.True(await _client.VerifyIdentityAsync(me.Identity));
        Assert.False(await _client.VerifyIdentityAsync(new string('0', 64)));

        var created = await _client.PublishAsync("chat", TestModules.Chat());
        Assert.True(created.Created);
        Assert.Equal("chat", created.Name);
        var updated = await _client.PublishAsync("chat", TestModules.Chat());
        Assert.False(updated.Created);
        Assert.Equal(created.DatabaseIdentity, updated.DatabaseIdentity);
        var plan = await _client.PlanPublishAsync("chat", TestModules.Chat());
        Assert.NotNull(plan);
        Assert.True(plan.Automatic);
        Assert.Null(await _client.PlanPublishAsync("nothing-here", TestModules.Chat()));

        Assert.Equal("", await _client.CallAsync("chat", "send_message", """["hello over HTTP"]"""));
        var sql = await _client.SqlAsync("chat", "SELECT text FROM message; SELECT * FROM message WHERE text = 'nope'");
        Assert.Equal(2, sql.Statements.Count);
        Assert.Equal(["text"], sql.Statements[0].ColumnNames);
        Assert.Equal("hello over HTTP", Assert.Single(sql.Statements[0].Rows)[0].GetString());
        Assert.Empty(sql.Statements[1].Rows);
        Assert.NotNull(sql.ServerDuration);
        var inserted = await _client.SqlAsync("chat", "INSERT INTO message (sender, sent, text) VALUES (0x01, 0, 'by sql')");
        Assert.Equal(1, inserted.Statements[0].RowsInserted);

        var info = await _client.GetDatabaseAsync("chat");
        Assert.NotNull(info);
        Assert.Equal(me.Identity, info.OwnerIdentity);
        Assert.Equal(created.DatabaseIdentity, info.DatabaseIdentity);
        Assert.Null(await _client.GetDatabaseAsync("nothing-here"));

        var schema = await _client.GetSchemaAsync("chat");
        Assert.NotNull(schema.Find("message"));
        Assert.Contains("\"tables\"", (await _client.GetSchemaJsonAsync("chat")).ToLowerInvariant(), StringComparison.Ordinal);

        var logs = await _client.GetLogsAsync("chat");
        Assert.Contains(logs, r => r.Message == "hello over HTTP" && r.Level == "Info" && r.Time is not null);
        Assert.Single(await _client.GetLogsAsync("chat", lines: 1));

        var history = await _client.GetHistoryAsync("chat");
        Assert.Equal("chat", history.Database);
        var sent = Assert.Single(history.Transactions, t => t.Reducer == "send_message");
        Assert.Equal(me.Identity, sent.Caller);
        Assert.Contains(sent.Tables, t => t.Table == "message" && t.Inserted == 1);
        Assert.Equal(history.LastOffset, history.Transactions[^1].Offset);
        var publish = history.Transactions[0];
        Assert.Equal(0UL, publish.Offset);
        Assert.Null(publish.Reducer);
        Assert.Contains("created table message", publish.SchemaChanges);
    }

    [Fact]
    public async Task Lists_renames_and_deletes_the_databases_an_identity_owns()
    {
        var me = await _client.CreateIdentityAsync();
        _client.Token = me.Token;
        await _client.PublishAsync("first", TestModules.Chat());
        await _client.RenameDatabaseAsync("first", "second");
        var listed = Assert.Single(await _client.ListDatabasesAsync(me.Identity));
        Assert.Equal("second", listed.Name);
        Assert.Null(await _client.GetDatabaseAsync("first"));

        await _client.DeleteDatabaseAsync("second");
        Assert.Empty(await _client.ListDatabasesAsync(me.Identity));
        var gone = await Assert.ThrowsAsync<MeridianHttpException>(() => _client.DeleteDatabaseAsync("second"));
        Assert.Equal(MeridianHttpError.NotFound, gone.Error);
        Assert.Equal("No such database 'second'.", gone.Message);
    }

    [Fact]
    public async Task Dump_and_restore_give_the_same_data_and_report_progress()
    {
        await _client.PublishAsync("chat", TestModules.Chat());
        await _client.CallAsync("chat", "send_message", """["one"]""");
        await _client.CallAsync("chat", "send_message", """["two"]""");

        var reports = new List<TransferProgress>();
        var progress = new Recorder(reports);
        using var dump = new MemoryStream();
        var dumped = await _client.DumpAsync("chat", dump, progress);
        Assert.Equal(dump.Length, dumped.Bytes);
        Assert.True(dumped.Bytes > 0);
        Assert.NotNull(dumped.Offset);
        Assert.Equal(new TransferProgress(TransferStage.Downloading, dumped.Bytes, dumped.Bytes, reports[^1].Elapsed), reports[^1]);

        dump.Position = 0;
        reports.Clear();
        var restored = await _client.RestoreAsync("chat-copy", dump, progress: progress);
        Assert.False(restored.Replaced);
        Assert.Equal("chat", restored.SourceDatabase);
        Assert.Equal(dumped.Offset, restored.Offset);
        Assert.Contains(reports, r => r.Stage == TransferStage.Uploading && r.Bytes == dump.Length);

        static async Task<string[]> Rows(MeridianHttpClient client, string db) =>
            (await client.SqlAsync(db, "SELECT text FROM message")).Statements[0].Rows.Select(r => r.GetRawText()).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["[\"one\"]", "[\"two\"]"], await Rows(_client, "chat"));
        Assert.Equal(await Rows(_client, "chat"), await Rows(_client, "chat-copy"));

        dump.Position = 0;
        var conflict = await Assert.ThrowsAsync<MeridianHttpException>(() => _client.RestoreAsync("chat-copy", dump));
        Assert.Equal(MeridianHttpError.Conflict, conflict.Error);
        dump.Position = 0;
        Assert.True((await _client.RestoreAsync("chat-copy", dump, replace: true)).Replaced);

        var first = (await _client.GetHistoryAsync("chat")).Transactions.First(t => t.Reducer == "send_message");
        var asOf = await _client.SqlAsync("chat", "SELECT text FROM message", new SqlOptions { AsOf = first.Offset });
        Assert.Equal("one", Assert.Single(asOf.Statements[0].Rows)[0].GetString());
    }

    [Fact]
    public async Task Failures_say_what_went_wrong()
    {
        await _client.PublishAsync("chat", TestModules.Chat());

        var failed = await Assert.ThrowsAsync<MeridianHttpException>(() => _client.CallAsync("chat", "send_message", """[""]"""));
        Assert.Equal(MeridianHttpError.CallFailed, failed.Error);
        Assert.Contains("Messages must not be empty", failed.ServerMessage, StringComparison.Ordinal);

        var missing = await Assert.ThrowsAsync<MeridianHttpException>(() => _client.CallAsync("chat", "no_such_reducer"));
        Assert.Equal(MeridianHttpError.NotFound, missing.Error);

        var badSql = await Assert.ThrowsAsync<MeridianHttpException>(() => _client.SqlAsync("chat", "SELECT * FROM nowhere"));
        Assert.Equal(MeridianHttpError.BadRequest, badSql.Error);
        Assert.Contains("nowhere", badSql.Message, StringComparison.Ordinal);

        await using var other = await TestServer.StartAsync();
        using (var stranger = new MeridianHttpClient(other.Server.BaseAddress.ToString()))
            _client.Token = (await stranger.CreateIdentityAsync()).Token;
        var rejected = await Assert.ThrowsAsync<MeridianHttpException>(() => _client.SqlAsync("chat", "SELECT * FROM message"));
        Assert.Equal(MeridianHttpError.TokenRejected, rejected.Error);
        Assert.StartsWith($"{_client.Server} rejected the token: ", rejected.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<MeridianHttpException>(() => _client.PingAsync());

        using var nowhere = new MeridianHttpClient("127.0.0.1:1");
        var unreachable = await Assert.ThrowsAsync<MeridianHttpException>(() => nowhere.PingAsync());
        Assert.Equal(MeridianHttpError.Unreachable, unreachable.Error);
        Assert.StartsWith("could not reach http://127.0.0.1:1", unreachable.Message, StringComparison.Ordinal);

        Assert.Throws<FormatException>(() => new MeridianHttpClient("ftp://example.com"));
    }

    private sealed class Recorder(List<TransferProgress> reports) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value)
        {
            lock (reports)
                reports.Add(value);
        }
    }
}
