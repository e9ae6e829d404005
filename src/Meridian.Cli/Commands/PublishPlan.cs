using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Meridian.Cli.Http;

namespace Meridian.Cli.Commands;

/// <summary>
/// The migration plan of an update (<c>POST /v1/database/NAME/pre_publish</c>): printed before
/// publishing, and the reason a publish stops (refused plan, client-breaking change without
/// <c>--break-clients</c>, or a confirmation nobody can give without a terminal).
/// </summary>
internal sealed record PublishPlan(bool Automatic, string Text, bool BreakClients, bool NeedsConfirmation, string? Token)
{
    /// <summary>Asks the server for the plan; null when the database does not exist yet (a first publish).</summary>
    public static async Task<PublishPlan?> FetchAsync(ServerClient client, string name, byte[] module, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(module);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var response = await client.SendAsync(HttpMethod.Post, CommonOptions.DatabasePath(name) + "/pre_publish?style=NoColor", content, cancellationToken);
        if (response.Status == HttpStatusCode.NotFound)
            return null;
        if (!response.IsSuccess)
            throw response.ToError();
        try
        {
            using var json = JsonDocument.Parse(response.Body);
            var root = json.RootElement;
            if (root.TryGetProperty("AutoMigrate", out var auto))
            {
                var breaks = auto.TryGetProperty("break_clients", out var b) && b.ValueKind == JsonValueKind.True;
                var confirm = breaks || (auto.TryGetProperty("needs_confirmation", out var c) && c.ValueKind == JsonValueKind.True);
                return new PublishPlan(true, auto.GetProperty("migrate_plan").GetString() ?? "", breaks, confirm,
                    auto.TryGetProperty("token", out var t) ? t.GetString() : null);
            }
            if (root.TryGetProperty("ManualMigrate", out var manual))
                return new PublishPlan(false, manual.GetProperty("reason").GetString() ?? "", false, false, null);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
        }
        throw new CliException($"the server's migration plan could not be read: {ApiResponse.Shorten(response.Body)}");
    }

    /// <summary>The query string the publish carries for this plan.</summary>
    public string Query => BreakClients && Token is not null ? $"policy=BreakClients&token={Uri.EscapeDataString(Token)}" : "";
}
