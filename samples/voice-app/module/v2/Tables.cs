using SpacetimeDB;

// heycat-data, version 2 (the module the app ships): the tables of seed 000's "Data Model", with two changes
// from version 1 (../v1) that Migrations.cs carries existing data through:
// - a recording's transcription moved to `transcriptions` (re-transcribing with another model keeps the old text),
//   and recordings gained SizeBytes, which the storage quota counts;
// - dictionary triggers are unique (two expansions of one trigger were ambiguous), and entries gained the
//   suffix/auto-enter options dictionary.json had.

/// <summary>A recording's metadata; the audio is the WAV file at <see cref="FilePath"/>, on disk.</summary>
[Table(Name = "recordings", Public = true)]
public partial struct Recording
{
    [PrimaryKey, AutoInc] public ulong Id;
    [Unique] public string FilePath;
    public ulong DurationMs;
    public uint SampleRate;
    public Timestamp CreatedAt;
    /// <summary>The size of the WAV file, counted against the storage quota.</summary>
    public ulong SizeBytes;
}

/// <summary>The text of a recording, as one speech-to-text model heard it.</summary>
[Table(Name = "transcriptions", Public = true)]
public partial struct Transcription
{
    [PrimaryKey, AutoInc] public ulong Id;
    [SpacetimeDB.Index.BTree] public ulong RecordingId;
    public string Text;
    public string Model;
    public Timestamp CreatedAt;
}

/// <summary>One setting; <see cref="Value"/> is JSON. Replaces settings.json (the Tauri store).</summary>
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
    [Unique] public string Trigger;
    public string Replacement;
    public bool Enabled;
    /// <summary>Appended after the replacement.</summary>
    [Default("")] public string Suffix;
    /// <summary>Press Enter after typing the replacement.</summary>
    [Default(false)] public bool AutoEnter;
}

/// <summary>A user-defined voice command; <see cref="ActionPayload"/> is JSON (the action's parameters).</summary>
[Table(Name = "voice_commands", Public = true)]
public partial struct VoiceCommand
{
    [PrimaryKey, AutoInc] public ulong Id;
    public string Phrase;
    public string ActionType;
    public string ActionPayload;
    public bool Enabled;
}

/// <summary>The one-time import of the JSON files the app kept before this database; at most one row per source.</summary>
[Table(Name = "legacy_imports", Public = true)]
public partial struct LegacyImport
{
    [PrimaryKey] public string Source;
    public Timestamp ImportedAt;
    public uint Recordings;
    public uint Settings;
    public uint DictionaryEntries;
    public uint VoiceCommands;
}
