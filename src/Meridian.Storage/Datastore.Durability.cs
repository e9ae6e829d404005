using Meridian.Storage.Changesets;
using Meridian.Storage.Devices;
using Meridian.Storage.History;
using Meridian.Storage.Log;
using Meridian.Storage.Snapshots;

namespace Meridian.Storage;

public sealed partial class Datastore
{
    private DatastoreOptions? _options;
    private IDurableLog? _log;
    private ulong _lastSnapshotOffset;
    private int _snapshotRunning;
    private Task? _snapshotTask;

    /// <summary>True when commits go to a commit log.</summary>
    public bool IsDurable => _log is not null;

    /// <summary>
    /// Highest offset known durable (fsynced), or null when none is. For an in-memory datastore this is
    /// the last committed offset: nothing is durable, and nothing will become more durable by waiting.
    /// </summary>
    public ulong? DurableOffset => _log is not null ? _log.DurableOffset : Committed.LastOffset;

    /// <summary>The error that stopped the commit log, if any.</summary>
    public Exception? Failure => _log?.Failure;

    /// <summary>The last automatic snapshot's error, if it failed (snapshots failing never stop commits).</summary>
    public Exception? SnapshotFailure { get; private set; }

    /// <summary>
    /// Completes once <paramref name="offset"/> is durable; faults with <see cref="DatastoreFailedException"/> if the log fails first.
    /// For callers that hold an answer back until then (confirmed reads): with async durability the wait makes the fsync happen at once.
    /// </summary>
    public Task WaitForDurableAsync(ulong offset, CancellationToken cancellationToken = default) =>
        _log?.WaitForDurableAsync(offset, cancellationToken) ?? Task.CompletedTask;

    /// <summary>
    /// Blocks until <paramref name="offset"/> is durable. For a thread that would only block on <see cref="WaitForDurableAsync"/>:
    /// in sync mode it may write and fdatasync the queued commits itself rather than wake the log's thread and wait to be woken.
    /// </summary>
    /// <exception cref="DatastoreFailedException">The commit log failed first.</exception>
    public void WaitForDurable(ulong offset) => _log?.WaitForDurable(offset);

    /// <summary>
    /// Registers <paramref name="callback"/>(<paramref name="state"/>, failure) to run once <paramref name="offset"/> is durable
    /// (failure null), or with a <see cref="DatastoreFailedException"/> if the log fails or the datastore closes first: a
    /// waiter without a task, for a caller that keeps one wait for many clients (the server's confirmed reads). Like
    /// <see cref="WaitForDurableAsync"/> it makes an async fsync happen at once.
    /// </summary>
    /// <remarks>
    /// The callback runs once, on the thread that made the offset durable (the log's durability thread, or in sync mode a
    /// thread syncing in <see cref="WaitForDurable"/>), after the log's locks are released: keep it short and never block
    /// in it (queue real work to the thread pool). It may register again. An exception it throws is dropped.
    /// </remarks>
    /// <returns>False when the offset is already durable (always for an in-memory datastore): nothing is registered and
    /// the callback is not called. True when it will be called.</returns>
    /// <exception cref="DatastoreFailedException">The commit log has already failed; nothing is registered.</exception>
    public bool OnDurable(ulong offset, Action<object?, Exception?> callback, object? state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return _log is not null && _log.OnDurable(offset, callback, state);
    }

    /// <summary>Completes once <paramref name="offset"/> is durable, without hurrying an async fsync (for observers).</summary>
    public Task WhenDurableAsync(ulong offset, CancellationToken cancellationToken = default) =>
        _log?.WhenDurableAsync(offset, cancellationToken) ?? Task.CompletedTask;

    /// <summary>Blocks until every transaction committed so far is durable.</summary>
    public void Flush() => _log?.Flush();

    /// <summary>
    /// Writes a snapshot of the latest committed version now (on the calling thread; the writer is not
    /// blocked) and prunes old snapshots. Returns the snapshot's file name.
    /// </summary>
    public string TakeSnapshot()
    {
        var options = _options ?? throw new InvalidOperationException("An in-memory datastore has nowhere to write snapshots.");
        var state = _state;
        var name = SnapshotWriter.Write(options.Device, state);
        _lastSnapshotOffset = Math.Max(_lastSnapshotOffset, state.NextOffset - 1);
        PruneSnapshots(options);
        return name;
    }

    /// <summary>
    /// Online backup: writes a snapshot of the latest committed version to <paramref name="target"/>
    /// (an empty device) without pausing the writer. <see cref="Open"/> on that device restores the
    /// datastore as of the returned offset, and new commits continue after it.
    /// </summary>
    /// <returns>The offset of the last transaction in the backup.</returns>
    public ulong BackupTo(IStorageDevice target)
    {
        var state = _state;
        if (state.NextOffset == 0)
            throw new InvalidOperationException("Nothing has been committed, so there is nothing to back up.");
        if (target.ListFiles().Count > 0)
            throw new InvalidOperationException("The backup target must be empty.");
        SnapshotWriter.Write(target, state);
        return state.NextOffset - 1;
    }

    /// <summary>
    /// Stores a snapshot read from <paramref name="snapshot"/> (as <see cref="CommittedState.WriteSnapshot"/>
    /// wrote it) on the empty device <paramref name="target"/> after checking all of it (checksum,
    /// format, every table and row), so that <see cref="Open"/> on that device restores that version.
    /// </summary>
    /// <returns>The version the snapshot holds (its <see cref="CommittedState.LastOffset"/> is the snapshot's offset).</returns>
    /// <exception cref="StorageCorruptionException">The snapshot is damaged or incomplete; the device is left empty.</exception>
    /// <exception cref="InvalidOperationException">The device is not empty.</exception>
    public static CommittedState ImportSnapshot(IStorageDevice target, Stream snapshot)
    {
        if (target.ListFiles().Count > 0)
            throw new InvalidOperationException("The snapshot's target must be empty.");
        const string incoming = "incoming" + SnapshotFormat.TempSuffix;
        string? name = null;
        try
        {
            Span<byte> header = stackalloc byte[SnapshotFormat.HeaderSize];
            using (var file = target.Open(incoming, create: true))
            {
                var buffer = new byte[1 << 20];
                long position = 0;
                int read;
                while ((read = snapshot.Read(buffer)) > 0)
                {
                    file.Write(position, buffer.AsSpan(0, read));
                    position += read;
                }
                if (position < SnapshotFormat.HeaderSize + SnapshotFormat.TrailerSize)
                    throw new StorageCorruptionException("snapshot", 0, $"it is {position} bytes, too short for a snapshot");
                file.Read(0, header);
                file.Sync();
            }
            if (!header[..8].SequenceEqual(SnapshotFormat.Magic))
                throw new StorageCorruptionException("snapshot", 0, "bad magic (not a Meridian snapshot)");
            var offset = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(header[12..]);
            name = SnapshotFormat.Name(offset);
            target.Rename(incoming, name);
            var state = SnapshotReader.Load(target, name, out _);
            target.SyncDirectory();
            return new CommittedState(state);
        }
        catch
        {
            target.Delete(incoming);
            if (name is not null)
                target.Delete(name);
            throw;
        }
    }

    /// <summary>
    /// A reader of this datastore's commit log and snapshots (transactions, and the state as of any
    /// offset), or null for an in-memory datastore, which keeps no history.
    /// </summary>
    public HistoryReader? History => _options is { } options ? new HistoryReader(options.Device, options.MaxSegmentSize) : null;

    private static void PruneSnapshots(DatastoreOptions options)
    {
        var existing = options.Device.ListFiles()
            .Where(n => SnapshotFormat.TryParseName(n, out _))
            .OrderByDescending(n => n, StringComparer.Ordinal)
            .Skip(Math.Max(1, options.SnapshotsToKeep))
            .ToList();
        foreach (var name in existing)
            options.Device.Delete(name);
        if (existing.Count > 0)
            options.Device.SyncDirectory();
    }

    private void ThrowIfFailed() => _log?.ThrowIfFailed();

    private void AppendToLog(Changeset changeset) => _log?.Append(changeset);

    private void AfterPublish(Changeset changeset)
    {
        if (_options is not { SnapshotInterval: > 0 } options || changeset.Offset is not ulong offset)
            return;
        if (offset - _lastSnapshotOffset < options.SnapshotInterval || Interlocked.CompareExchange(ref _snapshotRunning, 1, 0) != 0)
            return;
        _lastSnapshotOffset = offset;
        _snapshotTask = StartSnapshot(options, _state);
    }

    // Apart from AfterPublish, which runs on every commit: a lambda there would allocate its closure at every entry.
    private Task StartSnapshot(DatastoreOptions options, Tables.DbState state) => Task.Run(() =>
    {
        try
        {
            SnapshotWriter.Write(options.Device, state);
            PruneSnapshots(options);
        }
        catch (Exception e)
        {
            SnapshotFailure = e;
        }
        finally
        {
            Volatile.Write(ref _snapshotRunning, 0);
        }
    });

    private void DisposeDurability()
    {
        try
        {
            _snapshotTask?.Wait();
        }
        catch (AggregateException)
        {
            // Recorded in SnapshotFailure.
        }
        _log?.Dispose();
    }
}
