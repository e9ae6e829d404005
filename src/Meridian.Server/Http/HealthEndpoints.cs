using System.Reflection;
using System.Text.Json.Nodes;
using Meridian.Runtime.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Meridian.Server.Http;

/// <summary>
/// <c>/v1/health</c> (upstream's shape plus readiness), <c>/v1/health/live</c> and <c>/v1/health/ready</c>: a database
/// that failed recovery at start-up makes the server not ready, and the answer says which and why.
/// </summary>
public static class HealthEndpoints
{
    /// <summary>This server's version (the assembly's informational version).</summary>
    internal static readonly string Version =
        typeof(HealthEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>Maps the health routes; <paramref name="failures"/> gives the databases that could not be opened.</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(
        this IEndpointRouteBuilder app, DatabaseRegistry registry, Func<IReadOnlyList<(string Name, Exception Error)>> failures)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(failures);
        app.MapGet("/v1/health", () =>
        {
            var report = Report(registry, failures());
            report["package_name"] = "meridian";
            report["version"] = Version;
            report["nodes"] = new JsonArray(0);
            report["schedulable"] = true;
            return Results.Json(report);
        });
        app.MapGet("/v1/health/live", () => Results.Text("live", "text/plain; charset=utf-8"));
        app.MapGet("/v1/health/ready", () =>
        {
            var report = Report(registry, failures());
            return Results.Json(report, statusCode: report["ready"]!.GetValue<bool>() ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        return app;
    }

    private static JsonObject Report(DatabaseRegistry registry, IReadOnlyList<(string Name, Exception Error)> failed)
    {
        var databases = new JsonArray();
        foreach (var db in registry.Databases.OrderBy(d => d.Name, StringComparer.Ordinal))
            databases.Add(new JsonObject { ["name"] = db.Name, ["ready"] = true });
        var stillFailed = failed.Where(f => registry.Find(f.Name) is null).ToList();
        foreach (var (name, error) in stillFailed)
            databases.Add(new JsonObject { ["name"] = name, ["ready"] = false, ["error"] = error.Message });
        return new JsonObject { ["ready"] = stillFailed.Count == 0, ["databases"] = databases };
    }
}
