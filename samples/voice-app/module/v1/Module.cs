using SpacetimeDB;

// heycat-data, version 1: the tables of seed 000's "Data Model", field for field. Audio stays on disk as WAV
// files; a recording row is their metadata. Single user: every reducer acts for the one user of the app.

/// <summary>A recording's metadata; the audio is the WAV file at <see cref="FilePath"/>.</summary>
[Table(Name = "recordings", Public = true)]
public partial struct Recording
{
    [PrimaryKey, AutoInc] public ulong Id;
    public string FilePath;
    public ulong DurationMs;
    public uint SampleRate;
    public Timestamp CreatedAt;
    public string? Transcription;
    public string? TranscriptionModel;
}

/// <summary>One setting; <see cref="Value"/> is JSON. Replaces settings.json.</summary>
[Table(Name = "settings", Public = true)]
public partial struct Setting
{
    [PrimaryKey] public string Key;
    public string Value;
    public Timestamp UpdatedAt;
}

/// <summary>A text expansion: <see cref="Trigger"/> in a transcription becomes <see cref="Replacement"/>. Replaces dictionary.json.</summary>
[Table(Name = "dictionary_entries", Public = true)]
public partial struct DictionaryEntry
{
    [PrimaryKey, AutoInc] public ulong Id;
    public string Trigger;
    public string Replacement;
    public bool Enabled;
}

/// <summary>A user-defined voice command; <see cref="ActionPayload"/> is JSON.</summary>
[Table(Name = "voice_commands", Public = true)]
public partial struct VoiceCommand
{
    [PrimaryKey, AutoInc] public ulong Id;
    public string Phrase;
    public string ActionType;
    public string ActionPayload;
    public bool Enabled;
}

public static partial class Module
{
    [Reducer]
    public static void AddRecording(ReducerContext ctx, string filePath, ulong durationMs, uint sampleRate) =>
        ctx.Db.recordings.Insert(new Recording { FilePath = filePath, DurationMs = durationMs, SampleRate = sampleRate, CreatedAt = ctx.Timestamp });

    [Reducer]
    public static void SetTranscription(ReducerContext ctx, ulong recordingId, string transcription, string model)
    {
        var recording = ctx.Db.recordings.Id.Find(recordingId) ?? throw new Exception($"There is no recording {recordingId}.");
        recording.Transcription = transcription;
        recording.TranscriptionModel = model;
        ctx.Db.recordings.Id.Update(recording);
    }

    [Reducer]
    public static void DeleteRecording(ReducerContext ctx, ulong recordingId)
    {
        if (!ctx.Db.recordings.Id.Delete(recordingId))
            throw new Exception($"There is no recording {recordingId}.");
    }

    [Reducer]
    public static void SetSetting(ReducerContext ctx, string key, string value)
    {
        ctx.Db.settings.Key.Delete(key);
        ctx.Db.settings.Insert(new Setting { Key = key, Value = value, UpdatedAt = ctx.Timestamp });
    }

    [Reducer]
    public static void AddDictionaryEntry(ReducerContext ctx, string trigger, string replacement) =>
        ctx.Db.dictionary_entries.Insert(new DictionaryEntry { Trigger = trigger, Replacement = replacement, Enabled = true });

    [Reducer]
    public static void DeleteDictionaryEntry(ReducerContext ctx, ulong id)
    {
        if (!ctx.Db.dictionary_entries.Id.Delete(id))
            throw new Exception($"There is no dictionary entry {id}.");
    }

    [Reducer]
    public static void AddVoiceCommand(ReducerContext ctx, string phrase, string actionType, string actionPayload) =>
        ctx.Db.voice_commands.Insert(new VoiceCommand { Phrase = phrase, ActionType = actionType, ActionPayload = actionPayload, Enabled = true });
}
