namespace Meridian.Server.Auth;

/// <summary>Which external OpenID Connect issuers the server trusts, and how it caches their keys.</summary>
public sealed record IdentityProviderOptions
{
    /// <summary>The trusted issuers; tokens from any other external issuer are refused with 401.</summary>
    public IReadOnlyList<TrustedIssuer> Issuers { get; init; } = [];

    /// <summary>Tolerance for clock differences when checking <c>exp</c> and <c>nbf</c> (default 60 s).</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an issuer's discovery document and keys are used before they are fetched again (default 1 h).</summary>
    public TimeSpan KeyCacheDuration { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The shortest time between two fetches caused by a token signed with a key the server has not seen (key
    /// rotation); it keeps forged key ids from making the server hammer the issuer (default 30 s).
    /// </summary>
    public TimeSpan MinimumKeyRefreshInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one fetch of a discovery document or JWKS may take (default 10 s).</summary>
    public TimeSpan FetchTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
