using System.Text.Json.Nodes;
using Meridian.Server.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Meridian.Server.Http;

/// <summary>The <c>/v1/identity</c> and server-level routes (protocol.md §8.2, §8.4).</summary>
public static class IdentityEndpoints
{
    /// <summary>Maps the identity routes and <c>/v1/ping</c>.</summary>
    public static IEndpointRouteBuilder MapIdentityEndpoints(this IEndpointRouteBuilder app, TokenService tokens)
    {
        app.MapPost("/v1/identity", () =>
        {
            var (claims, token) = tokens.MintAnonymous();
            return Results.Json(new JsonObject { ["identity"] = claims.Identity.ToHexString(), ["token"] = token });
        });

        app.MapPost("/v1/identity/websocket-token", (Delegate)((HttpContext http) => WithCallerAsync(http, tokens, caller =>
            Results.Json(new JsonObject { ["token"] = tokens.MintWebSocketToken(caller.Claims, caller.Extra) }))));

        app.MapGet("/v1/identity/public-key", () => Results.Text(tokens.PublicKeyPem, "application/pem-certificate-chain"));

        app.MapGet("/v1/identity/{identity}/verify", (HttpContext http, string identity) => WithCallerAsync(http, tokens, caller =>
            !Sats.Identity.TryParse(identity, out var id) ? ErrorResults.Text(400, $"'{identity}' is not an identity.")
            : id == caller.Identity ? Results.NoContent()
            : ErrorResults.Text(400, "The token does not belong to that identity.")));

        app.MapGet("/v1/ping", (Delegate)(async (HttpContext http) =>
        {
            try
            {
                await Caller.ResolveAsync(http, tokens, mintWhenMissing: false).ConfigureAwait(false);
            }
            catch (TokenException e)
            {
                return ErrorResults.FromToken(e);
            }
            return Results.Ok();
        }));
        return app;
    }

    // Routes that need a valid token: 401 without one, 400/401 for a bad one.
    private static async Task<IResult> WithCallerAsync(HttpContext http, TokenService tokens, Func<Caller, IResult> action)
    {
        Caller? caller;
        try
        {
            caller = await Caller.ResolveAsync(http, tokens, mintWhenMissing: false).ConfigureAwait(false);
        }
        catch (TokenException e)
        {
            return ErrorResults.FromToken(e);
        }
        return caller is null ? ErrorResults.AuthorizationRequired() : action(caller);
    }
}
