namespace Meridian.Client.Http;

/// <summary>An identity and the token that proves it, as <c>POST /v1/identity</c> issues them.</summary>
/// <param name="Identity">The identity, 64 hexadecimal digits.</param>
/// <param name="Token">The JWT to send as <c>Authorization: Bearer</c>.</param>
public sealed record IdentityToken(string Identity, string Token);
