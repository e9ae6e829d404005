using SpacetimeDB;

// Upgrading a database of version 1 (../v1). Publishing this module over it runs, in one transaction with the
// module swap (docs/modules.md, "Migrations"):
// - recordings: a manual migration (below), since columns were removed;
// - dictionary_entries: automatic: the Suffix and AutoEnter columns are added with their defaults, and the unique
//   index on Trigger is built; two entries with one trigger refuse the publish, naming the trigger, and nothing changes;
// - transcriptions, legacy_imports: new tables.

/// <summary>A row of version 1's recordings, as stored: the columns, in order, with their types.</summary>
[SpacetimeDB.Type]
public partial struct RecordingV1
{
    public ulong Id;
    public string FilePath;
    public ulong DurationMs;
    public uint SampleRate;
    public Timestamp CreatedAt;
    public string? Transcription;
    public string? TranscriptionModel;
}

public static partial class Module
{
    /// <summary>
    /// Version 1 kept one transcription in the recording; version 2 keeps them in <c>transcriptions</c>. The size
    /// of the WAV file was not stored: it is what heycat writes (16-bit mono PCM, a 44-byte header) for the duration.
    /// </summary>
    [Migration("recordings")]
    public static void MigrateRecording(ReducerContext ctx, RecordingV1 old)
    {
        ctx.Db.recordings.Insert(new Recording
        {
            Id = old.Id,
            FilePath = old.FilePath,
            DurationMs = old.DurationMs,
            SampleRate = old.SampleRate,
            CreatedAt = old.CreatedAt,
            SizeBytes = WavSize(old.DurationMs, old.SampleRate),
        });
        if (!string.IsNullOrEmpty(old.Transcription))
        {
            ctx.Db.transcriptions.Insert(new Transcription
            {
                RecordingId = old.Id,
                Text = old.Transcription,
                Model = old.TranscriptionModel ?? "unknown",
                CreatedAt = old.CreatedAt,
            });
        }
    }

    /// <summary>The size of a 16-bit mono PCM WAV file of this duration.</summary>
    public static ulong WavSize(ulong durationMs, uint sampleRate) => 44 + durationMs * sampleRate / 1000 * 2;
}
