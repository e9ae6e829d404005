namespace VoiceApp;

/// <summary>What the app tells its user (the Tauri app shows these as toasts or banners).</summary>
public enum NoticeKind
{
    /// <summary>The database cannot be reached; <see cref="Notice.Options"/> offers a retry.</summary>
    ConnectionProblem,

    /// <summary>The database is reachable again (after a problem).</summary>
    Reconnected,

    /// <summary>A change made offline could not be applied: the data changed elsewhere meanwhile.</summary>
    Conflict,

    /// <summary>The recordings use 90% or more of the storage quota.</summary>
    StorageAlmostFull,

    /// <summary>A save was refused: it would exceed the storage quota.</summary>
    StorageFull,

    /// <summary>The data was upgraded to this version's format.</summary>
    Migrated,

    /// <summary>Upgrading the data to this version's format failed; the data is unchanged.</summary>
    MigrationFailed,

    /// <summary>The files of an older heycat were imported.</summary>
    Imported,
}

/// <summary>One message for the user, with what they can do about it.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Message">The text to show.</param>
/// <param name="Options">The actions offered (their names are the app's commands).</param>
public sealed record Notice(NoticeKind Kind, string Message, IReadOnlyList<string> Options)
{
    /// <inheritdoc />
    public override string ToString() => Options.Count == 0 ? $"[{Kind}] {Message}" : $"[{Kind}] {Message} (options: {string.Join(", ", Options)})";
}
