using System.Globalization;
using System.Text.Json.Nodes;
using Meridian.Runtime;
using Meridian.Runtime.Hosting;
using Meridian.Server.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Meridian.Server.Http;

/// <summary>
/// Owner-only routes for backups and history (Meridian's own, upstream has none):
/// <c>GET /v1/database/:db/dump</c>, <c>POST /v1/database/:name/restore</c> and
/// <c>GET /v1/database/:db/history</c>. Past reads are <c>POST /v1/database/:db/sql?as_of=N</c>.
/// </summary>
public static class BackupEndpoints
{
    /// <summary>Largest dump a restore accepts.</summary>
    public const long MaxDumpBytes = 16L << 30;

    /// <summary>Most transactions one history request lists.</summary>
    public const int MaxHistoryLimit = 10_000;

    /// <summary>Maps dump, restore and history.</summary>
    public static IEndpointRouteBuilder MapBackupEndpoints(this IEndpointRouteBuilder app, DatabaseRegistry registry, TokenService tokens)
    {
        app.MapGet("/v1/database/{db}/dump", (HttpContext http, string db) =>
            DatabaseEndpoints.WithDatabase(http, tokens, registry, db, (caller, database) => DumpAsync(http, caller, database)));
        app.MapPost("/v1/database/{name}/restore", (HttpContext http, string name) =>
            DatabaseEndpoints.Authenticated(http, tokens, caller => RestoreAsync(http, registry, caller, name)));
        app.MapGet("/v1/database/{db}/history", (HttpContext http, string db) =>
            DatabaseEndpoints.WithDatabase(http, tokens, registry, db, (caller, database) => HistoryAsync(http, caller, database)));
        return app;
    }

    private static IResult OwnerOnly(Database database, string what) =>
        ErrorResults.Text(StatusCodes.Status403Forbidden, $"Only the owner of '{database.Name}' can {what}.");

    private static FileStream TempFile() => new(
        Path.Combine(Path.GetTempPath(), $"meridian-dump-{Guid.NewGuid():N}.tmp"),
        FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);

    private static async Task<IResult> DumpAsync(HttpContext http, Caller caller, Database database)
    {
        if (!database.IsOwner(caller.Identity))
            return OwnerOnly(database, "dump it");
        if (database.LastCommittedOffset is null)
            return ErrorResults.Text(StatusCodes.Status409Conflict, $"'{database.Name}' has no transactions yet, so there is nothing to dump.");
        var file = TempFile();
        try
        {
            var info = await database.DumpAsync(file).ConfigureAwait(false);
            file.Position = 0;
            http.Response.Headers["meridian-dump-offset"] = info.Offset.ToString(CultureInfo.InvariantCulture);
            http.Response.Headers["meridian-dump-tables"] = info.Tables.ToString(CultureInfo.InvariantCulture);
            http.Response.Headers["meridian-dump-rows"] = info.Rows.ToString(CultureInfo.InvariantCulture);
            // The response disposes the file, which deletes it.
            return Results.Stream(file, "application/octet-stream");
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<IResult> RestoreAsync(HttpContext http, DatabaseRegistry registry, Caller caller, string name)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = MaxDumpBytes;
        if (http.Request.ContentLength is > MaxDumpBytes)
            return ErrorResults.Text(StatusCodes.Status413PayloadTooLarge, $"The dump is larger than {MaxDumpBytes >> 30} GiB.");
        var replace = http.Request.Query.TryGetValue("replace", out var r) && bool.TryParse(r, out var b) && b;
        await using var file = TempFile();
        await http.Request.Body.CopyToAsync(file, http.RequestAborted).ConfigureAwait(false);
        if (file.Length == 0)
            return ErrorResults.Text(StatusCodes.Status400BadRequest, "The request has no dump: send the file `meridian dump` wrote as the body.");
        file.Position = 0;
        try
        {
            var result = await registry.RestoreAsync(name, file, caller.Identity, replace).ConfigureAwait(false);
            return Results.Json(new JsonObject
            {
                ["database"] = result.Database.Name,
                ["database_identity"] = result.Database.Identity.ToHexString(),
                ["op"] = result.Replaced ? "replaced" : "created",
                ["source_database"] = result.Dump.Database,
                ["offset"] = result.Dump.Offset,
                ["tables"] = result.Dump.Tables,
                ["rows"] = result.Dump.Rows,
            });
        }
        catch (RestoreException e) when (e.Kind == RestoreFailure.PermissionDenied)
        {
            return Results.Json(new JsonObject { ["PermissionDenied"] = new JsonObject { ["name"] = name } }, statusCode: StatusCodes.Status401Unauthorized);
        }
        catch (RestoreException e)
        {
            return ErrorResults.Text(e.Kind == RestoreFailure.Exists ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest, e.Message);
        }
    }

    private static async Task<IResult> HistoryAsync(HttpContext http, Caller caller, Database database)
    {
        if (!database.IsOwner(caller.Identity))
            return OwnerOnly(database, "read its history");
        var query = http.Request.Query;
        var limit = 100;
        if (query.TryGetValue("limit", out var l)
            && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxHistoryLimit))
            return ErrorResults.Text(StatusCodes.Status400BadRequest, $"'limit' takes a number from 1 to {MaxHistoryLimit}.");
        ulong from;
        if (query.TryGetValue("from", out var f))
        {
            if (!ulong.TryParse(f, NumberStyles.None, CultureInfo.InvariantCulture, out from))
                return ErrorResults.Text(StatusCodes.Status400BadRequest, "'from' takes a transaction offset (a non-negative integer).");
        }
        else
        {
            // Without `from`, the latest `limit` transactions.
            var last = database.LastCommittedOffset ?? 0;
            from = last + 1 >= (ulong)limit ? last + 1 - (ulong)limit : 0;
        }
        IReadOnlyList<HistoryEntry> transactions;
        try
        {
            transactions = await database.ReadHistoryAsync(from, limit).ConfigureAwait(false);
        }
        catch (HistoryUnavailableException e)
        {
            return ErrorResults.Text(StatusCodes.Status400BadRequest, e.Message);
        }
        var list = new JsonArray();
        foreach (var t in transactions)
        {
            var tables = new JsonArray();
            foreach (var change in t.Tables)
                tables.Add(new JsonObject { ["name"] = change.Table, ["inserted"] = change.Inserted, ["deleted"] = change.Deleted });
            list.Add(new JsonObject
            {
                ["offset"] = t.Offset,
                ["time_micros"] = t.CommitTime.MicrosecondsSinceUnixEpoch,
                ["reducer"] = t.Reducer,
                ["caller"] = t.Caller?.ToHexString(),
                ["error"] = t.Error,
                ["rows_inserted"] = t.Tables.Sum(x => x.Inserted),
                ["rows_deleted"] = t.Tables.Sum(x => x.Deleted),
                ["tables"] = tables,
                ["schema_changes"] = new JsonArray(t.SchemaChanges.Select(c => (JsonNode)c).ToArray()),
            });
        }
        return Results.Json(new JsonObject { ["database"] = database.Name, ["last_offset"] = database.LastCommittedOffset, ["transactions"] = list });
    }
}
