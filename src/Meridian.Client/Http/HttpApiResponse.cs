using System.Net;
using System.Text.Json;

namespace Meridian.Client.Http;

/// <summary>A whole answer of the HTTP API: status, body text, content type and the headers the API defines.</summary>
public sealed class HttpApiResponse
{
    private const int MaxShownBody = 4000;

    /// <summary>Creates an answer.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="reasonPhrase">The status text, if any.</param>
    /// <param name="body">The body as text.</param>
    /// <param name="contentType">The body's media type, if any.</param>
    /// <param name="headers">Response headers (names case-insensitive), or null for none.</param>
    public HttpApiResponse(
        HttpStatusCode status, string? reasonPhrase, string body, string? contentType, IReadOnlyDictionary<string, string>? headers = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        Status = status;
        ReasonPhrase = reasonPhrase;
        Body = body;
        ContentType = contentType;
        Headers = headers ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The HTTP status.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>The status text the server sent, if any.</summary>
    public string? ReasonPhrase { get; }

    /// <summary>The body as text.</summary>
    public string Body { get; }

    /// <summary>The body's media type, if any.</summary>
    public string? ContentType { get; }

    /// <summary>The response headers, several values of one header joined by commas.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Whether the status is 2xx.</summary>
    public bool IsSuccess => (int)Status is >= 200 and <= 299;

    /// <summary>What to show a person for an error: the server's text, else the status.</summary>
    public string Message => Describe(Status, ReasonPhrase, Body);

    /// <summary>The database name of a <c>{"PermissionDenied": {"name": …}}</c> answer, else null.</summary>
    public string? DeniedDatabaseName
    {
        get
        {
            if (!Body.AsSpan().TrimStart().StartsWith("{".AsSpan(), StringComparison.Ordinal))
                return null;
            try
            {
                using var json = JsonDocument.Parse(Body);
                if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("PermissionDenied", out var denied))
                    return denied.ValueKind == JsonValueKind.Object && denied.TryGetProperty("name", out var name) ? name.ToString() : "";
            }
            catch (JsonException)
            {
            }
            return null;
        }
    }

    // Renaming a database of another identity: {"NotYourDatabase": {"database": IDENTITY}}.
    private string? DatabaseOfAnother
    {
        get
        {
            if (Status != HttpStatusCode.Unauthorized || !Body.AsSpan().TrimStart().StartsWith("{".AsSpan(), StringComparison.Ordinal))
                return null;
            try
            {
                using var json = JsonDocument.Parse(Body);
                return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("NotYourDatabase", out var denied)
                    ? (denied.ValueKind == JsonValueKind.Object && denied.TryGetProperty("database", out var id) ? id.ToString() : "")
                    : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    /// <summary>The exception for this (unsuccessful) answer from <paramref name="server"/>.</summary>
    /// <param name="server">The server's URL, for the message.</param>
    public MeridianHttpException ToException(string server)
    {
        if (DeniedDatabaseName is { } name)
        {
            return new MeridianHttpException(
                MeridianHttpError.PermissionDenied, $"permission denied: the database name '{name}' belongs to another identity.", server, Status, Message);
        }
        if (DatabaseOfAnother is { } database)
            return new MeridianHttpException(
                MeridianHttpError.PermissionDenied, $"permission denied: database {database} is not yours.", server, Status, Message);
        var error = (int)Status switch
        {
            401 => MeridianHttpError.TokenRejected,
            403 => MeridianHttpError.PermissionDenied,
            404 => MeridianHttpError.NotFound,
            400 or 413 => MeridianHttpError.BadRequest,
            409 => MeridianHttpError.Conflict,
            429 => MeridianHttpError.TooManyRequests,
            530 => MeridianHttpError.CallFailed,
            _ => MeridianHttpError.Other,
        };
        var message = error == MeridianHttpError.TokenRejected ? $"{server} rejected the token: {Message}" : Message;
        return new MeridianHttpException(error, message, server, Status, Message);
    }

    /// <summary>The body when it says something, else <c>the server answered 404 Not Found</c>.</summary>
    /// <param name="status">The status.</param>
    /// <param name="reason">The status text, if any.</param>
    /// <param name="body">The body.</param>
    public static string Describe(HttpStatusCode status, string? reason, string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var text = Shorten(Unwrap(body.Trim()));
        return text.Length == 0 ? $"the server answered {(int)status} {reason ?? status.ToString()}" : text;
    }

    /// <summary>Cuts very long text (an HTML error page, say) so it does not flood a terminal or a log.</summary>
    /// <param name="text">The text.</param>
    public static string Shorten(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length <= MaxShownBody ? text : string.Concat(text.Substring(0, MaxShownBody), $"… ({text.Length - MaxShownBody} more characters)");
    }

    // Upstream's JSON errors name their kind around the message ({"OtherError":"..."}): show the message.
    private static string Unwrap(string body)
    {
        if (!body.StartsWith('{'))
            return body;
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
                return body;
            string? only = null;
            var count = 0;
            foreach (var property in json.RootElement.EnumerateObject())
            {
                count++;
                only = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
            }
            return count == 1 && only is not null ? only : body;
        }
        catch (JsonException)
        {
            return body;
        }
    }
}
