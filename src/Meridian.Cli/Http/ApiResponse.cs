using System.Net;
using System.Text.Json;

namespace Meridian.Cli.Http;

/// <summary>A whole HTTP answer: status, body text and content type.</summary>
internal sealed record ApiResponse(HttpStatusCode Status, string? ReasonPhrase, string Body, string? ContentType)
{
    private const int MaxShownBody = 4000;

    /// <summary>Whether the status is 2xx.</summary>
    public bool IsSuccess => (int)Status is >= 200 and <= 299;

    /// <summary>What to show the user for an error: the server's text, else the status.</summary>
    public string Message => Describe(Status, ReasonPhrase, Body);

    /// <summary>The database name of a <c>{"PermissionDenied": {"name": …}}</c> answer, else null.</summary>
    public string? DeniedDatabaseName
    {
        get
        {
            if (!LooksLikeJsonObject(Body))
                return null;
            try
            {
                using var json = JsonDocument.Parse(Body);
                if (json.RootElement.TryGetProperty("PermissionDenied", out var denied))
                    return denied.ValueKind == JsonValueKind.Object && denied.TryGetProperty("name", out var name) ? name.ToString() : "";
            }
            catch (JsonException)
            {
            }
            return null;
        }
    }

    /// <summary>The error to throw for this (unsuccessful) answer.</summary>
    public CliException ToError()
    {
        if (DeniedDatabaseName is { } name)
            return new CliException($"permission denied: the database name '{name}' belongs to another identity.");
        return new CliException(Message);
    }

    /// <summary>The body when it says something, else <c>404 Not Found</c>.</summary>
    public static string Describe(HttpStatusCode status, string? reason, string body)
    {
        var text = Shorten(Unwrap(body.Trim()));
        var code = $"{(int)status} {reason ?? status.ToString()}";
        return text.Length == 0 ? $"the server answered {code}" : text;
    }

    // Upstream's JSON errors name their kind around the message ({"OtherError":"..."}): show the message.
    private static string Unwrap(string body)
    {
        if (!body.StartsWith('{'))
            return body;
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(body);
            var properties = json.RootElement.EnumerateObject().ToList();
            return properties is [{ Value.ValueKind: System.Text.Json.JsonValueKind.String } only] ? only.Value.GetString()! : body;
        }
        catch (System.Text.Json.JsonException)
        {
            return body;
        }
    }

    /// <summary>Cuts very long bodies (an HTML error page, say) so they do not flood the terminal.</summary>
    public static string Shorten(string text) =>
        text.Length <= MaxShownBody ? text : string.Concat(text.AsSpan(0, MaxShownBody), $"… ({text.Length - MaxShownBody} more characters)");

    private static bool LooksLikeJsonObject(string body) => body.AsSpan().TrimStart().StartsWith("{");
}
