namespace Meridian.Server.Auth;

/// <summary>
/// An external OpenID Connect issuer whose tokens the server accepts (SpacetimeAuth, Auth0, Clerk, Keycloak, ...).
/// Its keys are read from <c>{Issuer}/.well-known/openid-configuration</c> and the JWKS that document names.
/// </summary>
public sealed record TrustedIssuer
{
    /// <summary>The issuer exactly as tokens carry it in <c>iss</c>, e.g. <c>https://auth.example.com</c>.</summary>
    public required string Issuer { get; init; }

    /// <summary>Audiences a token must name one of in <c>aud</c>; empty accepts any audience (as upstream does).</summary>
    public IReadOnlyList<string> Audiences { get; init; } = [];

    /// <summary>
    /// Allows fetching the discovery document and keys over plain HTTP. Loopback issuers (127.0.0.1, ::1, localhost)
    /// are always allowed; any other issuer needs HTTPS unless this is set.
    /// </summary>
    public bool AllowHttp { get; init; }
}
