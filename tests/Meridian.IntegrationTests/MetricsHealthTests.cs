using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Meridian.Runtime.Diagnostics;
using Meridian.Server;

namespace Meridian.IntegrationTests;

/// <summary><c>/v1/metrics</c>, <c>/v1/health</c> and the slow log through SQL, on a real server.</summary>
public sealed class MetricsHealthTests : IAsyncLifetime, IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("meridian-test-").FullName;
    private MeridianServer _server = null!;
    private HttpClient _http = null!;
    private string _owner = null!;

    private Task<MeridianServer> StartAsync() => MeridianServer.StartAsync(new MeridianServerOptions
    {
        ListenAddress = "127.0.0.1:0",
        DataDirectory = _dataDir,
        // Everything counts as slow, so the log fills deterministically.
        SlowLog = new SlowLogOptions { ReducerThreshold = TimeSpan.Zero, QueryThreshold = TimeSpan.Zero, Capacity = 50 },
    });

    public async Task InitializeAsync()
    {
        _server = await StartAsync();
        _http = new HttpClient { BaseAddress = _server.BaseAddress };
        var identity = await (await _http.PostAsync("/v1/identity", null)).Content.ReadFromJsonAsync<JsonObject>();
        _owner = identity!["token"]!.GetValue<string>();
        var publish = await Send(HttpMethod.Put, "/v1/database/metered", new ByteArrayContent(TestModules.Chat()), _owner);
        Assert.True(publish.IsSuccessStatusCode, await publish.Content.ReadAsStringAsync());
    }

    public void Dispose() => _http.Dispose();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, HttpContent? content, string? token)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null)
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return await _http.SendAsync(request);
    }

    private async Task<JsonArray> Sql(string sql, string? token = null)
    {
        var response = await Send(HttpMethod.Post, "/v1/database/metered/sql", new StringContent(sql), token ?? _owner);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonArray>())!;
    }

    [Fact]
    public async Task Metrics_are_served_in_Prometheus_text_with_reducer_commit_log_and_table_figures()
    {
        for (var i = 0; i < 3; i++)
        {
            var call = await Send(HttpMethod.Post, "/v1/database/metered/call/send_message", JsonContent.Create<string[]>([$"m{i}"]), _owner);
            Assert.True(call.IsSuccessStatusCode, await call.Content.ReadAsStringAsync());
        }
        using var response = await _http.GetAsync("/v1/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
        var text = await response.Content.ReadAsStringAsync();
        var lines = text.Split('\n');
        string Line(string prefix, params string[] parts) =>
            lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal) && parts.All(p => l.Contains(p, StringComparison.Ordinal)))
            ?? throw new Xunit.Sdk.XunitException($"No line {prefix} with {string.Join(", ", parts)} in:\n{text}");
        static double Value(string line) => double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(Value(Line("meridian_reducer_calls_total{", "database=\"metered\"", "reducer=\"send_message\"", "outcome=\"committed\"")) >= 3);
        Assert.True(Value(Line("meridian_reducer_duration_seconds_count{", "database=\"metered\"", "reducer=\"send_message\"")) >= 3);
        Assert.True(Value(Line("meridian_transaction_commits_total{", "database=\"metered\"")) >= 3);
        Assert.True(Value(Line("meridian_storage_log_bytes_total{", "database=\"metered\"")) > 0);
        Assert.True(Value(Line("meridian_storage_fsync_duration_seconds_count{", "database=\"metered\"")) >= 1);
        Assert.Equal(3, Value(Line("meridian_table_rows{", "database=\"metered\"", "table=\"message\"")));
        Assert.True(Value(Line("meridian_table_size_bytes{", "database=\"metered\"", "table=\"message\"")) > 0);
        Line("meridian_subscription_queries{", "database=\"metered\"");
    }

    [Fact]
    public async Task Health_reports_live_and_ready_and_a_database_that_failed_recovery_makes_the_server_not_ready()
    {
        var health = (await _http.GetFromJsonAsync<JsonObject>("/v1/health"))!;
        Assert.Equal("meridian", health["package_name"]!.GetValue<string>());
        Assert.True(health["ready"]!.GetValue<bool>());
        Assert.True(health["schedulable"]!.GetValue<bool>());
        using (var live = await _http.GetAsync("/v1/health/live"))
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using (var ready = await _http.GetAsync("/v1/health/ready"))
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        _http.Dispose();
        await _server.DisposeAsync();
        var record = Directory.GetFiles(_dataDir, "database.json", SearchOption.AllDirectories).Single();
        await File.WriteAllTextAsync(record, "{ not json");
        _server = await StartAsync();
        _http = new HttpClient { BaseAddress = _server.BaseAddress };

        using (var live = await _http.GetAsync("/v1/health/live"))
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using var notReady = await _http.GetAsync("/v1/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        var report = (await notReady.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.False(report["ready"]!.GetValue<bool>());
        var db = Assert.Single(report["databases"]!.AsArray())!.AsObject();
        Assert.Equal("metered", db["name"]!.GetValue<string>());
        Assert.False(db["ready"]!.GetValue<bool>());
        Assert.False(string.IsNullOrWhiteSpace(db["error"]!.GetValue<string>()));
        Assert.False((await _http.GetFromJsonAsync<JsonObject>("/v1/health"))!["ready"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Slow_reducers_and_queries_are_readable_by_the_owner_as_st_slow_log()
    {
        var call = await Send(HttpMethod.Post, "/v1/database/metered/call/send_message", JsonContent.Create<string[]>(["slow?"]), _owner);
        Assert.True(call.IsSuccessStatusCode, await call.Content.ReadAsStringAsync());
        await Sql("SELECT * FROM message");

        var result = (await Sql("SELECT * FROM st_slow_log"))[0]!.AsObject();
        var columns = result["schema"]!["elements"]!.AsArray().Select(e => e!["name"]!["some"]!.GetValue<string>()).ToList();
        Assert.Equal(["seq", "timestamp", "kind", "name", "duration_micros", "caller", "outcome"], columns);
        var rows = result["rows"]!.AsArray();
        Assert.Contains(rows, r => r![2]!.GetValue<string>() == "reducer" && r[3]!.GetValue<string>() == "send_message"
            && r[6]!.GetValue<string>() == "committed");
        Assert.Contains(rows, r => r![2]!.GetValue<string>() == "query" && r[3]!.GetValue<string>() == "SELECT * FROM message");

        var reducers = (await Sql("SELECT name FROM st_slow_log WHERE kind = 'reducer'"))[0]!["rows"]!.AsArray();
        Assert.All(reducers, r => Assert.DoesNotContain("SELECT", r![0]!.GetValue<string>(), StringComparison.Ordinal));
        var filtered = (await Sql("SELECT outcome FROM st_slow_log WHERE kind = 'reducer' AND name = 'send_message'"))[0]!["rows"]!.AsArray();
        Assert.Equal("committed", Assert.Single(filtered)![0]!.GetValue<string>());

        var stranger = (await (await _http.PostAsync("/v1/identity", null)).Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
        var denied = await Send(HttpMethod.Post, "/v1/database/metered/sql", new StringContent("SELECT * FROM st_slow_log"), stranger);
        Assert.Equal(HttpStatusCode.BadRequest, denied.StatusCode);
        Assert.Contains("owner only", await denied.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
