namespace Meridian.Client.Mirror;

/// <summary>How a <see cref="SqliteMirror"/> keeps its file.</summary>
public sealed class SqliteMirrorOptions
{
    /// <summary>The SQLite file to keep (created, and replaced whole on each rebuild).</summary>
    public required string Path { get; init; }

    /// <summary>The tables to mirror; null: every public table that is not an event or system table.</summary>
    public IReadOnlyList<string>? Tables { get; init; }

    /// <summary>
    /// Apply each transaction's changes to the file in place instead of rebuilding it whole (for large
    /// tables). The first write, and any write after a failure, is still a rebuild.
    /// </summary>
    public bool Incremental { get; init; }

    /// <summary>How long after the last change the file is written (500 ms, as the seed).</summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The longest a change waits while changes keep coming (a steady stream would otherwise put the
    /// write off for ever); default 5 s.
    /// </summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The clock of the debounce (tests give a fake one).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>What one write of the mirror did, for progress output.</summary>
/// <param name="Rebuilt">Whether the file was rebuilt whole (else changes were applied in place).</param>
/// <param name="Rows">The rows the mirror holds after the write.</param>
/// <param name="Changes">The row changes the write took in (inserts and deletes; for a rebuild, those seen since the last write).</param>
/// <param name="Elapsed">How long the write took.</param>
public sealed record SqliteMirrorWrite(bool Rebuilt, long Rows, long Changes, TimeSpan Elapsed);
