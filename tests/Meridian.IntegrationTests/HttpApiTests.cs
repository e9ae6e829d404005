using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Meridian.IntegrationTests;

/// <summary>The rest of the HTTP API (protocol.md §8.3): database info, names, reset, schema version 9, database lists.</summary>
public sealed class HttpApiTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private string _owner = null!;
    private string _ownerToken = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        (_owner, _ownerToken) = await _server.NewIdentityAsync();
        await _server.PublishChatAsync("chat", _ownerToken);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<string> IdentityOfAsync(string name)
    {
        var response = await _server.Http.GetAsync($"/v1/database/{name}/identity");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<JsonArray> SqlAsync(string database, string sql)
    {
        var response = await _server.SendAsync(HttpMethod.Post, $"/v1/database/{database}/sql", _ownerToken, new StringContent(sql));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonArray>())![0]!["rows"]!.AsArray();
    }

    private Task<HttpResponseMessage> SendMessageAsync(string database, string text) =>
        _server.SendAsync(HttpMethod.Post, $"/v1/database/{database}/call/send_message", _ownerToken,
            new StringContent(new JsonArray(text).ToJsonString(), Encoding.UTF8, "application/json"));

    [Fact]
    public async Task Database_info_names_owner_identity_and_module_hash_by_name_or_identity()
    {
        var identity = await IdentityOfAsync("chat");
        foreach (var key in new[] { "chat", identity, "0x" + identity })
        {
            var info = (await _server.Http.GetFromJsonAsync<JsonObject>($"/v1/database/{key}"))!;
            Assert.Equal(identity, info["database_identity"]!.GetValue<string>());
            Assert.Equal(_owner, info["owner_identity"]!.GetValue<string>());
            Assert.Equal(64, info["initial_program"]!.GetValue<string>().Length);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Http.GetAsync("/v1/database/nowhere")).StatusCode);
    }

    [Fact]
    public async Task Names_can_be_added_replaced_and_listed_by_the_owner_and_survive_a_restart()
    {
        var identity = await IdentityOfAsync("chat");
        Assert.Equal("[\"chat\"]", (await _server.Http.GetFromJsonAsync<JsonObject>("/v1/database/chat/names"))!["names"]!.ToJsonString());

        var added = await _server.SendAsync(HttpMethod.Post, "/v1/database/chat/names", _ownerToken, new StringContent("lobby"));
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var success = (await added.Content.ReadFromJsonAsync<JsonObject>())!["Success"]!;
        Assert.Equal("lobby", success["domain"]!.GetValue<string>());
        Assert.Equal(identity, success["database_identity"]!.GetValue<string>());
        Assert.Equal(identity, await IdentityOfAsync("lobby"));
        Assert.Equal(HttpStatusCode.OK, (await SendMessageAsync("lobby", "via the new name")).StatusCode);
        Assert.Contains(await SqlAsync("chat", "SELECT text FROM message"), r => r![0]!.GetValue<string>() == "via the new name");

        // Not the owner, a bad name, a name another database holds: refused, nothing changes.
        var (_, strangerToken) = await _server.NewIdentityAsync();
        var denied = await _server.SendAsync(HttpMethod.Post, "/v1/database/chat/names", strangerToken, new StringContent("hijack"));
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Assert.Equal("hijack", (await denied.Content.ReadFromJsonAsync<JsonObject>())!["PermissionDenied"]!["domain"]!.GetValue<string>());
        var invalid = await _server.SendAsync(HttpMethod.Post, "/v1/database/chat/names", _ownerToken, new StringContent("no spaces allowed"));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("not a valid database name", await invalid.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await _server.PublishChatAsync("other", _ownerToken);
        var taken = await _server.SendAsync(HttpMethod.Post, "/v1/database/chat/names", _ownerToken, new StringContent("other"));
        Assert.Equal(HttpStatusCode.BadRequest, taken.StatusCode);
        Assert.Contains("already used", (await taken.Content.ReadFromJsonAsync<JsonObject>())!["OtherError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Http.GetAsync("/v1/database/hijack/identity")).StatusCode);
        Assert.Equal("[\"chat\",\"lobby\"]", (await _server.Http.GetFromJsonAsync<JsonObject>("/v1/database/chat/names"))!["names"]!.ToJsonString());

        // PUT replaces every name (a rename): the old names stop resolving.
        var notYours = await _server.SendAsync(HttpMethod.Put, "/v1/database/chat/names", strangerToken, new StringContent("[\"mine\"]"));
        Assert.Equal(HttpStatusCode.Unauthorized, notYours.StatusCode);
        Assert.Equal(identity, (await notYours.Content.ReadFromJsonAsync<JsonObject>())!["NotYourDatabase"]!["database"]!.GetValue<string>());
        var garbage = await _server.SendAsync(HttpMethod.Put, "/v1/database/chat/names", _ownerToken, new StringContent("{\"not\": \"an array\"}"));
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        var none = await _server.SendAsync(HttpMethod.Put, "/v1/database/chat/names", _ownerToken, new StringContent("[]"));
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        var renamed = await _server.SendAsync(HttpMethod.Put, "/v1/database/chat/names", _ownerToken, new StringContent("[\"hall\", \"foyer\"]"));
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal("\"Success\"", await renamed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Http.GetAsync("/v1/database/chat/identity")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Http.GetAsync("/v1/database/lobby/identity")).StatusCode);
        Assert.Equal(identity, await IdentityOfAsync("foyer"));

        // The first name still names the storage folder: no other database may take it.
        var reuse = await _server.SendAsync(HttpMethod.Put, "/v1/database/chat", _ownerToken, new ByteArrayContent(TestModules.Chat()));
        Assert.Equal(HttpStatusCode.BadRequest, reuse.StatusCode);
        Assert.Contains("storage", await reuse.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var listed = (await _server.Http.GetFromJsonAsync<JsonObject>($"/v1/identity/{_owner}/databases"))!;
        Assert.Equal(["hall", "other"], listed["databases"]!.AsArray().Select(d => d!["name"]!.GetValue<string>()));

        await _server.RestartAsync();
        Assert.Equal("[\"hall\",\"foyer\"]", (await _server.Http.GetFromJsonAsync<JsonObject>("/v1/database/hall/names"))!["names"]!.ToJsonString());
        Assert.Equal(identity, await IdentityOfAsync("hall"));
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Http.GetAsync("/v1/database/chat/identity")).StatusCode);
        Assert.Contains(await SqlAsync("hall", "SELECT text FROM message"), r => r![0]!.GetValue<string>() == "via the new name");
    }

    [Fact]
    public async Task Reset_deletes_the_data_keeps_identity_and_names_and_only_the_owner_may()
    {
        var identity = await IdentityOfAsync("chat");
        var added = await _server.SendAsync(HttpMethod.Post, "/v1/database/chat/names", _ownerToken, new StringContent("lobby"));
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendMessageAsync("chat", "before the reset")).StatusCode);

        var (_, strangerToken) = await _server.NewIdentityAsync();
        var denied = await _server.SendAsync(HttpMethod.Put, "/v1/database/chat/reset", strangerToken);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        var badModule = await _server.SendAsync(HttpMethod.Put, "/v1/database/chat/reset", _ownerToken, new ByteArrayContent([1, 2, 3]));
        Assert.Equal(HttpStatusCode.BadRequest, badModule.StatusCode);
        Assert.Single(await SqlAsync("chat", "SELECT text FROM message"));
        Assert.Equal(HttpStatusCode.NotFound, (await _server.SendAsync(HttpMethod.Put, "/v1/database/nowhere/reset", _ownerToken)).StatusCode);

        var reset = await _server.SendAsync(HttpMethod.Put, "/v1/database/lobby/reset", _ownerToken);
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        var success = (await reset.Content.ReadFromJsonAsync<JsonObject>())!["Success"]!;
        Assert.Equal("updated", success["op"]!.GetValue<string>());
        Assert.Equal("lobby", success["domain"]!.GetValue<string>());
        Assert.Equal(identity, success["database_identity"]!.GetValue<string>());

        Assert.Empty(await SqlAsync("chat", "SELECT text FROM message"));
        Assert.Equal(identity, await IdentityOfAsync("chat"));
        Assert.Equal(identity, await IdentityOfAsync("lobby"));
        Assert.Equal(HttpStatusCode.OK, (await SendMessageAsync("chat", "after the reset")).StatusCode);

        await _server.RestartAsync();
        var rows = await SqlAsync("lobby", "SELECT text FROM message");
        Assert.Equal("after the reset", Assert.Single(rows)![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Schema_version_9_describes_tables_reducers_lifecycles_sequences_and_schedules()
    {
        var schema = (await _server.Http.GetFromJsonAsync<JsonObject>("/v1/database/chat/schema?version=9"))!;
        Assert.NotEmpty(schema["typespace"]!["types"]!.AsArray());
        var tables = schema["tables"]!.AsArray();
        Assert.Equal(["message", "user"], tables.Select(t => t!["name"]!.GetValue<string>()).Order());
        var user = tables.Single(t => t!["name"]!.GetValue<string>() == "user")!;
        Assert.Equal("[0]", user["primary_key"]!.ToJsonString());
        Assert.Equal("{\"Public\":[]}", user["table_access"]!.ToJsonString());
        Assert.Equal("{\"User\":[]}", user["table_type"]!.ToJsonString());
        Assert.Equal("{\"none\":[]}", user["schedule"]!.ToJsonString());
        Assert.All(user["constraints"]!.AsArray(), c => Assert.StartsWith("user_", c!["name"]!["some"]!.GetValue<string>(), StringComparison.Ordinal));
        var reducers = schema["reducers"]!.AsArray();
        var connected = reducers.Single(r => r!["name"]!.GetValue<string>() == "client_connected")!;
        Assert.Equal("{\"some\":{\"OnConnect\":[]}}", connected["lifecycle"]!.ToJsonString());
        var send = reducers.Single(r => r!["name"]!.GetValue<string>() == "send_message")!;
        Assert.Equal("{\"none\":[]}", send["lifecycle"]!.ToJsonString());
        Assert.Equal("text", send["params"]!["elements"]![0]!["name"]!["some"]!.GetValue<string>());
        Assert.Equal("[]", schema["misc_exports"]!.ToJsonString());
        Assert.Equal("[]", schema["row_level_security"]!.ToJsonString());
        Assert.NotNull(schema["types"]);

        var response = await _server.SendAsync(HttpMethod.Put, "/v1/database/ticks", _ownerToken, new ByteArrayContent(TestModules.Scheduled()));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var scheduled = (await _server.Http.GetFromJsonAsync<JsonObject>("/v1/database/ticks/schema?version=9"))!;
        var tick = scheduled["tables"]!.AsArray().Single(t => t!["name"]!.GetValue<string>() == "tick")!;
        var schedule = tick["schedule"]!["some"]!;
        Assert.Equal("tick_sched", schedule["name"]!["some"]!.GetValue<string>());
        Assert.Equal("run_tick", schedule["reducer_name"]!.GetValue<string>());
        Assert.Equal(1, schedule["scheduled_at_column"]!.GetValue<int>());
        var sequence = tick["sequences"]!.AsArray().Single()!;
        Assert.Equal("tick_scheduled_id_seq", sequence["name"]!["some"]!.GetValue<string>());
        Assert.Equal(0, sequence["column"]!.GetValue<int>());

        var unknown = await _server.Http.GetAsync("/v1/database/chat/schema?version=8");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("version=9", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_databases_of_an_identity_are_listed_and_a_bad_identity_is_a_400()
    {
        await _server.PublishChatAsync("another", _ownerToken);
        var listed = (await _server.Http.GetFromJsonAsync<JsonObject>($"/v1/identity/{_owner}/databases"))!;
        var identities = listed["identities"]!.AsArray().Select(i => i!.GetValue<string>()).ToList();
        Assert.Equal(2, identities.Count);
        Assert.Contains(await IdentityOfAsync("chat"), identities);
        Assert.Contains(await IdentityOfAsync("another"), identities);
        Assert.Equal(["another", "chat"], listed["databases"]!.AsArray().Select(d => d!["name"]!.GetValue<string>()));

        var (stranger, _) = await _server.NewIdentityAsync();
        Assert.Equal("[]", (await _server.Http.GetFromJsonAsync<JsonObject>($"/v1/identity/{stranger}/databases"))!["identities"]!.ToJsonString());
        Assert.Equal(HttpStatusCode.BadRequest, (await _server.Http.GetAsync("/v1/identity/not-hex/databases")).StatusCode);
    }

    [Fact]
    public async Task Ping_answers_200_with_an_empty_body_and_refuses_a_bad_token()
    {
        var ok = await _server.Http.GetAsync("/v1/ping");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("", await ok.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await _server.SendAsync(HttpMethod.Get, "/v1/ping", _ownerToken)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _server.SendAsync(HttpMethod.Get, "/v1/ping", "not-a-jwt")).StatusCode);
    }
}
