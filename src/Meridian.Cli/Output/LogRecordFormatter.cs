using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Meridian.Cli.Output;

/// <summary>
/// Turns one ndjson log record (<c>{"level", "ts", "target"?, "filename"?, "line_number"?, "message", "trace"?}</c>,
/// protocol.md §8.3) into text: <c>2026-11-22T00:00:00.000000Z  INFO target: message</c>, plus one
/// <c>    in module :: function</c> line per frame of a panic's trace.
/// </summary>
internal static class LogRecordFormatter
{
    /// <summary>The text for <paramref name="line"/>; a line that is not a JSON object is returned as it is.</summary>
    public static string Format(string line)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            if (json.RootElement.ValueKind == JsonValueKind.Object)
                return Format(json.RootElement);
        }
        catch (JsonException)
        {
        }
        return line;
    }

    private static string Format(JsonElement record)
    {
        var text = new StringBuilder();
        if (record.TryGetProperty("ts", out var ts) && ts.TryGetInt64(out var micros))
            text.Append(Timestamp(micros)).Append(' ');
        text.Append(Level(String(record, "level"))).Append(' ');
        if (String(record, "target") is { Length: > 0 } target)
            text.Append(target).Append(": ");
        if (String(record, "filename") is { Length: > 0 } file)
        {
            // Modules that `meridian publish` compiled name files relative to their directory, as ./Lib.cs.
            text.Append(file.StartsWith("./", StringComparison.Ordinal) ? file[2..] : file);
            if (record.TryGetProperty("line_number", out var number) && number.TryGetUInt32(out var lineNumber))
                text.Append(CultureInfo.InvariantCulture, $":{lineNumber}");
            text.Append(": ");
        }
        text.Append(String(record, "message"));
        if (record.TryGetProperty("trace", out var trace) && trace.ValueKind == JsonValueKind.Array)
        {
            foreach (var frame in trace.EnumerateArray())
            {
                text.Append('\n').Append("    in ");
                if (String(frame, "module_name") is { } module)
                    text.Append(module).Append(" :: ");
                text.Append(String(frame, "func_name") ?? "?");
            }
        }
        return text.ToString();
    }

    /// <summary>Microseconds since the epoch as <c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c>.</summary>
    public static string Timestamp(long micros) => Times.FromUnixMicros(micros);

    private static string Level(string? level) => (level switch
    {
        "Error" => "ERROR",
        "Warn" => "WARN",
        "Info" => "INFO",
        "Debug" => "DEBUG",
        "Trace" => "TRACE",
        "Panic" => "PANIC",
        null => "?",
        _ => level.ToUpperInvariant(),
    }).PadLeft(5);

    private static string? String(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
