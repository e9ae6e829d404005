using Meridian.Server.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Meridian.Server.Http;

/// <summary>Logs every request that fails with an unhandled error and answers it with a plain 500, instead of losing the error.</summary>
public static class ErrorLogging
{
    /// <summary>Adds the middleware (first, so it sees errors of everything after it).</summary>
    public static IApplicationBuilder UseMeridianErrorLogging(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Meridian.Server.Http");
        return app.Use(async (HttpContext http, Func<Task> next) =>
        {
            try
            {
                await next().ConfigureAwait(false);
            }
            catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
            {
                logger.UnhandledRequestError(http.Request.Method, http.Request.Path, e);
                if (!http.Response.HasStarted)
                {
                    http.Response.Clear();
                    http.Response.StatusCode = StatusCodes.Status500InternalServerError;
                    await http.Response.WriteAsync($"Internal error: {e.Message}").ConfigureAwait(false);
                }
            }
        });
    }
}
