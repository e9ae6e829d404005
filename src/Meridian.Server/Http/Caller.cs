using System.Text.Json.Nodes;
using Meridian.Server.Auth;
using Meridian.Sats;
using Microsoft.AspNetCore.Http;

namespace Meridian.Server.Http;

/// <summary>Who made a request: their token's claims and the token itself (freshly minted for anonymous callers).</summary>
/// <param name="Claims">Issuer, subject and the identity derived from them.</param>
/// <param name="Token">The token the caller authenticated with, or the one minted for them.</param>
/// <param name="Extra">Claims beyond the standard ones (kept in websocket tokens).</param>
/// <param name="Anonymous">True when the caller sent no token.</param>
public sealed record Caller(TokenClaims Claims, string Token, JsonObject Extra, bool Anonymous)
{
    /// <summary>The caller's identity.</summary>
    public Identity Identity => Claims.Identity;

    /// <summary>The token's payload as JSON text (what modules read as the sender's JWT), decoded once per caller.</summary>
    public string? JwtPayload { get; } = DatabaseEndpoints.JwtPayload(Token);

    /// <summary>
    /// Reads the caller from <c>Authorization: Bearer</c> or <c>?token=</c>; with neither, mints an
    /// anonymous identity when <paramref name="mintWhenMissing"/>. Every response then carries the
    /// <c>spacetime-identity</c> and <c>spacetime-identity-token</c> headers.
    /// </summary>
    /// <exception cref="TokenException">A token was given but is not valid.</exception>
    public static async Task<Caller?> ResolveAsync(HttpContext http, TokenService tokens, bool mintWhenMissing)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(tokens);
        string? token = null;
        var header = http.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            token = header["Bearer ".Length..].Trim();
        else if (http.Request.Query.TryGetValue("token", out var q) && !string.IsNullOrEmpty(q))
            token = q.ToString();
        Caller caller;
        if (token is null)
        {
            if (!mintWhenMissing)
                return null;
            var (claims, minted) = tokens.MintAnonymous();
            caller = new Caller(claims, minted, [], Anonymous: true);
        }
        else
        {
            var (claims, extra) = await tokens.ValidateAsync(token, http.RequestAborted).ConfigureAwait(false);
            caller = new Caller(claims, token, extra, Anonymous: false);
        }
        http.Response.Headers["spacetime-identity"] = caller.Identity.ToHexString();
        http.Response.Headers["spacetime-identity-token"] = caller.Token;
        return caller;
    }
}
