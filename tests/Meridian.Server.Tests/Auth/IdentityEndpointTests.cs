using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Meridian.Sats;
using Meridian.Server.Auth;

namespace Meridian.Server.Tests.Auth;

/// <summary>The identity routes of a real server (port 0, in memory) that trusts a loopback OpenID Connect issuer.</summary>
public sealed class IdentityEndpointTests : IAsyncLifetime, IDisposable
{
    private LocalOidcIssuer _issuer = null!;
    private MeridianServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _issuer = await LocalOidcIssuer.StartAsync();
        _server = await MeridianServer.StartAsync(new MeridianServerOptions
        {
            ListenAddress = "127.0.0.1:0",
            IdentityProviders = new IdentityProviderOptions { Issuers = [new TrustedIssuer { Issuer = _issuer.Issuer, Audiences = ["meridian"] }] },
        });
        _http = new HttpClient { BaseAddress = _server.BaseAddress };
    }

    public void Dispose() => _http.Dispose();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _http.SendAsync(request);
    }

    [Fact]
    public async Task An_external_token_buys_a_websocket_token_for_the_same_identity()
    {
        var external = _issuer.Mint("user-1", audience: "meridian", extra: new Dictionary<string, object> { ["email"] = "u1@example.com" });
        using var response = await SendAsync(HttpMethod.Post, "/v1/identity/websocket-token", external);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var shortLived = (await response.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
        var (claims, extra) = await _server.Tokens.ValidateAsync(shortLived);
        Assert.Equal(Identity.FromClaims(_issuer.Issuer, "user-1"), claims.Identity);
        Assert.Equal(_issuer.Issuer, claims.Issuer);
        Assert.Equal(claims.IssuedAt + 60, claims.ExpiresAt);
        Assert.Equal("u1@example.com", extra["email"]!.GetValue<string>());
        Assert.Equal(claims.Identity.ToHexString(), response.Headers.GetValues("spacetime-identity").Single());
    }

    [Fact]
    public async Task Verify_answers_204_for_the_tokens_identity_400_for_another_and_401_without_a_valid_token()
    {
        var external = _issuer.Mint("user-2", audience: "meridian");
        var identity = Identity.FromClaims(_issuer.Issuer, "user-2").ToHexString();
        using (var ok = await SendAsync(HttpMethod.Get, $"/v1/identity/{identity}/verify", external))
            Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        using (var prefixed = await SendAsync(HttpMethod.Get, $"/v1/identity/0x{identity}/verify", external))
            Assert.Equal(HttpStatusCode.NoContent, prefixed.StatusCode);
        var other = Identity.FromClaims(_issuer.Issuer, "someone-else").ToHexString();
        using (var mismatch = await SendAsync(HttpMethod.Get, $"/v1/identity/{other}/verify", external))
            Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        using (var garbage = await SendAsync(HttpMethod.Get, "/v1/identity/not-hex/verify", external))
            Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        using (var none = await SendAsync(HttpMethod.Get, $"/v1/identity/{identity}/verify", null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
            Assert.Equal("Authorization required", await none.Content.ReadAsStringAsync());
        }
        using (var malformed = await SendAsync(HttpMethod.Get, $"/v1/identity/{identity}/verify", "not-a-jwt"))
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);

        var (local, localToken) = _server.Tokens.MintAnonymous();
        using var localOk = await SendAsync(HttpMethod.Get, $"/v1/identity/{local.Identity.ToHexString()}/verify", localToken);
        Assert.Equal(HttpStatusCode.NoContent, localOk.StatusCode);
    }

    [Fact]
    public async Task Tokens_from_unlisted_issuers_wrong_audiences_or_expired_get_401_with_the_reason()
    {
        var foreign = _issuer.Mint("x", audience: "meridian", issuer: "https://other.example");
        using (var unlisted = await SendAsync(HttpMethod.Post, "/v1/identity/websocket-token", foreign))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unlisted.StatusCode);
            Assert.Contains("'https://other.example' are not accepted", await unlisted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var audience = await SendAsync(HttpMethod.Post, "/v1/identity/websocket-token", _issuer.Mint("x", audience: "elsewhere")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, audience.StatusCode);
            Assert.Contains("audience", await audience.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var expired = _issuer.Mint("x", audience: "meridian", expires: DateTimeOffset.UtcNow.AddMinutes(-10));
        using var late = await SendAsync(HttpMethod.Get, "/v1/ping", expired);
        Assert.Equal(HttpStatusCode.Unauthorized, late.StatusCode);
        Assert.Equal("Token has expired.", await late.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ping_answers_200_without_a_token_and_validates_one_when_given()
    {
        using (var bare = await SendAsync(HttpMethod.Get, "/v1/ping", null))
        {
            Assert.Equal(HttpStatusCode.OK, bare.StatusCode);
            Assert.Equal("", await bare.Content.ReadAsStringAsync());
        }
        using (var external = await SendAsync(HttpMethod.Get, "/v1/ping", _issuer.Mint("p", audience: "meridian")))
            Assert.Equal(HttpStatusCode.OK, external.StatusCode);
        using var bad = await SendAsync(HttpMethod.Get, "/v1/ping", "a.b.c");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task The_public_key_is_PEM_and_verifies_the_servers_tokens()
    {
        using var response = await _http.GetAsync("/v1/identity/public-key");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pem-certificate-chain", response.Content.Headers.ContentType!.MediaType);
        var pem = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", pem, StringComparison.Ordinal);
        using var key = ECDsa.Create();
        key.ImportFromPem(pem);
        var (_, token) = _server.Tokens.MintAnonymous();
        var parts = token.Split('.');
        var signature = Convert.FromBase64String(Pad(parts[2]));
        Assert.True(key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256));
        signature[0] ^= 1;
        Assert.False(key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256));
    }

    private static string Pad(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return s + new string('=', (4 - s.Length % 4) % 4);
    }
}
