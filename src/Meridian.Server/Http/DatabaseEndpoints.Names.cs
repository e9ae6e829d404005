using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Meridian.Runtime;
using Meridian.Runtime.Hosting;
using Meridian.Server.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Meridian.Server.Http;

// Names (GET/POST/PUT /v1/database/:db/names) and PUT /v1/database/:db/reset, with upstream's
// status codes and JSON shapes (serde enums: {"Success": {...}}, "Success", {"PermissionDenied": {...}}).
public static partial class DatabaseEndpoints
{
    private static void MapNameAndResetEndpoints(IEndpointRouteBuilder app, DatabaseRegistry registry, TokenService tokens)
    {
        app.MapGet("/v1/database/{db}/names", (HttpContext http, string db) => WithDatabase(http, tokens, registry, db, (_, database) =>
            Task.FromResult(Results.Json(new JsonObject
            {
                ["names"] = new JsonArray(registry.NamesOf(database).Select(n => (JsonNode)n).ToArray()),
            }))));

        app.MapPost("/v1/database/{db}/names", (HttpContext http, string db) => WithDatabase(http, tokens, registry, db, async (caller, database) =>
        {
            var body = await ReadBodyAsync(http, 1024).ConfigureAwait(false);
            var name = body is null ? "" : Encoding.UTF8.GetString(body).Trim();
            if (name.Length == 0)
                return ErrorResults.Text(StatusCodes.Status400BadRequest, "Send the new name as the plain-text body.");
            try
            {
                await registry.AddNameAsync(database, name, caller.Identity).ConfigureAwait(false);
            }
            catch (PublishException e) when (e.Kind == PublishFailure.PermissionDenied)
            {
                return Results.Json(
                    new JsonObject { ["PermissionDenied"] = new JsonObject { ["domain"] = name } }, statusCode: StatusCodes.Status401Unauthorized);
            }
            catch (PublishException e) when (e.Kind == PublishFailure.InvalidName)
            {
                return ErrorResults.Text(StatusCodes.Status400BadRequest, e.Message);
            }
            catch (PublishException e)
            {
                return Results.Json(new JsonObject { ["OtherError"] = e.Message }, statusCode: StatusCodes.Status400BadRequest);
            }
            return Results.Json(new JsonObject
            {
                ["Success"] = new JsonObject { ["domain"] = name, ["database_identity"] = database.Identity.ToHexString() },
            });
        }));

        app.MapPut("/v1/database/{db}/names", (HttpContext http, string db) => WithDatabase(http, tokens, registry, db, async (caller, database) =>
        {
            var body = await ReadBodyAsync(http, MaxRequestBytes).ConfigureAwait(false);
            List<string>? names;
            try
            {
                names = body is null ? null : JsonSerializer.Deserialize<List<string>>(body);
            }
            catch (JsonException e)
            {
                return ErrorResults.Text(StatusCodes.Status400BadRequest, $"Send the names as a JSON array of strings: {e.Message}");
            }
            if (names is null)
                return ErrorResults.Text(StatusCodes.Status400BadRequest, "Send the names as a JSON array of strings.");
            try
            {
                await registry.SetNamesAsync(database, names, caller.Identity).ConfigureAwait(false);
            }
            catch (PublishException e) when (e.Kind == PublishFailure.PermissionDenied)
            {
                return Results.Json(
                    new JsonObject { ["NotYourDatabase"] = new JsonObject { ["database"] = database.Identity.ToHexString() } },
                    statusCode: StatusCodes.Status401Unauthorized);
            }
            catch (PublishException e) when (e.Kind == PublishFailure.InvalidName)
            {
                return ErrorResults.Text(StatusCodes.Status400BadRequest, e.Message);
            }
            catch (PublishException e)
            {
                return Results.Json(new JsonObject { ["OtherError"] = e.Message }, statusCode: StatusCodes.Status400BadRequest);
            }
            return Results.Json(JsonValue.Create("Success"));
        }));

        app.MapPut("/v1/database/{db}/reset", (HttpContext http, string db) => WithDatabase(http, tokens, registry, db, async (caller, database) =>
        {
            var body = await ReadBodyAsync(http, MaxModuleBytes).ConfigureAwait(false);
            if (body is null)
                return ErrorResults.Text(StatusCodes.Status413PayloadTooLarge, $"The module is larger than {MaxModuleBytes >> 20} MiB.");
            PublishResult result;
            try
            {
                result = await registry.ResetAsync(database, caller.Identity, body.Length == 0 ? null : body).ConfigureAwait(false);
            }
            catch (PublishException e) when (e.Kind == PublishFailure.PermissionDenied)
            {
                return ErrorResults.Text(StatusCodes.Status403Forbidden, e.Message);
            }
            catch (PublishException e) when (e.Kind == PublishFailure.NotFound)
            {
                return ErrorResults.NoSuchDatabase(db);
            }
            catch (PublishException e)
            {
                return ErrorResults.Text(StatusCodes.Status400BadRequest, e.Message);
            }
            return Results.Json(new JsonObject
            {
                ["Success"] = new JsonObject
                {
                    ["domain"] = Sats.Identity.TryParse(db, out _) ? null : db,
                    ["database_identity"] = result.Database.Identity.ToHexString(),
                    ["op"] = "updated",
                },
            });
        }));
    }
}
