using System.Globalization;
using System.Text.Json;
using Meridian.Sats;
using VoiceApp.Data;

namespace VoiceApp.Import;

/// <summary>
/// The files heycat kept before the database (seed 000, "Current State"): <c>settings.json</c> (the Tauri store: one
/// JSON object, key to value), <c>dictionary.json</c> (an array of entries: id, trigger, expansion, suffix,
/// autoEnter), <c>voice_commands.json</c> (an array of commands: id, trigger, action_type, parameters, enabled) and the
/// WAV files in <c>recordings/</c>. Read into the arguments of the module's <c>import_legacy_data</c>.
/// </summary>
public sealed record LegacyFiles(
    List<ImportedSetting> Settings, List<ImportedDictionaryEntry> Dictionary, List<ImportedVoiceCommand> VoiceCommands,
    List<ImportedRecording> Recordings, IReadOnlyList<string> Skipped)
{
    /// <summary>Whether <paramref name="directory"/> holds anything to import.</summary>
    public static bool Exist(string directory) =>
        File.Exists(Path.Combine(directory, "settings.json")) || File.Exists(Path.Combine(directory, "dictionary.json"))
        || File.Exists(Path.Combine(directory, "voice_commands.json")) || Directory.Exists(Path.Combine(directory, "recordings"));

    /// <summary>Reads the files; a file that is not what heycat wrote throws <see cref="InvalidDataException"/> naming it.</summary>
    public static LegacyFiles Read(string directory)
    {
        var skipped = new List<string>();
        var settings = new List<ImportedSetting>();
        if (Load(directory, "settings.json") is { } settingsJson)
        {
            if (settingsJson.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{Path.Combine(directory, "settings.json")} is not a JSON object.");
            foreach (var property in settingsJson.EnumerateObject())
                settings.Add(new ImportedSetting(property.Name, property.Value.GetRawText()));
        }

        var dictionary = new List<ImportedDictionaryEntry>();
        foreach (var entry in Array(directory, "dictionary.json"))
        {
            var trigger = Text(entry, "trigger");
            var expansion = Text(entry, "expansion");
            if (trigger.Trim().Length == 0)
            {
                skipped.Add($"dictionary.json: an entry with no trigger (expanding to '{expansion}')");
                continue;
            }
            dictionary.Add(new ImportedDictionaryEntry(trigger, expansion, OptionalText(entry, "suffix"), Flag(entry, "autoEnter", "auto_enter")));
        }

        var commands = new List<ImportedVoiceCommand>();
        foreach (var command in Array(directory, "voice_commands.json"))
        {
            var parameters = command.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object ? p.GetRawText() : "{}";
            commands.Add(new ImportedVoiceCommand(
                Text(command, "trigger"), Text(command, "action_type"), parameters, !command.TryGetProperty("enabled", out var e) || e.GetBoolean()));
        }

        var recordings = new List<ImportedRecording>();
        var recordingsDir = Path.Combine(directory, "recordings");
        if (Directory.Exists(recordingsDir))
        {
            foreach (var wav in Directory.EnumerateFiles(recordingsDir, "*.wav").Order(StringComparer.Ordinal))
            {
                try
                {
                    var info = WavInfo.Read(wav);
                    var created = Timestamp.FromDateTimeOffset(RecordedAt(wav));
                    recordings.Add(new ImportedRecording(
                        Path.GetFullPath(wav), info.DurationMs, info.SampleRate, info.SizeBytes, created));
                }
                catch (InvalidDataException e)
                {
                    skipped.Add(e.Message);
                }
            }
        }
        return new LegacyFiles(settings, dictionary, commands, recordings, skipped);
    }

    // heycat names a recording after when it was made (recording-2025-12-03-174411.wav); else the file's time.
    private static DateTimeOffset RecordedAt(string wav) =>
        DateTime.TryParseExact(Path.GetFileNameWithoutExtension(wav).Replace("recording-", "", StringComparison.Ordinal), "yyyy-MM-dd-HHmmss",
            CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var named)
            ? new DateTimeOffset(named, TimeSpan.Zero)
            : new DateTimeOffset(File.GetLastWriteTimeUtc(wav), TimeSpan.Zero);

    private static JsonElement? Load(string directory, string name)
    {
        var path = Path.Combine(directory, name);
        if (!File.Exists(path))
            return null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not valid JSON: {e.Message}", e);
        }
    }

    private static List<JsonElement> Array(string directory, string name)
    {
        if (Load(directory, name) is not { } json)
            return [];
        if (json.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"{Path.Combine(directory, name)} is not a JSON array.");
        return json.EnumerateArray().ToList();
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new InvalidDataException($"An entry has no '{name}': {element.GetRawText()}");

    private static string OptionalText(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static bool Flag(JsonElement element, params string[] names)
    {
        foreach (var name in names)
        {
            if (element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                return value.GetBoolean();
        }
        return false;
    }

    /// <summary>One line for the user: what will be (or was) imported.</summary>
    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"{Settings.Count} settings, {Dictionary.Count} dictionary entries, {VoiceCommands.Count} voice commands, {Recordings.Count} recordings");
}
