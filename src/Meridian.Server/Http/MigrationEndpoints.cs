using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Meridian.Runtime;
using Meridian.Runtime.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Meridian.Server.Auth;

namespace Meridian.Server.Http;

/// <summary>
/// <c>POST /v1/database/:db/pre_publish</c> (protocol.md §8.3): the migration plan a publish would
/// run, and the token a client-breaking publish must bring back. The uploaded module is kept for a
/// while (<see cref="HeldModules"/>) and its hash is sent in the <c>meridian-module-hash</c> header,
/// also when there is no such database yet, so the publish that follows need not upload it again.
/// </summary>
public static class MigrationEndpoints
{
    /// <summary>The response header naming the hash under which pre_publish keeps the uploaded module.</summary>
    public const string ModuleHashHeader = "meridian-module-hash";

    /// <summary>Maps pre_publish.</summary>
    public static IEndpointRouteBuilder MapMigrationEndpoints(this IEndpointRouteBuilder app, DatabaseRegistry registry, TokenService tokens) =>
        app.MapMigrationEndpoints(registry, tokens, new HeldModules(TimeProvider.System));

    internal static IEndpointRouteBuilder MapMigrationEndpoints(
        this IEndpointRouteBuilder app, DatabaseRegistry registry, TokenService tokens, HeldModules held)
    {
        app.MapPost("/v1/database/{db}/pre_publish", (HttpContext http, string db) =>
            DatabaseEndpoints.Authenticated(http, tokens, caller => PrePublishAsync(http, registry, held, caller, db)));
        return app;
    }

    private static async Task<IResult> PrePublishAsync(HttpContext http, DatabaseRegistry registry, HeldModules held, Caller caller, string name)
    {
        var body = await DatabaseEndpoints.ReadBodyAsync(http, DatabaseEndpoints.MaxModuleBytes).ConfigureAwait(false);
        if (body is null)
            return ErrorResults.Text(StatusCodes.Status413PayloadTooLarge, $"The module is larger than {DatabaseEndpoints.MaxModuleBytes >> 20} MiB.");
        if (body.Length == 0)
            return ErrorResults.Text(StatusCodes.Status400BadRequest, "The request has no module: send the compiled module assembly as the body.");
        http.Response.Headers[ModuleHashHeader] = held.Hold(caller.Identity, body);
        if (registry.Find(name) is not { } database)
            return ErrorResults.NoSuchDatabase(name);
        try
        {
            var plan = await registry.PlanPublishAsync(database.Name, body, caller.Identity).ConfigureAwait(false);
            var steps = new JsonArray(plan.Steps.Select(s => (JsonNode)new JsonObject
            {
                ["kind"] = s.Kind.ToString(),
                ["subject"] = s.Subject,
                ["description"] = s.Description,
                ["rows"] = s.Rows,
                ["clients"] = s.Clients,
                ["automatic"] = s.Automatic,
                ["break_clients"] = s.BreaksClients,
            }).ToArray());
            if (!plan.IsAutomatic)
            {
                return Results.Json(new JsonObject
                {
                    ["ManualMigrate"] = new JsonObject
                    {
                        ["reason"] = plan.RefusalMessage() + "\n" + plan.Describe(),
                        ["major_version_upgrade"] = false,
                        ["steps"] = steps,
                    },
                });
            }
            return Results.Json(new JsonObject
            {
                ["AutoMigrate"] = new JsonObject
                {
                    ["migrate_plan"] = plan.Describe(),
                    ["break_clients"] = plan.BreaksClients,
                    ["token"] = MigrationToken(database, body),
                    ["major_version_upgrade"] = false,
                    ["needs_confirmation"] = plan.NeedsConfirmation,
                    ["steps"] = steps,
                },
            });
        }
        catch (PublishException e) when (e.Kind == PublishFailure.PermissionDenied)
        {
            return ErrorResults.Text(StatusCodes.Status401Unauthorized, e.Message);
        }
        catch (PublishException e)
        {
            return ErrorResults.Text(StatusCodes.Status400BadRequest, e.Message);
        }
    }

    /// <summary>
    /// The token a <c>policy=BreakClients</c> publish must carry: a hash of the database identity and
    /// the old and new module hashes, as upstream (it signals intent, it is not a secret).
    /// </summary>
    public static string MigrationToken(Database database, byte[] newImage)
    {
        var text = database.Identity.ToHexString()
            + Convert.ToHexStringLower(SHA256.HashData(database.Module.Image))
            + Convert.ToHexStringLower(SHA256.HashData(newImage));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
