namespace VoiceApp.DataLayer;

/// <summary>Where the data layer stands (the status line of the app).</summary>
public enum DataLayerState
{
    /// <summary>Starting the database and connecting.</summary>
    Starting,

    /// <summary>Connected, with the data in sync.</summary>
    Ready,

    /// <summary>Not connected: the app reads what the offline cache holds, and changes wait to be sent.</summary>
    Offline,

    /// <summary>The database could not be started or reached, and there is no data to show yet; <c>RetryAsync</c> tries again.</summary>
    Unavailable,

    /// <summary>Upgrading the data to this version failed; the data is unchanged, and the app does not use it until a retry succeeds.</summary>
    MigrationFailed,
}

/// <summary>How a table changed.</summary>
public enum ChangeKind
{
    /// <summary>A row was added.</summary>
    Inserted,

    /// <summary>A row changed (same primary key).</summary>
    Updated,

    /// <summary>A row was removed.</summary>
    Deleted,
}

/// <summary>
/// One change of the data, for the UI (the seed's event bridge: SDK callbacks become <c>app_handle.emit()</c>).
/// </summary>
/// <param name="Table">The table's name.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Row">The row (the new one for an update, the removed one for a delete).</param>
/// <param name="Origin">Who changed it: "this app", "elsewhere" (another device or the server) or "while away" (found on reconnect).</param>
public sealed record DataChange(string Table, ChangeKind Kind, object Row, string Origin);

/// <summary>What a command did.</summary>
/// <param name="Outcome">Applied, pending (offline: it will be sent), or refused.</param>
/// <param name="Message">Why it was refused.</param>
public sealed record CommandResult(CommandOutcome Outcome, string? Message = null)
{
    /// <summary>Applied.</summary>
    public static readonly CommandResult Applied = new(CommandOutcome.Applied);

    /// <summary>Waiting to be sent or answered.</summary>
    public static readonly CommandResult Pending = new(CommandOutcome.Pending);

    /// <inheritdoc />
    public override string ToString() => Message is null ? Outcome.ToString() : $"{Outcome}: {Message}";
}

/// <summary>How a command ended.</summary>
public enum CommandOutcome
{
    /// <summary>The database applied it.</summary>
    Applied,

    /// <summary>Not answered yet (offline, or slow): it is queued, and its outcome will come as a notice if it fails.</summary>
    Pending,

    /// <summary>The database refused it; the message says why.</summary>
    Refused,
}

/// <summary>How much of the storage quota the recordings use.</summary>
/// <param name="UsedBytes">The recordings' files.</param>
/// <param name="QuotaBytes">The limit.</param>
public sealed record StorageStatus(ulong UsedBytes, ulong QuotaBytes)
{
    /// <summary>The share used.</summary>
    public double Fraction => QuotaBytes == 0 ? 1 : (double)UsedBytes / QuotaBytes;
}

/// <summary>A recording with its transcriptions.</summary>
/// <param name="Recording">The row.</param>
/// <param name="Transcriptions">Its transcriptions, oldest first.</param>
public sealed record RecordingInfo(Data.Recording Recording, IReadOnlyList<Data.Transcription> Transcriptions);
