using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Meridian.Runtime;
using Meridian.Runtime.Execution;
using Meridian.Runtime.Modules;
using Meridian.Sats;
using Meridian.Sats.Json;
using Meridian.Sats.Values;
using Microsoft.AspNetCore.Http;

namespace Meridian.Server.Http;

public static partial class DatabaseEndpoints
{
    /// <summary>The JSON payload of a JWT (its middle part), or null when it is not a JWT.</summary>
    public static string? JwtPayload(string? token)
    {
        var parts = token?.Split('.');
        if (parts is not { Length: 3 })
            return null;
        try
        {
            var b64 = parts[1].Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
            return Encoding.UTF8.GetString(Convert.FromBase64String(b64));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    // POST /call/:name for a procedure: 200 with its return value as untyped SATS-JSON, 530 when it threw.
    private static async Task<IResult> CallProcedureAsync(HttpContext http, Caller caller, Database database, ModuleProcedure procedure)
    {
        var stopwatch = Stopwatch.StartNew();
        if (http.Request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return ErrorResults.Text(StatusCodes.Status400BadRequest, "Procedure arguments must be sent as JSON with Content-Type: application/json.");
        var body = await ReadBodyAsync(http, MaxRequestBytes).ConfigureAwait(false);
        if (body is null)
            return ErrorResults.Text(StatusCodes.Status413PayloadTooLarge, "The arguments are too large.");
        byte[] args;
        try
        {
            var json = body.Length == 0 ? "[]" : Encoding.UTF8.GetString(body);
            args = SatsJson.ParseValue(json, procedure.Params, database.Schema.Typespace).ToBsatn();
        }
        catch (Exception e) when (e is SatsJsonException or DecoderFallbackException)
        {
            return ErrorResults.Text(StatusCodes.Status400BadRequest, $"Invalid arguments for procedure '{procedure.Name}': {e.Message}");
        }
        var connection = ConnectionId.Random();
        try
        {
            await database.ConnectAsync(caller.Identity, connection, caller.JwtPayload).ConfigureAwait(false);
        }
        catch (ConnectionRejectedException e)
        {
            return ErrorResults.Text(StatusCodes.Status403Forbidden, e.Message);
        }
        ProcedureCallResult result;
        try
        {
            result = await database.CallProcedureAsync(procedure.Name, args, caller.Identity, connection, caller.JwtPayload).ConfigureAwait(false);
        }
        finally
        {
            await database.DisconnectAsync(caller.Identity, connection).ConfigureAwait(false);
        }
        http.Response.Headers["spacetime-execution-duration-micros"] = ((long)stopwatch.Elapsed.TotalMicroseconds).ToString(CultureInfo.InvariantCulture);
        switch (result.Status)
        {
            case ProcedureCallStatus.Returned:
            {
                var value = AlgebraicValue.FromBsatn(result.ReturnValue ?? [], procedure.ReturnType, database.Schema.Typespace);
                using var stream = new MemoryStream();
                using (var w = new Utf8JsonWriter(stream))
                    SatsJson.WriteValue(w, value, procedure.ReturnType, database.Schema.Typespace, SatsJsonForm.Untyped);
                return Results.Bytes(stream.ToArray(), "application/json");
            }
            case ProcedureCallStatus.Failed:
                return ErrorResults.Text(530, result.Error ?? "The procedure failed.");
            default:
                return ErrorResults.Text(
                    result.NotRunReason == ReducerNotRunReason.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest,
                    result.Error ?? "The procedure could not run.");
        }
    }
}
