using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Meridian.Protocol.Messages;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using Meridian.Sats.Rows;
using Meridian.Sats.Values;

namespace Meridian.IntegrationTests;

public sealed class ChatServerTests : IAsyncLifetime
{
    private static readonly ProductType UserRow = AlgebraicType.Product(
        ("identity", AlgebraicType.Identity), ("name", AlgebraicType.Option(AlgebraicType.String)), ("online", AlgebraicType.Bool));
    private static readonly ProductType MessageRow = AlgebraicType.Product(
        ("sender", AlgebraicType.Identity), ("sent", AlgebraicType.Timestamp), ("text", AlgebraicType.String));
    private TestServer _server = null!;
    private string _ownerToken = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        (_, _ownerToken) = await _server.NewIdentityAsync();
        await _server.PublishChatAsync("chat", _ownerToken);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static byte[] StringArg(string s)
    {
        var w = new BsatnWriter();
        w.WriteString(s);
        return w.ToArray();
    }

    private static List<ProductValue> Rows(RowList list, ProductType type) =>
        list.Select(r => (ProductValue)AlgebraicValue.FromBsatn(r.Span, type)).ToList();

    [Fact]
    public async Task Two_clients_see_each_other_and_each_others_changes()
    {
        await using var a = await WsClient.ConnectAsync(_server.Server.BaseAddress, "chat");
        await a.SendAsync(new ClientMessage.Subscribe(0, 1, ["SELECT * FROM user", "SELECT * FROM message"]));
        var applied = Assert.IsType<ServerMessage.SubscribeApplied>(await a.ReceiveAsync());
        Assert.Equal(1u, applied.QuerySetId);
        var users = Rows(applied.Rows.Single(t => t.Table == "user").Rows, UserRow);
        Assert.Equal(a.Initial.Identity.ToValue(), Assert.Single(users)[0]);

        await using var b = await WsClient.ConnectAsync(_server.Server.BaseAddress, "chat");
        var joined = Assert.IsType<ServerMessage.TransactionUpdate>(await a.ReceiveAsync());
        var inserted = Rows(((TableUpdateRows.Persistent)joined.QuerySets.Single().Tables.Single().Rows.Single()).Inserts, UserRow);
        Assert.Equal(b.Initial.Identity.ToValue(), Assert.Single(inserted)[0]);

        await b.SendAsync(new ClientMessage.CallReducer(7, 0, "send_message", StringArg("hello")));
        var result = Assert.IsType<ServerMessage.ReducerResult>(await b.ReceiveAsync());
        Assert.Equal(7u, result.RequestId);
        Assert.Empty(Assert.IsType<ReducerOutcome.Ok>(result.Outcome).QuerySets);

        var update = Assert.IsType<ServerMessage.TransactionUpdate>(await a.ReceiveAsync());
        var table = update.QuerySets.Single().Tables.Single();
        Assert.Equal("message", table.TableName);
        var message = Assert.Single(Rows(((TableUpdateRows.Persistent)table.Rows.Single()).Inserts, MessageRow));
        Assert.Equal(b.Initial.Identity.ToValue(), message[0]);
        Assert.Equal(AlgebraicValue.String("hello"), message[2]);
    }

    [Fact]
    public async Task A_failing_reducer_rejects_with_the_module_error_as_err()
    {
        await using var a = await WsClient.ConnectAsync(_server.Server.BaseAddress, "chat");
        await a.SendAsync(new ClientMessage.CallReducer(1, 0, "send_message", StringArg("")));
        var result = Assert.IsType<ServerMessage.ReducerResult>(await a.ReceiveAsync());
        var err = Assert.IsType<ReducerOutcome.Err>(result.Outcome);
        var r = new BsatnReader(err.ErrorBsatn);
        Assert.Equal("Messages must not be empty", r.ReadString());

        await a.SendAsync(new ClientMessage.CallReducer(2, 0, "no_such", []));
        var missing = Assert.IsType<ServerMessage.ReducerResult>(await a.ReceiveAsync());
        Assert.Contains("No such reducer", Assert.IsType<ReducerOutcome.InternalError>(missing.Outcome).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_frame_closes_only_that_connection_with_1011()
    {
        await using var good = await WsClient.ConnectAsync(_server.Server.BaseAddress, "chat");
        await using var bad = await WsClient.ConnectAsync(_server.Server.BaseAddress, "chat");
        await good.SendAsync(new ClientMessage.Subscribe(0, 1, ["SELECT * FROM message"]));
        Assert.IsType<ServerMessage.SubscribeApplied>(await good.ReceiveAsync());

        await bad.SendRawAsync([42, 1, 2]);
        var (status, reason) = await bad.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseStatus.InternalServerError, status);
        Assert.Contains("ClientMessage tag 42", reason, StringComparison.Ordinal);

        await good.SendAsync(new ClientMessage.CallReducer(3, 0, "send_message", StringArg("still here")));
        Assert.IsType<ServerMessage.ReducerResult>(await good.ReceiveAsync());
    }

    [Fact]
    public async Task A_reconnect_with_the_saved_token_keeps_the_identity_and_data_survives_a_restart()
    {
        string token;
        Identity identity;
        await using (var a = await WsClient.ConnectAsync(_server.Server.BaseAddress, "chat"))
        {
            token = a.Initial.Token;
            identity = a.Initial.Identity;
            await a.SendAsync(new ClientMessage.CallReducer(1, 0, "set_name", StringArg("Ada")));
            Assert.IsType<ReducerOutcome.Ok>(Assert.IsType<ServerMessage.ReducerResult>(await a.ReceiveAsync()).Outcome);
            await a.SendAsync(new ClientMessage.CallReducer(2, 0, "send_message", StringArg("persist me")));
            Assert.IsType<ServerMessage.ReducerResult>(await a.ReceiveAsync());
        }

        await _server.RestartAsync();

        await using var again = await WsClient.ConnectAsync(_server.Server.BaseAddress, "chat", token);
        Assert.Equal(identity, again.Initial.Identity);
        await again.SendAsync(new ClientMessage.Subscribe(0, 1, ["SELECT * FROM user", "SELECT * FROM message"]));
        var applied = Assert.IsType<ServerMessage.SubscribeApplied>(await again.ReceiveAsync());
        var me = Rows(applied.Rows.Single(t => t.Table == "user").Rows, UserRow).Single(u => u[0].Equals(identity.ToValue()));
        Assert.Equal(AlgebraicValue.OptionSome(AlgebraicValue.String("Ada")), me[1]);
        Assert.Equal(AlgebraicValue.Bool(true), me[2]);
        Assert.Contains(Rows(applied.Rows.Single(t => t.Table == "message").Rows, MessageRow), m => m[2].Equals(AlgebraicValue.String("persist me")));
    }

    [Fact]
    public async Task Http_call_sql_and_logs_work_with_the_spec_status_codes()
    {
        var (_, token) = await _server.NewIdentityAsync();
        var ok = await _server.SendAsync(
            HttpMethod.Post, "/v1/database/chat/call/send_message", token, new StringContent("[\"via http\"]", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var failed = await _server.SendAsync(
            HttpMethod.Post, "/v1/database/chat/call/send_message", token, new StringContent("[\"\"]", Encoding.UTF8, "application/json"));
        Assert.Equal(530, (int)failed.StatusCode);
        Assert.Equal("Messages must not be empty", await failed.Content.ReadAsStringAsync());
        var badArgs = await _server.SendAsync(
            HttpMethod.Post, "/v1/database/chat/call/send_message", token, new StringContent("[1]", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, badArgs.StatusCode);
        var missing = await _server.SendAsync(
            HttpMethod.Post, "/v1/database/chat/call/nope", token, new StringContent("[]", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var lifecycle = await _server.SendAsync(
            HttpMethod.Post, "/v1/database/chat/call/client_connected", token, new StringContent("[]", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, lifecycle.StatusCode);

        var sql = await _server.SendAsync(HttpMethod.Post, "/v1/database/chat/sql", token, new StringContent("SELECT text FROM message"));
        Assert.Equal(HttpStatusCode.OK, sql.StatusCode);
        var results = (await sql.Content.ReadFromJsonAsync<JsonArray>())!;
        var first = results[0]!.AsObject();
        Assert.Equal("text", first["schema"]!["elements"]![0]!["name"]!["some"]!.GetValue<string>());
        Assert.Equal("[[\"via http\"]]", first["rows"]!.ToJsonString());

        var badSql = await _server.SendAsync(HttpMethod.Post, "/v1/database/chat/sql", token, new StringContent("SELECT * FROM nowhere"));
        Assert.Equal(HttpStatusCode.BadRequest, badSql.StatusCode);
        Assert.Contains("Unknown table 'nowhere'", await badSql.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var logs = await _server.SendAsync(HttpMethod.Get, "/v1/database/chat/logs?num_lines=50", _ownerToken);
        Assert.Equal(HttpStatusCode.OK, logs.StatusCode);
        var lines = (await logs.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Contains(lines, l => l["message"]!.GetValue<string>() == "via http" && l["level"]!.GetValue<string>() == "Info");
        var notOwner = await _server.SendAsync(HttpMethod.Get, "/v1/database/chat/logs", token);
        Assert.Equal(HttpStatusCode.Forbidden, notOwner.StatusCode);
    }

    [Fact]
    public async Task Identity_routes_and_auth_errors_follow_the_spec()
    {
        var (identity, token) = await _server.NewIdentityAsync();
        Assert.StartsWith("c200", identity, StringComparison.Ordinal);
        var ws = await _server.SendAsync(HttpMethod.Post, "/v1/identity/websocket-token", token);
        Assert.Equal(HttpStatusCode.OK, ws.StatusCode);
        var shortToken = (await ws.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
        var noAuth = await _server.Http.PostAsync("/v1/identity/websocket-token", null);
        Assert.Equal(HttpStatusCode.Unauthorized, noAuth.StatusCode);

        // A TypeScript-style connection: the short-lived token in the query string.
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("v2.bsatn.spacetimedb");
        await socket.ConnectAsync(
            new Uri($"ws://{_server.Server.BaseAddress.Authority}/v1/database/chat/subscribe?compression=None&token={shortToken}"), CancellationToken.None);
        Assert.Equal("v2.bsatn.spacetimedb", socket.SubProtocol);
        socket.Abort();

        var forged = token[..^4] + (token.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        var rejected = await _server.SendAsync(HttpMethod.Post, "/v1/identity/websocket-token", forged);
        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        var garbage = await _server.SendAsync(HttpMethod.Post, "/v1/identity/websocket-token", "not-a-jwt");
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);

        var anonymous = await _server.Http.PostAsync("/v1/database/chat/sql", new StringContent("SELECT * FROM user"));
        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        Assert.StartsWith("c200", anonymous.Headers.GetValues("spacetime-identity").Single(), StringComparison.Ordinal);
        Assert.NotEmpty(anonymous.Headers.GetValues("spacetime-identity-token").Single());
    }

    [Fact]
    public async Task Publishing_is_refused_clearly_for_non_owners_and_bad_modules()
    {
        var (_, stranger) = await _server.NewIdentityAsync();
        var denied = await _server.SendAsync(HttpMethod.Put, "/v1/database/chat", stranger, new ByteArrayContent(TestModules.Chat()));
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        var garbage = await _server.SendAsync(HttpMethod.Put, "/v1/database/other", stranger, new ByteArrayContent([1, 2, 3]));
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.Contains("not a .NET assembly", await garbage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var update = await _server.SendAsync(HttpMethod.Put, "/v1/database/chat", _ownerToken, new ByteArrayContent(TestModules.Chat()));
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        Assert.Equal("updated", (await update.Content.ReadFromJsonAsync<JsonObject>())!["Success"]!["op"]!.GetValue<string>());
        var unknown = await _server.Http.GetAsync("/v1/database/nothing/identity");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task The_schema_route_serves_the_canonical_v10_definition()
    {
        var missing = await _server.Http.GetAsync("/v1/database/chat/schema");
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var old = await _server.Http.GetAsync("/v1/database/chat/schema?version=8");
        Assert.Equal(HttpStatusCode.BadRequest, old.StatusCode);
        var schema = (await _server.Http.GetFromJsonAsync<JsonObject>("/v1/database/chat/schema?version=10"))!;
        var sections = schema["sections"]!.AsArray();
        var tables = sections.Select(s => s!.AsObject()).Single(s => s.ContainsKey("Tables"))["Tables"]!.AsArray();
        Assert.Equal(["message", "user"], tables.Select(t => t!["source_name"]!.GetValue<string>()).Order());
        var reducers = sections.Select(s => s!.AsObject()).Single(s => s.ContainsKey("Reducers"))["Reducers"]!.AsArray();
        Assert.Contains(reducers, r => r!["source_name"]!.GetValue<string>() == "send_message"
            && r["params"]!["elements"]![0]!["name"]!["some"]!.GetValue<string>() == "text");
        var typespace = sections.Select(s => s!.AsObject()).Single(s => s.ContainsKey("Typespace"))["Typespace"]!["types"]!.AsArray();
        Assert.Contains(typespace, t => t!.ToJsonString().Contains("\"online\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task V3_is_preferred_when_offered_and_carries_several_messages_per_frame_both_ways()
    {
        await using var v2 = await WsClient.ConnectAsync(_server.Server.BaseAddress, "chat");
        Assert.Equal("v2.bsatn.spacetimedb", v2.Socket.SubProtocol);

        await using var v3 = await WsClient.ConnectAsync(_server.Server.BaseAddress, "chat", offerV3: true);
        Assert.Equal("v3.bsatn.spacetimedb", v3.Socket.SubProtocol);
        var w = new BsatnWriter();
        new ClientMessage.Subscribe(1, 4, ["SELECT * FROM message"]).Write(w);
        for (uint i = 0; i < 20; i++)
            new ClientMessage.CallReducer(10 + i, 0, "send_message", StringArg($"batched {i}")).Write(w);
        await v3.SendRawAsync(w.ToArray());

        Assert.IsType<ServerMessage.SubscribeApplied>(await v3.ReceiveAsync());
        for (uint i = 0; i < 20; i++)
        {
            var result = Assert.IsType<ServerMessage.ReducerResult>(await v3.ReceiveAsync());
            Assert.Equal(10 + i, result.RequestId);
            var table = Assert.IsType<ReducerOutcome.Ok>(result.Outcome).QuerySets.Single().Tables.Single();
            var inserted = ((TableUpdateRows.Persistent)table.Rows.Single()).Inserts;
            Assert.Equal(AlgebraicValue.String($"batched {i}"), Rows(inserted, MessageRow).Single()[2]);
        }

        await v3.SendRawAsync([]);
        var (status, reason) = await v3.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseStatus.InternalServerError, status);
        Assert.Contains("empty", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_frames_and_oversized_messages_close_only_that_connection()
    {
        await using var text = await WsClient.ConnectAsync(_server.Server.BaseAddress, "chat");
        await text.Socket.SendAsync(Encoding.UTF8.GetBytes("{\"Subscribe\": {}}"), WebSocketMessageType.Text, true, CancellationToken.None);
        var (textStatus, textReason) = await text.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseStatus.InternalServerError, textStatus);
        Assert.Contains("text frames", textReason, StringComparison.Ordinal);

        await using var big = await WsClient.ConnectAsync(_server.Server.BaseAddress, "chat");
        var chunk = new byte[1 << 20];
        try
        {
            for (var i = 0; i < 34; i++)
                await big.Socket.SendAsync(chunk, WebSocketMessageType.Binary, endOfMessage: false, CancellationToken.None);
        }
        catch (WebSocketException)
        {
            // The server may close before the last chunk is written.
        }
        var (bigStatus, _) = await big.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, bigStatus);

        await using var fine = await WsClient.ConnectAsync(_server.Server.BaseAddress, "chat");
        await fine.SendAsync(new ClientMessage.OneOffQuery(1, "SELECT * FROM user"));
        var result = Assert.IsType<ServerMessage.OneOffQueryResult>(await fine.ReceiveAsync());
        Assert.Null(result.Error);
        await fine.SendAsync(new ClientMessage.OneOffQuery(2, "SELEC nonsense"));
        Assert.Contains("Expected SELECT", Assert.IsType<ServerMessage.OneOffQueryResult>(await fine.ReceiveAsync()).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Browsers_get_a_cors_preflight_answer_for_the_token_exchange()
    {
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/v1/identity/websocket-token");
        preflight.Headers.Add("Origin", "http://app.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization");
        var response = await _server.Http.SendAsync(preflight);
        Assert.True(response.IsSuccessStatusCode, response.StatusCode.ToString());
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("authorization", string.Join(",", response.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Only_the_owner_can_delete_a_database_and_a_second_delete_finds_none()
    {
        await using var connected = await WsClient.ConnectAsync(_server.Server.BaseAddress, "chat");
        var (_, stranger) = await _server.NewIdentityAsync();
        var denied = await _server.SendAsync(HttpMethod.Delete, "/v1/database/chat", stranger);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Contains("does not own database 'chat'", await denied.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _server.Http.GetAsync("/v1/database/chat/identity")).StatusCode);

        var deleted = await _server.SendAsync(HttpMethod.Delete, "/v1/database/chat", _ownerToken);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Http.GetAsync("/v1/database/chat/identity")).StatusCode);
        Assert.False(Directory.Exists(Path.Combine(_server.DataDir, "databases", "chat")));
        // Deleting it again changes nothing and says there is no such database (the CLI reports it, not 'Deleted').
        var again = await _server.SendAsync(HttpMethod.Delete, "/v1/database/chat", _ownerToken);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Contains("chat", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A client still connected to the deleted database is closed.
        var (status, reason) = await connected.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, status);
        Assert.Contains("database is gone", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopping_the_server_closes_clients_with_1001()
    {
        await using var client = await WsClient.ConnectAsync(_server.Server.BaseAddress, "chat");
        var closing = client.ReceiveCloseAsync();
        await _server.RestartAsync();
        var (status, _) = await closing;
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, status);
    }
}
