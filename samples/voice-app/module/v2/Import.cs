using SpacetimeDB;

// The one-time import of what heycat kept in files before this database (seed 000: "One-time migration from
// existing JSON files on first run"). The app reads the files and sends everything in one call, so the import is
// one transaction: it happens entirely or not at all, and a second call (a second device, a crash and a restart)
// is refused because legacy_imports has the source's row.

[SpacetimeDB.Type]
public partial struct ImportedSetting
{
    public string Key;
    public string Value;
}

[SpacetimeDB.Type]
public partial struct ImportedDictionaryEntry
{
    public string Trigger;
    public string Replacement;
    public string Suffix;
    public bool AutoEnter;
}

[SpacetimeDB.Type]
public partial struct ImportedVoiceCommand
{
    public string Phrase;
    public string ActionType;
    public string ActionPayload;
    public bool Enabled;
}

[SpacetimeDB.Type]
public partial struct ImportedRecording
{
    public string FilePath;
    public ulong DurationMs;
    public uint SampleRate;
    public ulong SizeBytes;
    public Timestamp CreatedAt;
}

public static partial class Module
{
    /// <summary>The source name of heycat's JSON files (settings.json, dictionary.json, voice_commands.json, recordings/).</summary>
    public const string JsonFilesSource = "heycat-json-files";

    [Reducer]
    public static void ImportLegacyData(
        ReducerContext ctx, string source, List<ImportedSetting> settings, List<ImportedDictionaryEntry> dictionary,
        List<ImportedVoiceCommand> voiceCommands, List<ImportedRecording> recordings)
    {
        if (ctx.Db.legacy_imports.Source.Find(source) is { } done)
            throw new Exception($"'{source}' was imported already, at {done.ImportedAt}.");
        foreach (var setting in settings)
            SetSetting(ctx, setting.Key, setting.Value);
        uint entries = 0;
        foreach (var entry in dictionary)
        {
            // dictionary.json could hold one trigger twice; the first one wins, as heycat's expander applied it first.
            if (ctx.Db.dictionary_entries.Trigger.Find(entry.Trigger.Trim()) is not null)
            {
                Log.Warn($"Import: the trigger '{entry.Trigger}' appears twice in {source}; kept the first.");
                continue;
            }
            AddDictionaryEntry(ctx, entry.Trigger, entry.Replacement, entry.Suffix, entry.AutoEnter);
            entries++;
        }
        foreach (var command in voiceCommands)
        {
            CheckVoiceCommand(command.Phrase, command.ActionType, command.ActionPayload);
            ctx.Db.voice_commands.Insert(new VoiceCommand
            {
                Phrase = command.Phrase.Trim(), ActionType = command.ActionType, ActionPayload = command.ActionPayload, Enabled = command.Enabled,
            });
        }
        // Recordings made before the database are imported whatever the quota: they are on the disk already.
        foreach (var recording in recordings)
        {
            if (ctx.Db.recordings.FilePath.Find(recording.FilePath) is not null)
                continue;
            ctx.Db.recordings.Insert(new Recording
            {
                FilePath = recording.FilePath,
                DurationMs = recording.DurationMs,
                SampleRate = recording.SampleRate,
                CreatedAt = recording.CreatedAt,
                SizeBytes = recording.SizeBytes,
            });
        }
        ctx.Db.legacy_imports.Insert(new LegacyImport
        {
            Source = source,
            ImportedAt = ctx.Timestamp,
            Recordings = (uint)recordings.Count,
            Settings = (uint)settings.Count,
            DictionaryEntries = entries,
            VoiceCommands = (uint)voiceCommands.Count,
        });
        Log.Info($"Imported {source}: {settings.Count} settings, {entries} dictionary entries, {voiceCommands.Count} voice commands, " +
            $"{recordings.Count} recordings.");
    }
}
