using System.Diagnostics.Metrics;
using Meridian.Storage.Devices;
using Meridian.Storage.Log;

namespace Meridian.Storage;

/// <summary>How a durable <see cref="Datastore"/> stores its commit log and snapshots.</summary>
public sealed class DatastoreOptions
{
    /// <summary>Where the log segments and snapshots live.</summary>
    public required IStorageDevice Device { get; init; }

    /// <summary>Group commit (<see cref="DurabilityMode.Sync"/>, the default) or periodic fsync.</summary>
    public DurabilityMode Durability { get; init; } = DurabilityMode.Sync;

    /// <summary>How often <see cref="DurabilityMode.Async"/> fsyncs when nobody waits for durability (a waiter makes it fsync at once).</summary>
    public TimeSpan AsyncSyncInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// In <see cref="DurabilityMode.Async"/>, fsync at once when someone waits for durability (default). Off only
    /// so the durability benchmark can measure the purely periodic behaviour in the same run.
    /// </summary>
    internal bool AsyncFsyncWhenWaitedOn { get; init; } = true;

    /// <summary>A new segment starts when the next commit would make the current one larger than this (default 1 GiB).</summary>
    public long MaxSegmentSize { get; init; } = 1L << 30;

    /// <summary>
    /// The log writes zeros this far ahead of its commits (and fsyncs them once), so a commit overwrites
    /// space that already exists and is synced with fdatasync: no block allocation or file size to
    /// journal per commit. Default 4 MiB; 0 appends to a growing file and fsyncs it. Recovery reads an
    /// all-zero tail as unwritten space, and a clean close cuts it off.
    /// </summary>
    public long LogPreallocation { get; init; } = 4L << 20;

    /// <summary>Commits that may wait for the log before <see cref="Transaction.Commit(Changesets.TransactionCall?)"/> blocks (default 16,384).</summary>
    public int MaxQueuedCommits { get; init; } = 16_384;

    /// <summary>Take a snapshot every this many transactions (0: only when asked). Default 1,000,000.</summary>
    public ulong SnapshotInterval { get; init; } = 1_000_000;

    /// <summary>How many snapshots to keep (older ones are deleted after a new one is written). Default 2.</summary>
    public int SnapshotsToKeep { get; init; } = 2;

    /// <summary>
    /// Repair mode: when recovery finds corruption that is not a torn tail, cut the log there
    /// (dropping everything after it, which is reported) instead of refusing to start. Off by default;
    /// for an operator who has read the error and chosen to lose the suffix.
    /// </summary>
    public bool TruncateCorruptLog { get; init; }

    /// <summary>Clock for commit times.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>
    /// A layer over the local commit log (it receives the local log and returns what the datastore
    /// appends to): for example a log that also ships each commit to replicas and reports an offset
    /// durable only once they have it. Null uses the local log alone.
    /// </summary>
    public Func<IDurableLog, IDurableLog>? DurableLog { get; init; }

    /// <summary>Creates the meter of the commit log's instruments (fsync latency, bytes written); null gives the log a meter of its own.</summary>
    public IMeterFactory? MeterFactory { get; init; }

    /// <summary>The name the datastore's instruments are tagged with (the database's name).</summary>
    public string? Name { get; init; }
}
