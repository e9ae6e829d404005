using Meridian.Sats;

namespace Meridian.Server.Auth;

/// <summary>The claims Meridian reads from a token; <see cref="Identity"/> is derived from issuer and subject.</summary>
public sealed record TokenClaims(string Issuer, string Subject, IReadOnlyList<string> Audience, long IssuedAt, long? ExpiresAt)
{
    /// <summary>The caller's identity: <c>Identity.FromClaims(iss, sub)</c>.</summary>
    public Identity Identity { get; } = Identity.FromClaims(Issuer, Subject);
}
