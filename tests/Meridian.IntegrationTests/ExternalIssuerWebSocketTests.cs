using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Meridian.Protocol.Messages;
using Meridian.Sats;
using Meridian.Server;
using Meridian.Server.Auth;
using Meridian.Server.Tests.Auth;

namespace Meridian.IntegrationTests;

/// <summary>Tokens from a trusted OpenID Connect issuer (on loopback) used over the WebSocket, as the SDKs send them.</summary>
public sealed class ExternalIssuerWebSocketTests : IAsyncLifetime
{
    private LocalOidcIssuer _issuer = null!;
    private LocalOidcIssuer _unlisted = null!;
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _issuer = await LocalOidcIssuer.StartAsync();
        _unlisted = await LocalOidcIssuer.StartAsync();
        _server = await TestServer.StartAsync(options: dir => new MeridianServerOptions
        {
            ListenAddress = "127.0.0.1:0",
            DataDirectory = dir,
            IdentityProviders = new IdentityProviderOptions { Issuers = [new TrustedIssuer { Issuer = _issuer.Issuer, Audiences = ["meridian"] }] },
        });
        var (_, token) = await _server.NewIdentityAsync();
        await _server.PublishChatAsync("chat", token);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _issuer.DisposeAsync();
        await _unlisted.DisposeAsync();
    }

    [Fact]
    public async Task A_bearer_token_from_a_trusted_issuer_connects_with_the_identity_derived_from_iss_and_sub()
    {
        var external = _issuer.Mint("ws-user", audience: "meridian");
        await using var client = await WsClient.ConnectAsync(_server.Server.BaseAddress, "chat", external);
        Assert.Equal(Identity.FromClaims(_issuer.Issuer, "ws-user"), client.Initial.Identity);
        Assert.Equal(external, client.Initial.Token);

        await client.SendAsync(new ClientMessage.OneOffQuery(1, $"SELECT * FROM user WHERE identity = 0x{client.Initial.Identity.ToHexString()}"));
        var result = Assert.IsType<ServerMessage.OneOffQueryResult>(await client.ReceiveAsync());
        Assert.Null(result.Error);
        Assert.Single(result.Rows!.Single().Rows);
    }

    [Fact]
    public async Task The_typescript_exchange_turns_an_external_token_into_a_query_string_token_for_the_same_identity()
    {
        var external = _issuer.Mint("ts-user", audience: "meridian");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/identity/websocket-token");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", external);
        var exchanged = await _server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, exchanged.StatusCode);
        var shortLived = (await exchanged.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();

        await using var client = await WsClient.ConnectAsync(_server.Server.BaseAddress, "chat", query: "&token=" + shortLived);
        Assert.Equal(Identity.FromClaims(_issuer.Issuer, "ts-user"), client.Initial.Identity);
    }

    [Theory]
    [InlineData("unlisted issuer")]
    [InlineData("wrong audience")]
    [InlineData("expired")]
    public async Task A_token_the_server_does_not_accept_fails_the_upgrade_with_401(string problem)
    {
        var token = problem switch
        {
            "unlisted issuer" => _unlisted.Mint("someone", audience: "meridian"),
            "wrong audience" => _issuer.Mint("someone", audience: "another-app"),
            _ => _issuer.Mint("someone", audience: "meridian", expires: DateTimeOffset.UtcNow.AddHours(-1), notBefore: DateTimeOffset.UtcNow.AddHours(-2)),
        };
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("v2.bsatn.spacetimedb");
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        var uri = new Uri($"ws://{_server.Server.BaseAddress.Authority}/v1/database/chat/subscribe?compression=None");
        await Assert.ThrowsAnyAsync<WebSocketException>(() => socket.ConnectAsync(uri, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
    }
}
