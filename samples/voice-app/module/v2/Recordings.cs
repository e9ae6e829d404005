using System.Globalization;
using SpacetimeDB;

public static partial class Module
{
    /// <summary>The setting that holds the storage quota, in bytes (a JSON number).</summary>
    public const string QuotaSetting = "storage.quota_bytes";

    /// <summary>The quota when the user has not set one: 2 GiB of recordings.</summary>
    public const ulong DefaultQuotaBytes = 2UL << 30;

    /// <summary>
    /// Saves a new recording's metadata. Refused, with a message the app shows as it is, when the recordings'
    /// files would exceed the storage quota: checked here, in the transaction that inserts, so two saves at once
    /// cannot both slip under the limit.
    /// </summary>
    [Reducer]
    public static void SaveRecording(ReducerContext ctx, string filePath, ulong durationMs, uint sampleRate, ulong sizeBytes)
    {
        if (string.IsNullOrWhiteSpace(filePath))
            throw new Exception("A recording needs the path of its audio file.");
        if (sampleRate == 0)
            throw new Exception($"{filePath}: the sample rate must be positive.");
        if (ctx.Db.recordings.FilePath.Find(filePath) is not null)
            throw new Exception($"{filePath} is saved already.");
        var quota = QuotaBytes(ctx);
        var used = UsedBytes(ctx);
        if (used + sizeBytes > quota)
        {
            throw new Exception(
                $"Storage limit reached: this recording ({Size(sizeBytes)}) would bring your recordings to {Size(used + sizeBytes)} " +
                $"of the {Size(quota)} allowed. Delete old recordings or raise the limit in Settings.");
        }
        ctx.Db.recordings.Insert(new Recording
        {
            FilePath = filePath,
            DurationMs = durationMs,
            SampleRate = sampleRate,
            CreatedAt = ctx.Timestamp,
            SizeBytes = sizeBytes,
        });
    }

    [Reducer]
    public static void AddTranscription(ReducerContext ctx, ulong recordingId, string text, string model)
    {
        if (ctx.Db.recordings.Id.Find(recordingId) is null)
            throw new Exception($"There is no recording {recordingId} (it may have been deleted).");
        ctx.Db.transcriptions.Insert(new Transcription { RecordingId = recordingId, Text = text, Model = model, CreatedAt = ctx.Timestamp });
    }

    /// <summary>Deletes a recording and its transcriptions; the app deletes the file when it sees the row go.</summary>
    [Reducer]
    public static void DeleteRecording(ReducerContext ctx, ulong recordingId)
    {
        if (!ctx.Db.recordings.Id.Delete(recordingId))
            throw new Exception($"There is no recording {recordingId} (it may have been deleted already).");
        foreach (var transcription in ctx.Db.transcriptions.RecordingId.Filter(recordingId))
            ctx.Db.transcriptions.Id.Delete(transcription.Id);
    }

    /// <summary>Frees at least <paramref name="bytes"/> by deleting the oldest recordings (one of the storage options).</summary>
    [Reducer]
    public static void DeleteOldestRecordings(ReducerContext ctx, ulong bytes)
    {
        var oldest = ctx.Db.recordings.Iter().OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).ToList();
        ulong freed = 0;
        foreach (var recording in oldest)
        {
            if (freed >= bytes)
                break;
            DeleteRecording(ctx, recording.Id);
            freed += recording.SizeBytes;
        }
        Log.Info($"Deleted the oldest recordings: {Size(freed)} freed.");
    }

    /// <summary>Sets the storage quota (another storage option); it cannot go below what the recordings use now.</summary>
    [Reducer]
    public static void SetStorageQuota(ReducerContext ctx, ulong bytes)
    {
        var used = UsedBytes(ctx);
        if (bytes < used)
            throw new Exception($"Your recordings use {Size(used)} already: delete some first, or choose a limit of at least that.");
        SetSetting(ctx, QuotaSetting, bytes.ToString(CultureInfo.InvariantCulture));
    }

    internal static ulong QuotaBytes(ReducerContext ctx) =>
        ctx.Db.settings.Key.Find(QuotaSetting) is { } setting && ulong.TryParse(setting.Value, CultureInfo.InvariantCulture, out var quota)
            ? quota
            : DefaultQuotaBytes;

    internal static ulong UsedBytes(ReducerContext ctx)
    {
        ulong used = 0;
        foreach (var recording in ctx.Db.recordings.Iter())
            used += recording.SizeBytes;
        return used;
    }

    internal static string Size(ulong bytes) => bytes switch
    {
        < 1024 => $"{bytes} bytes",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.0 'KB'", CultureInfo.InvariantCulture),
        < 1024UL * 1024 * 1024 => (bytes / (1024.0 * 1024)).ToString("0.0 'MB'", CultureInfo.InvariantCulture),
        _ => (bytes / (1024.0 * 1024 * 1024)).ToString("0.00 'GB'", CultureInfo.InvariantCulture),
    };
}
