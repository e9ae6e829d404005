using Meridian.Runtime;
using Meridian.Runtime.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Meridian.Server.Http;

/// <summary>
/// A module's own HTTP routes (its <c>[HttpRouter]</c>), served under <c>/v1/database/:db/route</c>
/// for every method. Like upstream they are unauthenticated, so webhooks from outside can reach them:
/// no token is read or minted and the handler sees the request as sent.
/// </summary>
public static class RouteEndpoints
{
    /// <summary>What a path without a matching route answers, as upstream.</summary>
    public const string NoSuchRoute = "Database has not registered a handler for this route";

    /// <summary>Maps <c>/route</c>, <c>/route/</c> and <c>/route/{**path}</c>.</summary>
    public static IEndpointRouteBuilder MapRouteEndpoints(this IEndpointRouteBuilder app, DatabaseRegistry registry)
    {
        app.Map("/v1/database/{db}/route", (HttpContext http, string db) => ServeAsync(http, registry, db, ""));
        app.Map("/v1/database/{db}/route/{**path}", (HttpContext http, string db, string? path) => ServeAsync(http, registry, db, "/" + path));
        return app;
    }

    private static async Task<IResult> ServeAsync(HttpContext http, DatabaseRegistry registry, string db, string path)
    {
        if (registry.Find(db) is not { } database)
            return ErrorResults.NoSuchDatabase(db);
        var body = await DatabaseEndpoints.ReadBodyAsync(http, DatabaseEndpoints.MaxRequestBytes).ConfigureAwait(false);
        if (body is null)
            return ErrorResults.Text(StatusCodes.Status413PayloadTooLarge, "The request body is too large.");
        var r = http.Request;
        var headers = r.Headers.SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v ?? ""))).ToList();
        var request = new ModuleHttpRequest(r.Method, path, $"{r.Scheme}://{r.Host}{r.PathBase}{r.Path}{r.QueryString}", headers, body, r.Protocol);
        var response = await database.CallHttpHandlerAsync(request).ConfigureAwait(false);
        if (response is null)
            return ErrorResults.Text(StatusCodes.Status404NotFound, NoSuchRoute);
        return new ModuleResult(response);
    }

    // Writes the handler's status, headers and body as they are.
    private sealed class ModuleResult(ModuleHttpResponse response) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var http = httpContext.Response;
            http.StatusCode = response.StatusCode;
            foreach (var (name, value) in response.Headers)
            {
                var text = System.Text.Encoding.UTF8.GetString(value);
                if (string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase))
                    continue; // Kestrel sets it from the body.
                http.Headers.Append(name, text);
            }
            if (response.Body.Length > 0)
                await http.Body.WriteAsync(response.Body).ConfigureAwait(false);
        }
    }
}
