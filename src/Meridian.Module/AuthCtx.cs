using System.Text.Json;

namespace SpacetimeDB;

/// <summary>The caller's credentials: its JWT claims when it connected with a token, or an internal call.</summary>
public sealed class AuthCtx
{
    private readonly Lazy<JwtClaims?> _jwt;

    private AuthCtx(bool isInternal, string? payload, Identity identity)
    {
        IsInternal = isInternal;
        HasJwt = payload is not null;
        _jwt = new Lazy<JwtClaims?>(() => payload is null ? null : new JwtClaims(payload, identity));
    }

    /// <summary>An internal call (scheduled, lifecycle without a token): no JWT.</summary>
    public static AuthCtx BuildFromSystemTables(ConnectionId? connectionId, Identity identity) => new(true, null, identity);

    /// <summary>Credentials from a JWT payload (JSON), or internal ones when there is none.</summary>
    public static AuthCtx FromJwt(string? payload, Identity identity) => new(payload is null, payload, identity);

    /// <summary>Whether the call came from the database itself rather than a client.</summary>
    public bool IsInternal { get; }

    /// <summary>Whether the caller presented a token.</summary>
    public bool HasJwt { get; }

    /// <summary>The token's claims, or null.</summary>
    public JwtClaims? Jwt => _jwt.Value;
}

/// <summary>The claims of the caller's JWT.</summary>
public sealed class JwtClaims
{
    private readonly Lazy<JsonDocument> _parsed;

    internal JwtClaims(string payload, Identity identity)
    {
        RawPayload = payload;
        Identity = identity;
        _parsed = new Lazy<JsonDocument>(() => JsonDocument.Parse(payload));
    }

    /// <summary>The identity the token maps to.</summary>
    public Identity Identity { get; }

    /// <summary>The payload as JSON text.</summary>
    public string RawPayload { get; }

    /// <summary>The <c>sub</c> claim.</summary>
    public string Subject => StringClaim("sub");

    /// <summary>The <c>iss</c> claim.</summary>
    public string Issuer => StringClaim("iss");

    /// <summary>The <c>aud</c> claim (a string or an array of strings).</summary>
    public IReadOnlyList<string> Audience
    {
        get
        {
            if (!_parsed.Value.RootElement.TryGetProperty("aud", out var aud))
                return [];
            return aud.ValueKind switch
            {
                JsonValueKind.String => [aud.GetString()!],
                JsonValueKind.Array => aud.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList(),
                _ => [],
            };
        }
    }

    private string StringClaim(string name) =>
        _parsed.Value.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new InvalidOperationException($"JWT missing or invalid '{name}' claim");
}
