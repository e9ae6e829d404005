using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Meridian.IntegrationTests;

/// <summary>tests/Modules/ModuleApi on a real server: HTTP handler routes, SenderAuth in reducers, LogStopwatch.</summary>
public sealed class ModuleApiTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private string _ownerToken = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        (_, _ownerToken) = await _server.NewIdentityAsync();
        var response = await _server.SendAsync(HttpMethod.Put, "/v1/database/api", _ownerToken, new ByteArrayContent(TestModules.ModuleApi()));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<JsonArray> SqlRowsAsync(string query)
    {
        var sql = await _server.SendAsync(HttpMethod.Post, "/v1/database/api/sql", _ownerToken, new StringContent(query));
        Assert.Equal(HttpStatusCode.OK, sql.StatusCode);
        return (await sql.Content.ReadFromJsonAsync<JsonArray>())![0]!["rows"]!.AsArray();
    }

    [Fact]
    public async Task Routes_reach_their_handlers_without_a_token_by_method_and_exact_path()
    {
        // No Authorization header: routes are for webhooks and other callers outside the token system.
        var get = await _server.Http.GetAsync("/v1/database/api/route/get");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("ok", await get.Content.ReadAsStringAsync());
        Assert.Equal("get_simple", Assert.Single(get.Headers.GetValues("x-handler")));

        var nested = await _server.Http.GetAsync("/v1/database/api/route/v2");
        Assert.Equal("ok", await nested.Content.ReadAsStringAsync());

        var echo = await _server.Http.PutAsync("/v1/database/api/route/echo?x=1", new StringContent("body text"));
        Assert.Equal(HttpStatusCode.OK, echo.StatusCode);
        var uri = $"{_server.Server.BaseAddress.ToString().TrimEnd('/')}/v1/database/api/route/echo?x=1";
        Assert.Equal($"PUT {uri} body text", await echo.Content.ReadAsStringAsync());

        // A route of another method, a path that is only a prefix, and no route at all are 404s.
        var wrongMethod = await _server.Http.PostAsync("/v1/database/api/route/get", new StringContent(""));
        Assert.Equal(HttpStatusCode.NotFound, wrongMethod.StatusCode);
        Assert.Contains("has not registered a handler for this route", await wrongMethod.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Http.GetAsync("/v1/database/api/route/get/more")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Http.GetAsync("/v1/database/api/route")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Http.GetAsync("/v1/database/nowhere/route/get")).StatusCode);
    }

    [Fact]
    public async Task A_handler_writes_in_a_transaction_and_a_throwing_handler_answers_500_and_is_logged()
    {
        var first = await _server.Http.PostAsync("/v1/database/api/route/notes", new StringContent("one"));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal("1", await first.Content.ReadAsStringAsync());
        var second = await _server.Http.PostAsync("/v1/database/api/route/notes", new StringContent("two"));
        Assert.Equal("2", await second.Content.ReadAsStringAsync());
        var empty = await _server.Http.PostAsync("/v1/database/api/route/notes", new StringContent(""));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal("[[\"one\"],[\"two\"]]", (await SqlRowsAsync("SELECT text FROM note")).ToJsonString());

        var fail = await _server.Http.GetAsync("/v1/database/api/route/fail");
        Assert.Equal(HttpStatusCode.InternalServerError, fail.StatusCode);
        Assert.Equal("the handler failed on purpose", await fail.Content.ReadAsStringAsync());
        // The server keeps serving.
        Assert.Equal(HttpStatusCode.OK, (await _server.Http.GetAsync("/v1/database/api/route/get")).StatusCode);
        Assert.Contains("HTTP handler 'fail' failed: the handler failed on purpose", await LogMessagesAsync());
    }

    [Fact]
    public async Task A_reducer_sees_the_callers_token_claims_in_SenderAuth_and_LogStopwatch_logs_its_span()
    {
        var (_, token) = await _server.NewIdentityAsync();
        var call = await _server.SendAsync(
            HttpMethod.Post, "/v1/database/api/call/record_auth", token, new StringContent("[]", Encoding.UTF8, "application/json"));
        Assert.True(call.IsSuccessStatusCode, await call.Content.ReadAsStringAsync());
        var payload = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(Base64(token.Split('.')[1]))))!;
        var row = Assert.Single(await SqlRowsAsync("SELECT has_jwt, is_internal, subject FROM auth_seen"))!.AsArray();
        Assert.True(row[0]!.GetValue<bool>());
        Assert.False(row[1]!.GetValue<bool>());
        Assert.Equal(payload["sub"]!.GetValue<string>(), row[2]!.GetValue<string>());

        var timed = await _server.SendAsync(
            HttpMethod.Post, "/v1/database/api/call/timed_insert", token, new StringContent("[\"x\"]", Encoding.UTF8, "application/json"));
        Assert.True(timed.IsSuccessStatusCode, await timed.Content.ReadAsStringAsync());
        Assert.Contains(
            await LogMessagesAsync(),
            m => m.StartsWith("Timing span \"timed_insert\": ", StringComparison.Ordinal) && m.EndsWith("ms", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VolatileNonatomicScheduleImmediate_runs_the_reducer_after_the_call_even_when_the_call_fails()
    {
        var call = await _server.SendAsync(
            HttpMethod.Post, "/v1/database/api/call/schedule_then_fail", _ownerToken, new StringContent("[\"later\"]", Encoding.UTF8, "application/json"));
        Assert.False(call.IsSuccessStatusCode);
        Assert.Contains("failing after scheduling", await call.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        JsonArray rows;
        while ((rows = await SqlRowsAsync("SELECT text FROM note WHERE text = 'later'")).Count == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.Equal("[[\"later\"]]", rows.ToJsonString());
    }

    private async Task<List<string>> LogMessagesAsync()
    {
        var logs = await _server.SendAsync(HttpMethod.Get, "/v1/database/api/logs?num_lines=100", _ownerToken);
        Assert.Equal(HttpStatusCode.OK, logs.StatusCode);
        return (await logs.Content.ReadAsStringAsync())
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonNode.Parse(l)!["message"]!.GetValue<string>())
            .ToList();
    }

    private static string Base64(string base64Url)
    {
        var b64 = base64Url.Replace('-', '+').Replace('_', '/');
        return b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
    }
}
