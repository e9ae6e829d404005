using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Meridian.Runtime;
using Meridian.Runtime.Execution;
using Meridian.Runtime.Hosting;
using Meridian.Runtime.Sql;
using Meridian.Sats;
using Meridian.Sats.Json;
using Meridian.Server.Auth;
using Meridian.Server.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Meridian.Server.Http;

/// <summary>The <c>/v1/database</c> routes (protocol.md §8.3) except the WebSocket endpoint.</summary>
public static partial class DatabaseEndpoints
{
    /// <summary>Largest module upload accepted.</summary>
    public const long MaxModuleBytes = 64L << 20;

    /// <summary>Largest SQL or JSON argument body accepted.</summary>
    public const int MaxRequestBytes = 4 << 20;

    /// <summary>Maps publish, info, names, reset, delete, schema, call, sql and logs.</summary>
    public static IEndpointRouteBuilder MapDatabaseEndpoints(
        this IEndpointRouteBuilder app, DatabaseRegistry registry, TokenService tokens, Limits.IdentityLimiter? limiter = null,
        TimeProvider? clock = null)
    {
        limiter ??= Limits.IdentityLimiter.Unlimited;
        var held = new HeldModules(clock ?? TimeProvider.System); // the server's clock: held modules expire on its time
        app.MapPut("/v1/database/{name}", (HttpContext http, string name) =>
            Authenticated(http, tokens, caller => PublishAsync(http, registry, held, caller, name)));
        app.MapPost("/v1/database", (Delegate)((HttpContext http) =>
            Authenticated(http, tokens, caller => PublishAsync(http, registry, held, caller, "db-" + Guid.NewGuid().ToString("N")[..16]))));
        app.MapMigrationEndpoints(registry, tokens, held);
        app.MapBackupEndpoints(registry, tokens);

        app.MapGet("/v1/database/{db}", (HttpContext http, string db) => WithDatabase(http, tokens, registry, db, (caller, database) =>
            Task.FromResult(Results.Json(new JsonObject
            {
                ["database_identity"] = database.Identity.ToHexString(),
                ["owner_identity"] = database.Owner.ToHexString(),
                ["host_type"] = "Dotnet",
                ["initial_program"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(database.Module.Image)),
            }))));

        app.MapGet("/v1/database/{db}/identity", (HttpContext http, string db) => WithDatabase(http, tokens, registry, db, (_, database) =>
            Task.FromResult(Results.Text(database.Identity.ToHexString()))));

        MapNameAndResetEndpoints(app, registry, tokens);


        app.MapDelete("/v1/database/{db}", (HttpContext http, string db) => Authenticated(http, tokens, async caller =>
        {
            try
            {
                if (!await registry.DeleteAsync(db, caller.Identity).ConfigureAwait(false))
                    return ErrorResults.NoSuchDatabase(db);
                Log(http).DatabaseDeleted(db, caller.Identity);
                return Results.Ok();
            }
            catch (PublishException e)
            {
                // Upstream answers an identity that may not delete the database with 403 (401 is for a token that is not valid).
                return ErrorResults.Text(
                    e.Kind == PublishFailure.PermissionDenied ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest, e.Message);
            }
        }));

        app.MapGet("/v1/database/{db}/schema", (HttpContext http, string db) => WithDatabase(http, tokens, registry, db, (_, database) =>
        {
            var version = http.Request.Query["version"].ToString();
            if (version.Length == 0)
                return Task.FromResult(ErrorResults.Text(StatusCodes.Status400BadRequest, "The 'version' query parameter is required (version=10)."));
            if (version is not ("9" or "10"))
                return Task.FromResult(ErrorResults.Text(
                    StatusCodes.Status400BadRequest, $"Schema version {version} is not supported; use version=10 or version=9."));
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream))
            {
                if (version == "9")
                    SchemaV9.Write(w, database.Schema);
                else
                    database.Schema.Canonical.WriteJson(w);
            }
            return Task.FromResult(Results.Bytes(stream.ToArray(), "application/json"));
        }));

        app.MapPost("/v1/database/{db}/call/{reducer}", (HttpContext http, string db, string reducer) =>
            WithDatabase(http, tokens, registry, db, (caller, database) =>
                LimitedCallAsync(limiter, caller, () => CallAsync(http, caller, database, reducer))));
        app.MapPost("/v1/database/{db}/sql", (HttpContext http, string db) =>
            WithDatabase(http, tokens, registry, db, (caller, database) =>
                limiter.TryRequest(caller.Identity, out var refusal) ? SqlAsync(http, caller, database) : Task.FromResult(TooManyRequests(refusal!))));
        app.MapGet("/v1/database/{db}/logs", (HttpContext http, string db) =>
            WithDatabase(http, tokens, registry, db, (caller, database) => LogsAsync(http, caller, database)));
        return app;
    }

    // The per-identity limits for an HTTP call: 429 with the reason when over one.
    private static async Task<IResult> LimitedCallAsync(Limits.IdentityLimiter limiter, Caller caller, Func<Task<IResult>> call)
    {
        if (!limiter.TryRequest(caller.Identity, out var refusal) || !limiter.TryBeginCall(caller.Identity, out refusal))
            return TooManyRequests(refusal!);
        try
        {
            return await call().ConfigureAwait(false);
        }
        finally
        {
            limiter.EndCall(caller.Identity);
        }
    }

    private static IResult TooManyRequests(string reason) => ErrorResults.Text(StatusCodes.Status429TooManyRequests, reason);

    internal static async Task<IResult> Authenticated(HttpContext http, TokenService tokens, Func<Caller, Task<IResult>> action)
    {
        Caller caller;
        try
        {
            caller = (await Caller.ResolveAsync(http, tokens, mintWhenMissing: true).ConfigureAwait(false))!;
        }
        catch (TokenException e)
        {
            return ErrorResults.FromToken(e);
        }
        return await action(caller).ConfigureAwait(false);
    }

    internal static Task<IResult> WithDatabase(
        HttpContext http, TokenService tokens, DatabaseRegistry registry, string db, Func<Caller, Database, Task<IResult>> action) =>
        Authenticated(http, tokens, caller => registry.Find(db) is { } database
            ? action(caller, database)
            : Task.FromResult(ErrorResults.NoSuchDatabase(db)));

    // The module is the body, or (module_hash=HEX with no body) the one this caller's pre_publish uploaded.
    private static async Task<IResult> PublishAsync(HttpContext http, DatabaseRegistry registry, HeldModules held, Caller caller, string name)
    {
        var body = await ReadBodyAsync(http, MaxModuleBytes).ConfigureAwait(false);
        if (body is null)
            return ErrorResults.Text(StatusCodes.Status413PayloadTooLarge, $"The module is larger than {MaxModuleBytes >> 20} MiB.");
        var moduleHash = http.Request.Query["module_hash"].ToString();
        if (moduleHash.Length > 0)
        {
            if (body.Length > 0)
                return ErrorResults.Text(StatusCodes.Status400BadRequest, "Send either the module as the body or module_hash, not both.");
            if (held.Find(caller.Identity, moduleHash) is not { } kept)
            {
                return ErrorResults.Text(StatusCodes.Status412PreconditionFailed,
                    $"No module with hash {moduleHash} is kept for this identity (pre_publish keeps one for "
                    + $"{HeldModules.Lifetime.TotalMinutes:0} minutes): send the module as the body.");
            }
            body = kept;
        }
        if (body.Length == 0)
            return ErrorResults.Text(StatusCodes.Status400BadRequest, "The request has no module: send the compiled module assembly as the body.");
        var clear = http.Request.Query.TryGetValue("clear", out var c) && bool.TryParse(c, out var b) && b;
        var breakClients = false;
        if (http.Request.Query.TryGetValue("policy", out var policy) && !string.IsNullOrEmpty(policy))
        {
            if (string.Equals(policy, "BreakClients", StringComparison.OrdinalIgnoreCase))
                breakClients = true;
            else if (!string.Equals(policy, "Compatible", StringComparison.OrdinalIgnoreCase))
                return ErrorResults.Text(StatusCodes.Status400BadRequest, $"Unknown migration policy '{policy}': use Compatible or BreakClients.");
        }
        if (breakClients && registry.Find(name) is { } target)
        {
            var token = http.Request.Query["token"].ToString();
            if (token != MigrationEndpoints.MigrationToken(target, body))
                return ErrorResults.Text(StatusCodes.Status400BadRequest,
                    "policy=BreakClients needs the token that POST /v1/database/:db/pre_publish returned for this module.");
        }
        try
        {
            var result = await registry.PublishAsync(name, body, caller.Identity, clear, new MigrationOptions { BreakClients = breakClients })
                .ConfigureAwait(false);
            if (moduleHash.Length > 0)
                held.Release(caller.Identity, moduleHash);
            Log(http).Published(result.Database.Name, caller.Identity,
                result.Created ? "created" : clear ? "cleared and republished" : breakClients ? "migrated, clients disconnected" : "migrated");
            return Results.Json(new JsonObject
            {
                ["Success"] = new JsonObject
                {
                    ["domain"] = result.Database.Name,
                    ["database_identity"] = result.Database.Identity.ToHexString(),
                    ["op"] = result.Created ? "created" : "updated",
                },
            });
        }
        catch (PublishException e) when (e.Kind == PublishFailure.PermissionDenied)
        {
            return Results.Json(new JsonObject { ["PermissionDenied"] = new JsonObject { ["name"] = name } }, statusCode: StatusCodes.Status401Unauthorized);
        }
        catch (PublishException e)
        {
            Log(http).PublishRefused(name, e.Message);
            return ErrorResults.Text(StatusCodes.Status400BadRequest, e.Message);
        }
    }

    // Publishes and deletes are rare: the logger is looked up per request.
    private static ILogger Log(HttpContext http) =>
        http.RequestServices.GetService<ILoggerFactory>()?.CreateLogger(MeridianServer.LogCategory) ?? NullLogger.Instance;

    private static async Task<IResult> CallAsync(HttpContext http, Caller caller, Database database, string reducerName)
    {
        var stopwatch = Stopwatch.StartNew();
        var reducer = database.Schema.FindReducer(reducerName);
        if (reducer is null && database.Schema.FindProcedure(reducerName) is { } procedure)
            return await CallProcedureAsync(http, caller, database, procedure).ConfigureAwait(false);
        if (reducer is null)
            return ErrorResults.Text(StatusCodes.Status404NotFound, $"No such reducer or procedure '{reducerName}'.");
        if (http.Request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return ErrorResults.Text(StatusCodes.Status400BadRequest, "Reducer arguments must be sent as JSON with Content-Type: application/json.");
        var body = await ReadBodyAsync(http, MaxRequestBytes).ConfigureAwait(false);
        if (body is null)
            return ErrorResults.Text(StatusCodes.Status413PayloadTooLarge, "The arguments are too large.");
        byte[] args;
        try
        {
            var json = body.Length == 0 ? "[]" : Encoding.UTF8.GetString(body);
            args = SatsJson.ParseValue(json, reducer.Params, database.Schema.Typespace).ToBsatn();
        }
        catch (Exception e) when (e is SatsJsonException or DecoderFallbackException)
        {
            return ErrorResults.Text(StatusCodes.Status400BadRequest, $"Invalid arguments for reducer '{reducer.Name}': {e.Message}");
        }

        // An HTTP call runs inside a temporary connection, as upstream does.
        var connection = ConnectionId.Random();
        try
        {
            await database.ConnectAsync(caller.Identity, connection, caller.JwtPayload).ConfigureAwait(false);
        }
        catch (ConnectionRejectedException e)
        {
            return ErrorResults.Text(StatusCodes.Status403Forbidden, e.Message);
        }
        ReducerCallResult result;
        try
        {
            result = await database.CallReducerAsync(reducer.Name, args, caller.Identity, connection, jwtPayload: caller.JwtPayload)
                .ConfigureAwait(false);
        }
        finally
        {
            await database.DisconnectAsync(caller.Identity, connection).ConfigureAwait(false);
        }
        if (result.Offset is { } offset)
            await database.WaitForDurableAsync(offset, http.RequestAborted).ConfigureAwait(false);
        http.Response.Headers["spacetime-energy-used"] = "0";
        http.Response.Headers["spacetime-execution-duration-micros"] = ((long)stopwatch.Elapsed.TotalMicroseconds).ToString(CultureInfo.InvariantCulture);
        return result.Status switch
        {
            ReducerStatus.Committed => Results.Ok(),
            ReducerStatus.Failed => ErrorResults.Text(530, result.Error ?? "The reducer failed."),
            _ => ErrorResults.Text(result.NotRunReason switch
            {
                ReducerNotRunReason.NotFound => StatusCodes.Status404NotFound,
                ReducerNotRunReason.BadRequest => StatusCodes.Status400BadRequest,
                _ => StatusCodes.Status503ServiceUnavailable,
            }, result.Error ?? "The reducer could not run."),
        };
    }

    private static async Task<IResult> SqlAsync(HttpContext http, Caller caller, Database database)
    {
        var stopwatch = Stopwatch.StartNew();
        var confirmed = true;
        if (http.Request.Query.TryGetValue("confirmed", out var confirmedText) && !bool.TryParse(confirmedText, out confirmed))
            return ErrorResults.Text(StatusCodes.Status400BadRequest, $"'{confirmedText}' is not a boolean for 'confirmed'.");
        var body = await ReadBodyAsync(http, MaxRequestBytes).ConfigureAwait(false);
        if (body is null)
            return ErrorResults.Text(StatusCodes.Status413PayloadTooLarge, "The query is too large.");
        string sql;
        try
        {
            sql = new UTF8Encoding(false, true).GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return ErrorResults.Text(StatusCodes.Status400BadRequest, "The query is not valid UTF-8.");
        }
        IReadOnlyList<SqlStatementResult> results;
        try
        {
            if (http.Request.Query.TryGetValue("as_of", out var asOf))
            {
                // Meridian's own: SELECTs against the database as it was after that transaction (owner only).
                if (!ulong.TryParse(asOf, NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
                    return ErrorResults.Text(StatusCodes.Status400BadRequest, $"'as_of' takes a transaction offset (a non-negative integer), not '{asOf}'.");
                if (!database.IsOwner(caller.Identity))
                    return ErrorResults.Text(StatusCodes.Status403Forbidden, $"Only the owner of '{database.Name}' can read its history.");
                results = await database.QueryAsOfAsync(sql, offset, caller.Identity).ConfigureAwait(false);
            }
            else
            {
                results = await database.ExecuteSqlAsync(sql, caller.Identity, ConnectionId.Zero).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SqlStatementException or HistoryUnavailableException)
        {
            return ErrorResults.Text(StatusCodes.Status400BadRequest, e.Message);
        }
        // Confirmed reads (the default): answer only with what is durable (offsets only grow, so the last one covers the rest).
        if (confirmed && results.Select(r => r.Offset).Max() is { } last)
            await database.WaitForDurableAsync(last, http.RequestAborted).ConfigureAwait(false);
        var micros = (ulong)stopwatch.Elapsed.TotalMicroseconds;
        http.Response.Headers["spacetime-execution-duration-micros"] = micros.ToString(CultureInfo.InvariantCulture);
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var r in results)
            {
                w.WriteStartObject();
                w.WritePropertyName("schema");
                SatsJson.WriteProductType(w, r.Schema);
                w.WritePropertyName("rows");
                w.WriteStartArray();
                foreach (var row in r.Rows)
                    SatsJson.WriteValue(w, row, r.Schema, r.Typespace, SatsJsonForm.Untyped);
                w.WriteEndArray();
                w.WriteNumber("total_duration_micros", micros);
                w.WriteStartObject("stats");
                w.WriteNumber("rows_inserted", r.RowsInserted);
                w.WriteNumber("rows_deleted", r.RowsDeleted);
                w.WriteNumber("rows_updated", r.RowsUpdated);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return Results.Bytes(buffer.WrittenMemory.ToArray(), "application/json");
    }

    private static async Task<IResult> LogsAsync(HttpContext http, Caller caller, Database database)
    {
        if (!database.IsOwner(caller.Identity))
            return ErrorResults.Text(StatusCodes.Status403Forbidden, $"Only the owner of '{database.Name}' can read its logs.");
        int? count = http.Request.Query.TryGetValue("num_lines", out var n) && int.TryParse(n, out var parsed) && parsed >= 0 ? parsed : null;
        var follow = http.Request.Query.TryGetValue("follow", out var f) && bool.TryParse(f, out var fb) && fb;
        http.Response.ContentType = "application/x-ndjson";
        if (!follow)
        {
            var sb = new StringBuilder();
            foreach (var r in database.Log.Tail(count))
                sb.Append(LogLine(r)).Append('\n');
            return Results.Text(sb.ToString(), "application/x-ndjson");
        }
        await http.Response.StartAsync(http.RequestAborted).ConfigureAwait(false);
        try
        {
            await foreach (var r in database.Log.Follow(count, http.RequestAborted).ConfigureAwait(false))
            {
                await http.Response.WriteAsync(LogLine(r) + "\n", http.RequestAborted).ConfigureAwait(false);
                await http.Response.Body.FlushAsync(http.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The client stopped following.
        }
        return Results.Empty;
    }

    private static string LogLine(Runtime.Logging.ModuleLogRecord r)
    {
        var o = new JsonObject { ["level"] = r.Level.ToString(), ["ts"] = r.TimestampMicros };
        if (r.Target is not null)
            o["target"] = r.Target;
        if (r.Filename is not null)
            o["filename"] = r.Filename;
        if (r.LineNumber is not null)
            o["line_number"] = r.LineNumber;
        o["message"] = r.Message;
        return o.ToJsonString();
    }

    // Reads the body up to a limit; null when it is larger.
    internal static async Task<byte[]?> ReadBodyAsync(HttpContext http, long limit)
    {
        if (http.Request.ContentLength is { } length && length > limit)
            return null;
        using var ms = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await http.Request.Body.ReadAsync(buffer, http.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (ms.Length + read > limit)
                return null;
            ms.Write(buffer, 0, read);
        }
        return ms.ToArray();
    }
}
