using System.Text.Json;

namespace Meridian.Client.Http;

/// <summary>One record of a database's module log (a line of <c>GET /v1/database/:db/logs</c>).</summary>
/// <param name="Level">Its level as the server names it (<c>Info</c>, <c>Warn</c>, ...), or null when the line names none.</param>
/// <param name="Time">When it was logged, when the line says.</param>
/// <param name="Target">The logging function or category, if any.</param>
/// <param name="Filename">The source file, if any.</param>
/// <param name="LineNumber">The source line, if any.</param>
/// <param name="Message">The message (the whole line when it is not a JSON record).</param>
/// <param name="Json">The line as the server sent it.</param>
public sealed record LogRecord(
    string? Level, DateTimeOffset? Time, string? Target, string? Filename, uint? LineNumber, string Message, string Json)
{
    /// <summary>Reads one ndjson line; a line that is not a JSON object becomes a record holding it as its message.</summary>
    /// <param name="line">The line.</param>
    public static LogRecord Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        try
        {
            using var json = JsonDocument.Parse(line);
            var r = json.RootElement;
            if (r.ValueKind == JsonValueKind.Object)
            {
                DateTimeOffset? time = null;
                if (r.TryGetProperty("ts", out var ts) && ts.TryGetInt64(out var micros) && micros is >= 0 and < 253_402_300_800_000_000)
                    time = DateTimeOffset.FromUnixTimeMilliseconds(0).AddTicks(micros * 10);
                uint? number = r.TryGetProperty("line_number", out var n) && n.TryGetUInt32(out var value) ? value : null;
                return new LogRecord(String(r, "level"), time, String(r, "target"), String(r, "filename"), number, String(r, "message") ?? "", line);
            }
        }
        catch (JsonException)
        {
        }
        return new LogRecord(null, null, null, null, null, line, line);
    }

    private static string? String(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
