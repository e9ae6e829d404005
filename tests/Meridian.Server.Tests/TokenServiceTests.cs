using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Meridian.Sats;
using Meridian.Server.Auth;

namespace Meridian.Server.Tests;

public sealed class TokenServiceTests : IDisposable
{
    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly string _dir = Directory.CreateTempSubdirectory("meridian-keys-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static JsonObject Payload(string token) =>
        JsonNode.Parse(Convert.FromBase64String(Pad(token.Split('.')[1])))!.AsObject();

    private static string Pad(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return s + new string('=', (4 - s.Length % 4) % 4);
    }

    [Fact]
    public void Anonymous_tokens_carry_the_spec_claims_and_validate()
    {
        using var tokens = TokenService.LoadOrCreate(_dir, _clock);
        var (claims, token) = tokens.MintAnonymous();
        var payload = Payload(token);
        Assert.Equal("localhost", payload["iss"]!.GetValue<string>());
        Assert.True(Guid.TryParse(payload["sub"]!.GetValue<string>(), out _));
        Assert.Equal("[\"spacetimedb\"]", payload["aud"]!.ToJsonString());
        Assert.Null(payload["exp"]);
        Assert.True(payload.ContainsKey("exp"));
        Assert.Equal(Identity.FromClaims("localhost", claims.Subject).ToHexString(), payload["hex_identity"]!.GetValue<string>());
        Assert.Equal(claims.Identity, tokens.Validate(token).Claims.Identity);
        var header = Encoding.UTF8.GetString(Convert.FromBase64String(Pad(token.Split('.')[0])));
        Assert.Equal("{\"typ\":\"JWT\",\"alg\":\"ES256\"}", header);
    }

    [Fact]
    public void Websocket_tokens_expire_after_60_seconds_and_keep_extra_claims()
    {
        using var tokens = TokenService.LoadOrCreate(_dir, _clock);
        var (claims, _) = tokens.MintAnonymous();
        var shortLived = tokens.MintWebSocketToken(claims, new JsonObject { ["role"] = "admin" });
        var payload = Payload(shortLived);
        Assert.Equal(payload["iat"]!.GetValue<long>() + 60, payload["exp"]!.GetValue<long>());
        var (validated, extra) = tokens.Validate(shortLived);
        Assert.Equal(claims.Identity, validated.Identity);
        Assert.Equal("admin", extra["role"]!.GetValue<string>());
        _clock.Now = _clock.Now.AddSeconds(61);
        var e = Assert.Throws<TokenException>(() => tokens.Validate(shortLived));
        Assert.False(e.Malformed);
        Assert.Contains("expired", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_key_persists_so_tokens_survive_a_restart()
    {
        string token;
        using (var first = TokenService.LoadOrCreate(_dir, _clock))
            token = first.MintAnonymous().Token;
        using var second = TokenService.LoadOrCreate(_dir, _clock);
        Assert.Equal(Payload(token)["hex_identity"]!.GetValue<string>(), second.Validate(token).Claims.Identity.ToHexString());
        using var fresh = TokenService.LoadOrCreate(Path.Combine(_dir, "other"), _clock);
        Assert.Throws<TokenException>(() => fresh.Validate(token));
    }

    [Fact]
    public void Foreign_tampered_and_malformed_tokens_are_rejected_with_the_right_kind()
    {
        using var tokens = TokenService.LoadOrCreate(_dir, _clock);
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = new TokenService(otherKey, _clock);
        var foreign = Assert.Throws<TokenException>(() => tokens.Validate(other.MintAnonymous().Token));
        Assert.False(foreign.Malformed);
        Assert.Contains("not signed by this instance", foreign.Message, StringComparison.Ordinal);

        var (claims, _) = tokens.MintAnonymous();
        var lying = tokens.Sign(claims, new JsonObject());
        var parts = lying.Split('.');
        var payload = Payload(lying);
        payload["sub"] = "someone-else";
        var forgedPayload = Convert.ToBase64String(Encoding.UTF8.GetBytes(payload.ToJsonString())).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.Throws<TokenException>(() => tokens.Validate(parts[0] + "." + forgedPayload + "." + parts[2]));

        Assert.True(Assert.Throws<TokenException>(() => tokens.Validate("abc")).Malformed);
        Assert.True(Assert.Throws<TokenException>(() => tokens.Validate("a.b!.c")).Malformed);
    }

    [Fact]
    public void A_hex_identity_that_does_not_match_issuer_and_subject_is_rejected()
    {
        using var tokens = TokenService.LoadOrCreate(_dir, _clock);
        var (claims, _) = tokens.MintAnonymous();
        var wrong = tokens.Sign(claims, null).Split('.');
        var payload = Payload(string.Join('.', wrong));
        payload["hex_identity"] = Identity.FromClaims("x", "y").ToHexString();
        var body = Convert.ToBase64String(Encoding.UTF8.GetBytes(payload.ToJsonString())).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var signingInput = wrong[0] + "." + body;
        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(Path.Combine(_dir, "id_ecdsa")));
        var signed = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var signature = Convert.ToBase64String(signed).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var e = Assert.Throws<TokenException>(() => tokens.Validate(signingInput + "." + signature));
        Assert.Contains("hex_identity", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Listen_addresses_parse_and_bad_ones_say_why()
    {
        Assert.Equal(3000, MeridianServer.ParseListenAddress("127.0.0.1:3000").Port);
        Assert.Equal(0, MeridianServer.ParseListenAddress("localhost:0").Port);
        Assert.Contains("host:port", Assert.Throws<ArgumentException>(() => MeridianServer.ParseListenAddress("3000")).Message, StringComparison.Ordinal);
        Assert.Contains(
            "not an IP address", Assert.Throws<ArgumentException>(() => MeridianServer.ParseListenAddress("example.org:80")).Message, StringComparison.Ordinal);
    }
}
