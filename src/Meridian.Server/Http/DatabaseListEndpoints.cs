using System.Text.Json.Nodes;
using Meridian.Runtime.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Meridian.Server.Http;

/// <summary>
/// <c>GET /v1/identity/:identity/databases</c>: the databases an identity owns, as upstream's
/// <c>{"identities": [...]}</c> plus Meridian's <c>"databases": [{"name", "identity"}]</c> (sorted by name),
/// which <c>meridian list</c> prints. Anyone may ask, as upstream: the names are not secret.
/// </summary>
public static class DatabaseListEndpoints
{
    /// <summary>Maps the route.</summary>
    public static IEndpointRouteBuilder MapDatabaseListEndpoints(this IEndpointRouteBuilder app, DatabaseRegistry registry)
    {
        app.MapGet("/v1/identity/{identity}/databases", (string identity) =>
        {
            if (!Sats.Identity.TryParse(identity, out var owner))
                return ErrorResults.Text(StatusCodes.Status400BadRequest, $"'{identity}' is not an identity (64 hexadecimal digits).");
            var owned = registry.Databases.Where(d => d.Owner == owner)
                .Select(d => (Database: d, Name: registry.NamesOf(d) is [var first, ..] ? first : d.Name))
                .OrderBy(d => d.Name, StringComparer.Ordinal)
                .ToList();
            return Results.Json(new JsonObject
            {
                ["identities"] = new JsonArray(owned.Select(d => (JsonNode)d.Database.Identity.ToHexString()).ToArray()),
                ["databases"] = new JsonArray(owned.Select(d => (JsonNode)new JsonObject
                {
                    ["name"] = d.Name,
                    ["identity"] = d.Database.Identity.ToHexString(),
                }).ToArray()),
            });
        });
        return app;
    }
}
