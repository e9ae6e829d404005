using System.Globalization;
using Meridian.Client;
using VoiceApp.Data;
using VoiceApp.Import;

namespace VoiceApp.DataLayer;

// The Tauri commands (seed 000: "Tauri commands delegate to SpacetimeDB instead of file I/O"): reads come from the
// client cache, writes are reducer calls. A write made offline is queued (CommandOutcome.Pending) and sent on reconnect.
public sealed partial class HeycatDataLayer
{
    /// <summary>The prefix of the module's refusal when a save would exceed the storage quota.</summary>
    public const string StorageLimitPrefix = "Storage limit reached";

    private DbConnection Conn => _conn ?? throw new InvalidOperationException($"heycat's data is not available ({State}).");

    /// <summary><c>list_recordings</c>: newest first, each with its transcriptions.</summary>
    public IReadOnlyList<RecordingInfo> ListRecordings()
    {
        lock (Conn.SyncRoot)
        {
            return Conn.Db.Recording.Iter()
                .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)
                .Select(r => new RecordingInfo(r, [.. Conn.Db.Transcription.RecordingId.Filter(r.Id).OrderBy(t => t.Id)]))
                .ToList();
        }
    }

    /// <summary>Saves the recording in <paramref name="wavPath"/> (its metadata; the audio stays in the file).</summary>
    public async Task<CommandResult> SaveRecordingAsync(string wavPath, CancellationToken cancellationToken = default)
    {
        var path = Path.GetFullPath(wavPath);
        var info = WavInfo.Read(path);
        var result = await OutcomeAsync(Conn.Reducers.SaveRecording(path, info.DurationMs, info.SampleRate, info.SizeBytes), cancellationToken)
            .ConfigureAwait(false);
        if (result.Outcome == CommandOutcome.Refused && result.Message!.StartsWith(StorageLimitPrefix, StringComparison.Ordinal))
            Notify(NoticeKind.StorageFull, result.Message, ["delete_oldest_recordings", "raise_storage_limit", "open_recordings_folder"]);
        else if (result.Outcome == CommandOutcome.Applied && GetStorageStatus() is { } storage && storage.Fraction >= _options.StorageWarningFraction)
        {
            Notify(NoticeKind.StorageAlmostFull, string.Create(CultureInfo.InvariantCulture,
                $"Recordings use {storage.Fraction * 100:0}% of the storage heycat may use ({storage.UsedBytes:N0} of {storage.QuotaBytes:N0} bytes)."),
                ["delete_oldest_recordings", "raise_storage_limit"]);
        }
        return result;
    }

    /// <summary>Adds a transcription of a recording.</summary>
    public Task<CommandResult> AddTranscriptionAsync(ulong recordingId, string text, string model, CancellationToken cancellationToken = default) =>
        OutcomeAsync(Conn.Reducers.AddTranscription(recordingId, text, model), cancellationToken);

    /// <summary>Deletes a recording; its WAV file is deleted when the database has deleted the row.</summary>
    public Task<CommandResult> DeleteRecordingAsync(ulong recordingId, CancellationToken cancellationToken = default) =>
        OutcomeAsync(Conn.Reducers.DeleteRecording(recordingId), cancellationToken);

    /// <summary>A storage option: deletes the oldest recordings until at least <paramref name="bytes"/> are free.</summary>
    public Task<CommandResult> DeleteOldestRecordingsAsync(ulong bytes, CancellationToken cancellationToken = default) =>
        OutcomeAsync(Conn.Reducers.DeleteOldestRecordings(bytes), cancellationToken);

    /// <summary>A storage option: changes the quota.</summary>
    public Task<CommandResult> SetStorageLimitAsync(ulong bytes, CancellationToken cancellationToken = default) =>
        OutcomeAsync(Conn.Reducers.SetStorageQuota(bytes), cancellationToken);

    /// <summary>How much of the quota the recordings use (from the cache).</summary>
    public StorageStatus GetStorageStatus()
    {
        lock (Conn.SyncRoot)
        {
            ulong used = 0;
            foreach (var recording in Conn.Db.Recording.Iter())
                used += recording.SizeBytes;
            var quota = Conn.Db.Setting.Key.Find(StorageQuotaSetting) is { } s && ulong.TryParse(s.Value, CultureInfo.InvariantCulture, out var q)
                ? q
                : DefaultQuotaBytes;
            return new StorageStatus(used, quota);
        }
    }

    /// <summary>The module's quota setting and its default (module/v2/Recordings.cs).</summary>
    public const string StorageQuotaSetting = "storage.quota_bytes";

    /// <summary>The quota when none is set: 2 GiB.</summary>
    public const ulong DefaultQuotaBytes = 2UL << 30;

    /// <summary><c>get_settings</c>: key to JSON value.</summary>
    public IReadOnlyDictionary<string, string> GetSettings()
    {
        lock (Conn.SyncRoot)
            return Conn.Db.Setting.Iter().ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
    }

    /// <summary><c>set_setting</c>: <paramref name="json"/> is the value as JSON.</summary>
    public Task<CommandResult> SetSettingAsync(string key, string json, CancellationToken cancellationToken = default) =>
        OutcomeAsync(Conn.Reducers.SetSetting(key, json), cancellationToken);

    /// <summary>The dictionary, by trigger.</summary>
    public IReadOnlyList<DictionaryEntry> ListDictionary()
    {
        lock (Conn.SyncRoot)
            return [.. Conn.Db.DictionaryEntry.Iter().OrderBy(e => e.Trigger, StringComparer.Ordinal)];
    }

    /// <summary>Adds a dictionary entry.</summary>
    public Task<CommandResult> AddDictionaryEntryAsync(
        string trigger, string replacement, string suffix = "", bool autoEnter = false, CancellationToken cancellationToken = default) =>
        OutcomeAsync(Conn.Reducers.AddDictionaryEntry(trigger, replacement, suffix, autoEnter), cancellationToken);

    /// <summary>Changes a dictionary entry.</summary>
    public Task<CommandResult> UpdateDictionaryEntryAsync(DictionaryEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return OutcomeAsync(
            Conn.Reducers.UpdateDictionaryEntry(entry.Id, entry.Trigger, entry.Replacement, entry.Suffix, entry.AutoEnter, entry.Enabled), cancellationToken);
    }

    /// <summary>Deletes a dictionary entry.</summary>
    public Task<CommandResult> DeleteDictionaryEntryAsync(ulong id, CancellationToken cancellationToken = default) =>
        OutcomeAsync(Conn.Reducers.DeleteDictionaryEntry(id), cancellationToken);

    /// <summary>The voice commands, by phrase.</summary>
    public IReadOnlyList<VoiceCommand> ListVoiceCommands()
    {
        lock (Conn.SyncRoot)
            return [.. Conn.Db.VoiceCommand.Iter().OrderBy(c => c.Phrase, StringComparer.Ordinal)];
    }

    /// <summary>Adds a voice command; <paramref name="parametersJson"/> is a JSON object.</summary>
    public Task<CommandResult> AddVoiceCommandAsync(string phrase, string actionType, string parametersJson, CancellationToken cancellationToken = default) =>
        OutcomeAsync(Conn.Reducers.AddVoiceCommand(phrase, actionType, parametersJson), cancellationToken);

    /// <summary>Deletes a voice command.</summary>
    public Task<CommandResult> DeleteVoiceCommandAsync(ulong id, CancellationToken cancellationToken = default) =>
        OutcomeAsync(Conn.Reducers.DeleteVoiceCommand(id), cancellationToken);

    // Online, the answer comes within moments; offline the call waits in the queue, and the UI must not: it shows the
    // change as pending, and a refusal later arrives as a notice (OnQueuedCallResult).
    private async Task<CommandResult> OutcomeAsync(Task<ReducerEvent> call, CancellationToken cancellationToken)
    {
        if (_conn is not { State: ConnectionState.Connected })
            return CommandResult.Pending;
        try
        {
            var outcome = await call.WaitAsync(_options.CommandTimeout, cancellationToken).ConfigureAwait(false);
            return outcome.Status switch
            {
                Status.Committed => CommandResult.Applied,
                Status.Failed failed => new CommandResult(CommandOutcome.Refused, failed.Reason),
                Status.InternalError error when _conn.State != ConnectionState.Connected => new CommandResult(CommandOutcome.Pending, error.Reason),
                Status.InternalError error => new CommandResult(CommandOutcome.Refused, error.Reason),
                _ => new CommandResult(CommandOutcome.Refused, outcome.Status.ToString()),
            };
        }
        catch (TimeoutException)
        {
            return CommandResult.Pending;
        }
    }

    // The event bridge: every change of every table, from this app, elsewhere, or found on reconnect.
    private void Bridge(DbConnection conn)
    {
        static string Origin(EventContext ctx) => ctx.Event switch
        {
            Event.Reducer => "this app",
            Event.Reconciled => "while away",
            Event.SubscribeApplied => "loaded",
            _ => "elsewhere",
        };
        void Hook<TRow>(RemoteTableHandle<EventContext, TRow> table, string name, Action<TRow>? onDelete = null)
            where TRow : class
        {
            table.OnInsert += (ctx, row) => Changed?.Invoke(new DataChange(name, ChangeKind.Inserted, row, Origin(ctx)));
            table.OnUpdate += (ctx, _, row) => Changed?.Invoke(new DataChange(name, ChangeKind.Updated, row, Origin(ctx)));
            table.OnDelete += (ctx, row) =>
            {
                onDelete?.Invoke(row);
                Changed?.Invoke(new DataChange(name, ChangeKind.Deleted, row, Origin(ctx)));
            };
        }
        Hook(conn.Db.Recording, "recordings", DeleteAudioFile);
        Hook(conn.Db.Transcription, "transcriptions");
        Hook(conn.Db.Setting, "settings");
        Hook(conn.Db.DictionaryEntry, "dictionary_entries");
        Hook(conn.Db.VoiceCommand, "voice_commands");
        Hook(conn.Db.LegacyImport, "legacy_imports");
    }

    // Audio files stay on disk (seed 000); when the database deletes a recording, its file goes too.
    private static void DeleteAudioFile(Recording recording)
    {
        try
        {
            File.Delete(recording.FilePath);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
