namespace Meridian.Storage;

/// <summary>What opening a durable datastore found and did.</summary>
public sealed class RecoveryReport
{
    /// <summary>Offset of the snapshot loaded, or null when recovery replayed from the start.</summary>
    public ulong? SnapshotOffset { get; internal set; }

    /// <summary>Rows loaded from the snapshot.</summary>
    public long SnapshotRows { get; internal set; }

    /// <summary>Transactions replayed from the log.</summary>
    public ulong ReplayedTransactions { get; internal set; }

    /// <summary>Offset the next transaction gets.</summary>
    public ulong NextOffset { get; internal set; }

    /// <summary>Snapshots that were skipped, with the reason.</summary>
    public List<string> SkippedSnapshots { get; } = [];

    /// <summary>Torn tail cut from the last segment (file, byte offset, bytes dropped), if any.</summary>
    public string? TruncatedTail { get; internal set; }

    /// <summary>In repair mode: what was cut because of corruption.</summary>
    public string? Repaired { get; internal set; }

    /// <summary>Time spent loading the snapshot.</summary>
    public TimeSpan SnapshotLoadTime { get; internal set; }

    /// <summary>Time spent replaying the log.</summary>
    public TimeSpan ReplayTime { get; internal set; }

    /// <inheritdoc />
    public override string ToString() =>
        $"snapshot {SnapshotOffset?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} " +
        $"({SnapshotRows} rows, {SnapshotLoadTime.TotalMilliseconds:F0} ms), " +
        $"replayed {ReplayedTransactions} transaction(s) in {ReplayTime.TotalMilliseconds:F0} ms, next offset {NextOffset}" +
        (TruncatedTail is null ? "" : $", cut torn tail: {TruncatedTail}") +
        (Repaired is null ? "" : $", REPAIRED: {Repaired}") +
        (SkippedSnapshots.Count == 0 ? "" : $", skipped snapshots: {string.Join("; ", SkippedSnapshots)}");
}
