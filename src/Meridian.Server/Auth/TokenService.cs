using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Meridian.Server.Auth;

/// <summary>
/// Mints and validates ES256 JWTs as SpacetimeDB does (protocol.md §7): claims <c>hex_identity</c>,
/// <c>sub</c>, <c>iss</c>, <c>aud</c>, <c>iat</c>, <c>exp</c> (null for tokens that never expire).
/// The key pair lives as PEM files in the data directory so tokens survive restarts.
/// </summary>
public sealed class TokenService : IDisposable
{
    /// <summary>The issuer of locally minted tokens.</summary>
    public const string LocalIssuer = "localhost";

    internal const int MaxClaimBytes = 128;
    private static readonly string Header = Base64Url("{\"typ\":\"JWT\",\"alg\":\"ES256\"}"u8);

    private readonly ECDsa _key;
    private readonly TimeProvider _clock;
    private readonly ExternalIssuers _external;

    /// <summary>Uses <paramref name="key"/> (a P-256 key pair); tokens from <paramref name="external"/> issuers are accepted too.</summary>
    public TokenService(ECDsa key, TimeProvider? clock = null, ExternalIssuers? external = null)
    {
        _key = key;
        _clock = clock ?? TimeProvider.System;
        _external = external ?? new ExternalIssuers(new IdentityProviderOptions(), _clock);
    }

    /// <summary>The external OpenID Connect issuers whose tokens are accepted.</summary>
    public ExternalIssuers External => _external;

    /// <summary>Loads the key pair from <c>{directory}/id_ecdsa</c> (PEM), creating it on first use.</summary>
    public static TokenService LoadOrCreate(string directory, TimeProvider? clock = null, ExternalIssuers? external = null)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "id_ecdsa");
        var key = ECDsa.Create();
        if (File.Exists(path))
        {
            key.ImportFromPem(File.ReadAllText(path));
        }
        else
        {
            key.GenerateKey(ECCurve.NamedCurves.nistP256);
            var tmp = path + ".tmp";
            File.WriteAllText(tmp, key.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Move(tmp, path, overwrite: true);
            File.WriteAllText(Path.Combine(directory, "id_ecdsa.pub"), key.ExportSubjectPublicKeyInfoPem());
        }
        return new TokenService(key, clock, external);
    }

    /// <summary>The public key as PEM (served at <c>/v1/identity/public-key</c>).</summary>
    public string PublicKeyPem => _key.ExportSubjectPublicKeyInfoPem();

    /// <summary>A new anonymous identity: local issuer, random UUIDv4 subject, audience <c>spacetimedb</c>, no expiry.</summary>
    public (TokenClaims Claims, string Token) MintAnonymous()
    {
        var claims = new TokenClaims(LocalIssuer, Guid.NewGuid().ToString(), ["spacetimedb"], _clock.GetUtcNow().ToUnixTimeSeconds(), null);
        return (claims, Sign(claims, null));
    }

    /// <summary>A short-lived (60 s) token for the same caller, signed with the local key, keeping extra claims.</summary>
    public string MintWebSocketToken(TokenClaims claims, JsonObject? extraClaims = null)
    {
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        return Sign(claims with { IssuedAt = now, ExpiresAt = now + 60 }, extraClaims);
    }

    /// <summary>Signs <paramref name="claims"/> (plus <paramref name="extraClaims"/>) as an ES256 JWT.</summary>
    public string Sign(TokenClaims claims, JsonObject? extraClaims)
    {
        var payload = new JsonObject
        {
            ["hex_identity"] = claims.Identity.ToHexString(),
            ["sub"] = claims.Subject,
            ["iss"] = claims.Issuer,
            ["aud"] = new JsonArray(claims.Audience.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray()),
            ["iat"] = claims.IssuedAt,
            ["exp"] = claims.ExpiresAt is { } exp ? JsonValue.Create(exp) : null,
        };
        if (extraClaims is not null)
        {
            foreach (var (name, value) in extraClaims)
            {
                if (!payload.ContainsKey(name))
                    payload[name] = value?.DeepClone();
            }
        }
        var signingInput = Header + "." + Base64Url(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + Base64Url(signature);
    }

    /// <summary>
    /// Validates a token signed by this server's key or, failing that, by a trusted external issuer (protocol.md §7.2),
    /// and returns its claims and any extra claims.
    /// </summary>
    /// <exception cref="TokenException">The token is malformed (400) or not valid (401); the message says why.</exception>
    public async Task<(TokenClaims Claims, JsonObject Extra)> ValidateAsync(string token, CancellationToken cancellation = default)
    {
        try
        {
            return Validate(token);
        }
        catch (TokenException e) when (e.NotSignedHere)
        {
            var issuer = PeekIssuer(token);
            if (issuer is null || issuer == LocalIssuer)
                throw;
            if (!_external.IsTrusted(issuer))
                throw _external.NotTrusted(issuer);
            return await _external.ValidateAsync(token, issuer, cancellation).ConfigureAwait(false);
        }
    }

    private static string? PeekIssuer(string token)
    {
        try
        {
            var issuer = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token).Issuer;
            return string.IsNullOrEmpty(issuer) ? null : issuer;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Validates a token signed by this server's key and returns its claims and any extra claims.</summary>
    public (TokenClaims Claims, JsonObject Extra) Validate(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
            throw new TokenException("Malformed token: a JWT has three dot-separated parts.", malformed: true);
        JsonObject header, payload;
        byte[] signature;
        try
        {
            header = JsonNode.Parse(FromBase64Url(parts[0])) as JsonObject ?? throw new FormatException("header is not an object");
            payload = JsonNode.Parse(FromBase64Url(parts[1])) as JsonObject ?? throw new FormatException("payload is not an object");
            signature = FromBase64Url(parts[2]);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw new TokenException($"Malformed token: {e.Message}.", malformed: true);
        }
        if (header["alg"]?.GetValueKind() != JsonValueKind.String || header["alg"]!.GetValue<string>() != "ES256")
            throw new TokenException(
                "Authorization failed: token not signed by this instance (only ES256 tokens from this server are accepted).", malformed: false)
            { NotSignedHere = true };
        var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        if (!_key.VerifyData(signed, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
            throw new TokenException("Authorization failed: token not signed by this instance.", malformed: false) { NotSignedHere = true };

        var issuer = RequiredString(payload, "iss");
        var subject = RequiredString(payload, "sub");
        var audience = payload["aud"] switch
        {
            JsonArray a => a.Select(x => x?.GetValue<string>() ?? "").ToList(),
            JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
            _ => new List<string>(),
        };
        var iat = payload["iat"] is JsonValue iv && iv.TryGetValue<long>(out var i) ? i : 0;
        long? exp = payload["exp"] is JsonValue ev && ev.TryGetValue<long>(out var e2) ? e2 : null;
        if (exp is { } expiry && expiry < _clock.GetUtcNow().ToUnixTimeSeconds())
            throw new TokenException("Token has expired.", malformed: false);
        var claims = new TokenClaims(issuer, subject, audience, iat, exp);
        if (payload["hex_identity"] is JsonValue hv && hv.GetValueKind() == JsonValueKind.String
            && !string.Equals(hv.GetValue<string>(), claims.Identity.ToHexString(), StringComparison.OrdinalIgnoreCase))
            throw new TokenException("Token's hex_identity does not match its issuer and subject.", malformed: false);

        var extra = new JsonObject();
        foreach (var (name, value) in payload)
        {
            if (name is not ("hex_identity" or "sub" or "iss" or "aud" or "iat" or "exp"))
                extra[name] = value?.DeepClone();
        }
        return (claims, extra);
    }

    private static string RequiredString(JsonObject payload, string name)
    {
        if (payload[name] is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
            throw new TokenException($"Token is missing the \"{name}\" claim.", malformed: false);
        var s = v.GetValue<string>();
        if (s.Length == 0 || Encoding.UTF8.GetByteCount(s) > MaxClaimBytes)
            throw new TokenException($"Token claim \"{name}\" must be 1 to {MaxClaimBytes} bytes.", malformed: false);
        return s;
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        s += (s.Length % 4) switch { 2 => "==", 3 => "=", 0 => "", _ => throw new FormatException("bad base64url length") };
        return Convert.FromBase64String(s);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _key.Dispose();
        _external.Dispose();
    }
}
