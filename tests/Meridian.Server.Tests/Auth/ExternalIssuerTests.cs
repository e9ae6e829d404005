using System.Security.Cryptography;
using Meridian.Sats;
using Meridian.Server.Auth;

namespace Meridian.Server.Tests.Auth;

/// <summary>Tokens from external OpenID Connect issuers, validated against a real issuer on loopback.</summary>
public sealed class ExternalIssuerTests : IAsyncLifetime
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly string[] TwoAudiences = ["other", "meridian-app"];

    private readonly ManualClock _clock = new();
    private LocalOidcIssuer _issuer = null!;

    public async Task InitializeAsync() => _issuer = await LocalOidcIssuer.StartAsync();

    public async Task DisposeAsync() => await _issuer.DisposeAsync();

    private TokenService Service(IReadOnlyList<string>? audiences = null, TimeSpan? minimumRefresh = null, string? issuer = null)
    {
        var options = new IdentityProviderOptions
        {
            Issuers = [new TrustedIssuer { Issuer = issuer ?? _issuer.Issuer, Audiences = audiences ?? [] }],
            MinimumKeyRefreshInterval = minimumRefresh ?? TimeSpan.FromSeconds(30),
        };
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new TokenService(key, _clock, new ExternalIssuers(options, _clock));
    }

    private static async Task<TokenException> Refused(TokenService tokens, string token) =>
        await Assert.ThrowsAsync<TokenException>(() => tokens.ValidateAsync(token));

    [Fact]
    public async Task A_trusted_issuers_token_gives_the_identity_derived_from_iss_and_sub()
    {
        using var tokens = Service();
        var token = _issuer.Mint("user-42", audience: "my-app", extra: new Dictionary<string, object> { ["role"] = "admin" });
        var (claims, extra) = await tokens.ValidateAsync(token);
        Assert.Equal(_issuer.Issuer, claims.Issuer);
        Assert.Equal("user-42", claims.Subject);
        Assert.Equal(Identity.FromClaims(_issuer.Issuer, "user-42"), claims.Identity);
        Assert.StartsWith("c200", claims.Identity.ToHexString(), StringComparison.Ordinal);
        Assert.Equal(["my-app"], claims.Audience);
        Assert.Equal("admin", extra["role"]!.GetValue<string>());
    }

    [Fact]
    public async Task Keys_are_fetched_once_and_cached_until_the_cache_duration_passes()
    {
        using var tokens = Service();
        for (var i = 0; i < 3; i++)
            await tokens.ValidateAsync(_issuer.Mint($"user-{i}"));
        Assert.Equal(1, _issuer.DiscoveryFetches);
        Assert.Equal(1, _issuer.JwksFetches);
        _clock.Now += TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1);
        await tokens.ValidateAsync(_issuer.Mint("later"));
        Assert.Equal(2, _issuer.JwksFetches);
    }

    [Fact]
    public async Task A_rotated_key_is_fetched_when_a_token_names_it_and_retired_keys_stop_working()
    {
        using var tokens = Service();
        var before = _issuer.Mint("alice");
        await tokens.ValidateAsync(before);
        _issuer.Rotate();
        var after = _issuer.Mint("alice");
        var (claims, _) = await tokens.ValidateAsync(after);
        Assert.Equal(Identity.FromClaims(_issuer.Issuer, "alice"), claims.Identity);
        Assert.Equal(2, _issuer.JwksFetches);

        // The retired key is gone from the JWKS the server now holds; a refetch is rate limited, so none happens yet.
        var error = await Refused(tokens, before);
        Assert.False(error.Malformed);
        Assert.Contains("matches no current key", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, _issuer.JwksFetches);
    }

    [Fact]
    public async Task Unknown_key_ids_refetch_at_most_once_per_minimum_interval()
    {
        using var tokens = Service(minimumRefresh: TimeSpan.FromSeconds(30));
        await tokens.ValidateAsync(_issuer.Mint("bob"));
        var forged = _issuer.Mint("bob", key: LocalOidcIssuer.NewKey());
        for (var i = 0; i < 3; i++)
            await Refused(tokens, forged);
        Assert.Equal(2, _issuer.JwksFetches);
        _clock.Now += TimeSpan.FromSeconds(31);
        var error = await Refused(tokens, forged);
        Assert.Contains("signature", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, _issuer.JwksFetches);
    }

    [Fact]
    public async Task Expiry_is_checked_with_the_configured_clock_skew()
    {
        using var tokens = Service();
        var now = _clock.Now;
        await tokens.ValidateAsync(_issuer.Mint("carol", expires: now.AddSeconds(-30)));
        var error = await Refused(tokens, _issuer.Mint("carol", expires: now.AddMinutes(-5)));
        Assert.Equal("Token has expired.", error.Message);
        Assert.False(error.Malformed);

        await tokens.ValidateAsync(_issuer.Mint("carol", notBefore: now.AddSeconds(30)));
        var early = await Refused(tokens, _issuer.Mint("carol", notBefore: now.AddMinutes(5)));
        Assert.Contains("not valid yet", early.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_for_another_audience_is_refused_when_audiences_are_configured()
    {
        using var tokens = Service(audiences: ["meridian-app"]);
        await tokens.ValidateAsync(_issuer.Mint("dave", audience: "meridian-app"));
        await tokens.ValidateAsync(_issuer.Mint("dave", audience: TwoAudiences));
        var error = await Refused(tokens, _issuer.Mint("dave", audience: "someone-else"));
        Assert.Contains("audience", error.Message, StringComparison.Ordinal);
        Assert.Contains("'meridian-app'", error.Message, StringComparison.Ordinal);
        await Refused(tokens, _issuer.Mint("dave"));
    }

    [Fact]
    public async Task A_token_from_an_unlisted_issuer_is_refused_without_contacting_it()
    {
        using var tokens = Service();
        var error = await Refused(tokens, _issuer.Mint("eve", issuer: "https://evil.example"));
        Assert.False(error.Malformed);
        Assert.Contains("'https://evil.example'", error.Message, StringComparison.Ordinal);
        Assert.Contains("not accepted", error.Message, StringComparison.Ordinal);
        Assert.Contains(_issuer.Issuer, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _issuer.DiscoveryFetches);

        using var none = new TokenService(ECDsa.Create(ECCurve.NamedCurves.nistP256), _clock);
        var noneError = await Refused(none, _issuer.Mint("eve"));
        Assert.Contains("trusts no external issuers", noneError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mismatching_hex_identity_claim_is_refused()
    {
        using var tokens = Service();
        var wrong = Identity.FromClaims("someone", "else").ToHexString();
        var error = await Refused(tokens, _issuer.Mint("frank", extra: new Dictionary<string, object> { ["hex_identity"] = wrong }));
        Assert.Contains("hex_identity", error.Message, StringComparison.Ordinal);
        var right = Identity.FromClaims(_issuer.Issuer, "frank").ToHexString();
        await tokens.ValidateAsync(_issuer.Mint("frank", extra: new Dictionary<string, object> { ["hex_identity"] = right }));
    }

    [Fact]
    public async Task An_unreachable_issuer_gives_a_clear_401_and_cached_keys_outlive_an_outage()
    {
        string address;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            address = $"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}";
        }
        using var down = Service(issuer: address);
        var error = await Refused(down, _issuer.Mint("gina", issuer: address));
        Assert.Contains("could not read the keys", error.Message, StringComparison.Ordinal);

        using var tokens = Service();
        await tokens.ValidateAsync(_issuer.Mint("gina"));
        var later = _issuer.Mint("gina", expires: _clock.Now.AddHours(3));
        await _issuer.DisposeAsync();
        _clock.Now += TimeSpan.FromHours(2);
        var (claims, _) = await tokens.ValidateAsync(later);
        Assert.Equal("gina", claims.Subject);
        _issuer = await LocalOidcIssuer.StartAsync();
    }

    [Fact]
    public void Plain_http_issuers_need_allow_http_unless_they_are_loopback()
    {
        var error = Assert.Throws<ArgumentException>(() => new ExternalIssuers(
            new IdentityProviderOptions { Issuers = [new TrustedIssuer { Issuer = "http://auth.example.com" }] }));
        Assert.Contains("HTTPS", error.Message, StringComparison.Ordinal);
        using var allowed = new ExternalIssuers(
            new IdentityProviderOptions { Issuers = [new TrustedIssuer { Issuer = "http://auth.example.com", AllowHttp = true }] });
        Assert.True(allowed.IsTrusted("http://auth.example.com/"));
        Assert.Throws<ArgumentException>(() => new ExternalIssuers(new IdentityProviderOptions { Issuers = [new TrustedIssuer { Issuer = "not a url" }] }));
    }

    [Fact]
    public async Task Local_tokens_still_validate_and_a_tampered_local_token_is_not_sent_to_external_issuers()
    {
        using var tokens = Service();
        var (claims, token) = tokens.MintAnonymous();
        Assert.Equal(claims.Identity, (await tokens.ValidateAsync(token)).Claims.Identity);
        using var other = Service();
        var error = await Refused(other, token);
        Assert.Contains("not signed by this instance", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _issuer.DiscoveryFetches);
    }
}
