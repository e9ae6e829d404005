using System.Diagnostics;
using System.Diagnostics.Metrics;
using Meridian.Sats.Bsatn;
using Meridian.Storage.Changesets;
using Meridian.Storage.Devices;

namespace Meridian.Storage.Log;

/// <summary>
/// The append side of the commit log. <see cref="Append"/> queues a changeset (blocking when the
/// bounded queue is full, which pushes back on the writer); one durability thread drains the queue,
/// encodes and writes each transaction as its own commit, fsyncs (once per drained batch in
/// <see cref="DurabilityMode.Sync"/>, periodically in <see cref="DurabilityMode.Async"/>) and then
/// publishes the durable offset. In async mode a durability waiter (a confirmed read) makes the
/// next fsync happen at once instead of at the end of the interval. A failed write or fsync is fatal: the log refuses further appends
/// and every waiter gets the error. In sync mode a thread that waits with <see cref="WaitForDurable"/> writes and fdatasyncs
/// the queue itself (after the durability thread's batch, if one is being written), saving the two thread wake-ups per commit.
/// </summary>
/// <remarks>
/// Waking the durability thread: in async mode the first commit queued while the thread sleeps wakes it (it writes at
/// once and fsyncs on its interval), as before. In sync mode the committer usually writes its commit itself, so a commit
/// does not wake the thread while commits flow: the thread looks at the queue every <see cref="HandoffDelay"/> and takes
/// commits that have waited that long; a waiter (<see cref="WaitForDurableAsync"/>, <see cref="OnDurable"/>,
/// <see cref="Flush"/>), a queue of <see cref="WakeAtQueued"/> commits and the first commit after
/// <see cref="ActiveSpan"/> without any wake it at once. (Storage6 polled in async mode too; that cut the in-process
/// transfer by a third on an idle machine, see docs/dev/storage.md.) The wake-up is a semaphore released after the queue
/// lock is left, and only when the thread sleeps, so the woken thread does not contend for the lock its waker holds.
/// </remarks>
internal sealed class CommitLog : IDurableLog
{
    private readonly IStorageDevice _device;
    private readonly DurabilityMode _mode;
    private readonly TimeSpan _syncInterval;
    private readonly bool _fsyncWhenWaitedOn;
    private readonly long _maxSegmentSize;
    private readonly int _capacity;
    private readonly int _wakeAtQueued; // WakeAtQueued, or the capacity when smaller
    /// <summary>Sync mode: how long a queued commit is left for its committer to write before the durability thread takes it.</summary>
    internal static readonly TimeSpan HandoffDelay = TimeSpan.FromMilliseconds(1);

    /// <summary>Sync mode: the durability thread keeps looking at the queue this long after the last commit, then sleeps until woken.</summary>
    internal static readonly TimeSpan ActiveSpan = TimeSpan.FromMilliseconds(50);

    /// <summary>Sync mode: a queue this long wakes the durability thread at once.</summary>
    internal const int WakeAtQueued = 256;

    private readonly object _queueLock = new();
    private readonly object _ioLock = new(); // the segment and its writer state; taken before _queueLock, never after
    private readonly Queue<Changeset> _queue = new();
    private readonly SemaphoreSlim _wake = new(0); // released (outside _queueLock) to wake a sleeping durability thread
    private Sleep _sleep; // how the durability thread sleeps (under _queueLock)
    private long _queuedSince; // sync mode: Stopwatch timestamp at which the queue last became non-empty (under _queueLock)
    private long _lastAppend; // sync mode: Stopwatch timestamp of the latest append (under _queueLock)
    private int _blockedAppends; // appenders waiting for room in a full queue (under _queueLock)
    private readonly object _durableLock = new();
    private readonly PriorityQueue<Waiter, ulong> _waiters = new();
    private int _urgentWaiters; // waiters that hurry the fsync (under _durableLock)
    private long _lastUrgentWait; // Stopwatch timestamp of the latest such wait
    private readonly TimeSpan _urgentWindow;
    private readonly Thread _thread;
    private readonly List<Changeset> _callerBatch = []; // under _ioLock
    private readonly BsatnWriter _encoder = new(64 * 1024);
    private readonly BsatnWriter _output = new(128 * 1024);
    private readonly byte[] _header = new byte[LogFormat.CommitHeaderSize];
    private IStorageFile? _segment;
    private long _segmentLength; // where the next commit goes
    private long _zeroedEnd; // the segment's bytes up to here exist and are synced (zeros past _segmentLength)
    private readonly long _preallocation;
    private static readonly byte[] Zeros = new byte[64 * 1024];
    private ulong _segmentCommits;
    private long _durable; // -1 until something is durable
    private ulong _appended; // offset + 1 of the last appended commit
    private bool _closing;
    private volatile bool _zeroAheadWanted; // a caller-syncer left the next preallocation to the durability thread
    private volatile bool _syncWanted; // async mode: someone waits for durability, so fsync without waiting for the interval
    private volatile Exception? _failure;
    private readonly Histogram<double> _fsyncDuration;
    private readonly Counter<long> _bytesWritten;
    private readonly KeyValuePair<string, object?> _tag;

    /// <param name="device">Where segments live.</param>
    /// <param name="options">Sizes and sync policy.</param>
    /// <param name="nextOffset">Offset the next commit will carry.</param>
    /// <param name="openSegment">Name of the last segment to keep appending to (already validated and cut), or null to start a new one.</param>
    public CommitLog(IStorageDevice device, DatastoreOptions options, ulong nextOffset, string? openSegment)
    {
        _device = device;
        _mode = options.Durability;
        _syncInterval = options.AsyncSyncInterval;
        _fsyncWhenWaitedOn = options.AsyncFsyncWhenWaitedOn;
        _urgentWindow = options.AsyncSyncInterval < TimeSpan.FromMilliseconds(10) ? options.AsyncSyncInterval : TimeSpan.FromMilliseconds(10);
        _maxSegmentSize = options.MaxSegmentSize;
        _preallocation = Math.Max(0, options.LogPreallocation);
        _capacity = options.MaxQueuedCommits;
        _wakeAtQueued = Math.Min(WakeAtQueued, _capacity);
        _durable = nextOffset == 0 ? -1 : (long)nextOffset - 1;
        var meter = options.MeterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _fsyncDuration = meter.CreateHistogram<double>("meridian.storage.fsync.duration", "s", "Time each fsync of the commit log took.");
        _bytesWritten = meter.CreateCounter<long>("meridian.storage.log.bytes", "By", "Bytes written to the commit log.");
        _tag = new KeyValuePair<string, object?>("database", options.Name);
        _appended = nextOffset;
        if (openSegment is not null)
        {
            _segment = device.Open(openSegment, create: false);
            _segmentLength = _segment.Length;
            _zeroedEnd = _segmentLength; // recovery cut any preallocated tail
            _segmentCommits = 1; // a kept segment is never rolled before it has a commit
        }
        _thread = new Thread(Run) { IsBackground = true, Name = "Meridian commit log" };
        _thread.Start();
    }

    /// <summary>The meter of the commit log's instruments.</summary>
    public const string MeterName = "Meridian.Storage";

    /// <summary>The error that stopped the log, if any.</summary>
    public Exception? Failure => _failure;

    /// <summary>Highest offset known durable, or null.</summary>
    public ulong? DurableOffset
    {
        get
        {
            var d = Interlocked.Read(ref _durable);
            return d < 0 ? null : (ulong)d;
        }
    }

    /// <summary>Queues a committed changeset; blocks while the queue is full.</summary>
    public void Append(Changeset changeset)
    {
        bool wake;
        lock (_queueLock)
        {
            while (_queue.Count >= _capacity && _failure is null && !_closing)
            {
                // The queue woke the durability thread when it reached _wakeAtQueued; it pulses when it takes the queue.
                _blockedAppends++;
                Monitor.Wait(_queueLock);
                _blockedAppends--;
            }
            ThrowIfFailed();
            ObjectDisposedException.ThrowIf(_closing, this);
            _queue.Enqueue(changeset);
            _appended = changeset.Offset!.Value + 1;
            if (_mode == DurabilityMode.Sync)
            {
                var now = Stopwatch.GetTimestamp();
                _lastAppend = now;
                if (_queue.Count == 1)
                    _queuedSince = now;
            }
            wake = WakeUnderLock(force: _queue.Count >= _wakeAtQueued);
        }
        if (wake)
            _wake.Release();
    }

    private enum Sleep
    {
        Awake,
        Waiting, // until woken (or an async fsync is due): the next commit wakes it
        Polling, // sync mode: looks at the queue again after a delay; commits do not wake it
    }

    /// <summary>
    /// Under <see cref="_queueLock"/>: claims the wake-up of a sleeping durability thread; the caller releases <see cref="_wake"/>
    /// after leaving the lock.
    /// </summary>
    private bool WakeUnderLock(bool force)
    {
        if (_sleep == Sleep.Awake || (_sleep == Sleep.Polling && !force))
            return false;
        _sleep = Sleep.Awake;
        return true;
    }

    private void WakeDurabilityThread()
    {
        bool wake;
        lock (_queueLock)
            wake = WakeUnderLock(force: true);
        if (wake)
            _wake.Release();
    }

    public void ThrowIfFailed()
    {
        if (_failure is { } failure)
            throw new DatastoreFailedException($"The commit log failed and accepts no more transactions: {failure.Message}", failure);
    }

    /// <summary>
    /// Completes when <paramref name="offset"/> is durable; faults if the log fails first. In async mode the wait makes the fsync
    /// happen at once.
    /// </summary>
    public Task WaitForDurableAsync(ulong offset, CancellationToken cancellationToken = default) => Wait(offset, urgent: true, cancellationToken);

    /// <summary>Like <see cref="WaitForDurableAsync"/> but only observes: the fsync keeps its own pace.</summary>
    public Task WhenDurableAsync(ulong offset, CancellationToken cancellationToken = default) => Wait(offset, urgent: false, cancellationToken);

    /// <summary>
    /// Runs <paramref name="callback"/>(<paramref name="state"/>, failure) once <paramref name="offset"/> is durable, on the thread
    /// that made it durable, after the log's locks are released; hurries an async fsync as <see cref="WaitForDurableAsync"/> does.
    /// Returns false, registering nothing, when the offset is already durable.
    /// </summary>
    /// <exception cref="DatastoreFailedException">The log has already failed.</exception>
    public bool OnDurable(ulong offset, Action<object?, Exception?> callback, object? state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (!Register(offset, new Waiter(null, callback, state, Urgent: true), out var failure))
            return false;
        if (failure is not null)
            throw failure;
        return true;
    }

    private Task Wait(ulong offset, bool urgent, CancellationToken cancellationToken)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!Register(offset, new Waiter(tcs, null, null, urgent), out var failure))
            return Task.CompletedTask;
        if (failure is not null)
            return Task.FromException(failure);
        return cancellationToken.CanBeCanceled ? tcs.Task.WaitAsync(cancellationToken) : tcs.Task;
    }

    /// <summary>
    /// Queues <paramref name="waiter"/> for <paramref name="offset"/>; false when the offset is durable already, failure when the log failed.
    /// </summary>
    private bool Register(ulong offset, Waiter waiter, out DatastoreFailedException? failure)
    {
        failure = null;
        bool urgent;
        lock (_durableLock)
        {
            if (_durable >= 0 && (ulong)_durable >= offset)
                return false;
            if (_failure is { } failed)
            {
                failure = new DatastoreFailedException($"The commit log failed before offset {offset} became durable: {failed.Message}", failed);
                return true;
            }
            // A confirmed read is waiting: the periodic fsync (async) or the handoff delay (sync) would only
            // delay it, so async mode is never slower than sync mode. Counted and cleared under this lock
            // (see PublishDurable), so the flag is true exactly while such a waiter waits.
            urgent = waiter.Urgent && (_mode == DurabilityMode.Sync || _fsyncWhenWaitedOn);
            _waiters.Enqueue(waiter with { Urgent = urgent }, offset);
            if (urgent)
            {
                _urgentWaiters++;
                _syncWanted = true;
                Volatile.Write(ref _lastUrgentWait, Stopwatch.GetTimestamp());
            }
        }
        if (urgent)
            WakeDurabilityThread();
        return true;
    }

    /// <summary>
    /// Blocks until <paramref name="offset"/> is durable; throws <see cref="DatastoreFailedException"/> if the log fails first.
    /// In sync mode the calling thread writes and fdatasyncs what is queued itself (the same fdatasync the durability thread
    /// would do, without waking it and being woken by it). If another thread is writing, it waits for that thread's batch and
    /// then writes what is still queued (group commit: one thread writes for every commit queued meanwhile).
    /// </summary>
    public void WaitForDurable(ulong offset)
    {
        if (_mode == DurabilityMode.Sync && !IsDurable(offset) && _failure is null)
        {
            List<Waiter>? callbacks = null;
            Exception? error = null;
            lock (_ioLock)
            {
                try
                {
                    // Whoever held the lock before may have written this offset already.
                    if (!IsDurable(offset))
                        WriteQueuedAndSync(ref callbacks);
                }
                catch (Exception e)
                {
                    error = e;
                }
            }
            if (error is not null)
                Fail(error);
            RunCallbacks(callbacks);
        }
        WaitForDurableAsync(offset).GetAwaiter().GetResult();
    }

    private bool IsDurable(ulong offset)
    {
        var d = Interlocked.Read(ref _durable);
        return d >= 0 && (ulong)d >= offset;
    }

    /// <summary>Under <see cref="_ioLock"/>: writes every queued commit, fdatasyncs and publishes (sync mode's caller path).</summary>
    private void WriteQueuedAndSync(ref List<Waiter>? callbacks)
    {
        var batch = _callerBatch;
        batch.Clear();
        lock (_queueLock)
        {
            if (_closing || _failure is not null)
                return; // the durability thread drains on close; a failed log takes nothing
            while (_queue.Count > 0)
                batch.Add(_queue.Dequeue());
            if (batch.Count > 0 && _blockedAppends > 0)
                Monitor.PulseAll(_queueLock);
        }
        if (batch.Count == 0)
            return;
        WriteBatch(batch);
        SyncAndPublish(batch[^1].Offset!.Value, ref callbacks, zeroAhead: false);
        batch.Clear();
        if (ZeroAheadDue)
        {
            // Zeroing the next stretch (megabytes and a full fsync) is the durability thread's job: this committer's
            // transaction is durable and it returns now, not after that fsync.
            _zeroAheadWanted = true;
            WakeDurabilityThread();
        }
    }

    private bool ZeroAheadDue => _preallocation > 0 && _segment is not null && _zeroedEnd - _segmentLength < _preallocation / 2;

    /// <summary>Under <see cref="_ioLock"/>: fdatasyncs what was written, publishes it durable, zeroes ahead if due; returns when the sync ended.</summary>
    private long SyncAndPublish(ulong lastWritten, ref List<Waiter>? callbacks, bool zeroAhead = true)
    {
        var started = Stopwatch.GetTimestamp();
        // Commits overwrite preallocated, synced zeros, so only data needs flushing; writes past
        // the preallocation (or without one) grow the file, which fdatasync also makes durable.
        _segment!.SyncData();
        var synced = Stopwatch.GetTimestamp();
        _fsyncDuration.Record(Stopwatch.GetElapsedTime(started, synced).TotalSeconds, _tag);
        PublishDurable(lastWritten, ref callbacks);
        // Zero the next stretch now, between commits, rather than in the middle of one.
        if (zeroAhead && ZeroAheadDue)
            Preallocate(_segmentLength);
        return synced;
    }

    /// <summary>Waits until everything appended so far is durable (or the log failed).</summary>
    public void Flush()
    {
        ulong target;
        lock (_queueLock)
            target = _appended;
        if (target == 0)
            return;
        WaitForDurableAsync(target - 1).GetAwaiter().GetResult();
    }

    private void Run()
    {
        var batch = new List<Changeset>();
        List<Waiter>? callbacks = null;
        var unsynced = false;
        var lastSync = Stopwatch.GetTimestamp();
        ulong lastWritten = 0;
        try
        {
            while (true)
            {
                batch.Clear();
                WaitForWork(unsynced, lastSync);

                // The queue is taken under the I/O lock, so a sync-mode waiter writing on its own thread
                // (WaitForDurable) and this thread never write commits out of order.
                lock (_ioLock)
                {
                    lock (_queueLock)
                    {
                        while (_queue.Count > 0)
                            batch.Add(_queue.Dequeue());
                        if (batch.Count > 0 && _blockedAppends > 0)
                            Monitor.PulseAll(_queueLock);
                        else if (batch.Count == 0 && _closing && !unsynced)
                            return;
                    }

                    if (batch.Count > 0)
                    {
                        WriteBatch(batch);
                        lastWritten = batch[^1].Offset!.Value;
                        unsynced = true;
                    }
                    // A confirmed read waited moments ago: its next commit's waiter is probably on its way, so
                    // fsync now rather than sleep until it arrives (one wake-up less per transaction).
                    var waitedRecently = _fsyncWhenWaitedOn && Stopwatch.GetElapsedTime(Volatile.Read(ref _lastUrgentWait)) < _urgentWindow;
                    if (unsynced
                        && (_mode == DurabilityMode.Sync || _closing || _syncWanted || waitedRecently || Stopwatch.GetElapsedTime(lastSync) >= _syncInterval))
                    {
                        lastSync = SyncAndPublish(lastWritten, ref callbacks);
                        unsynced = false;
                    }
                    else if (_zeroAheadWanted && !unsynced && ZeroAheadDue)
                    {
                        Preallocate(_segmentLength); // left by a committer that synced on its own thread
                    }
                    _zeroAheadWanted = false;
                }
                RunCallbacks(callbacks);
            }
        }
        catch (Exception e)
        {
            Fail(e);
        }
    }

    /// <summary>
    /// Returns when the durability thread has something to do: queued commits (in sync mode once they have waited
    /// <see cref="HandoffDelay"/>, or at once when someone waits or the queue is long), an async fsync that is due, or closing.
    /// </summary>
    private void WaitForWork(bool unsynced, long lastSync)
    {
        while (true)
        {
            int timeout; // milliseconds, or Timeout.Infinite
            lock (_queueLock)
            {
                _sleep = Sleep.Awake;
                if (_closing || _zeroAheadWanted)
                    return;
                var hurried = _syncWanted;
                var sleep = Sleep.Waiting;
                if (_queue.Count > 0)
                {
                    if (_mode != DurabilityMode.Sync || hurried || _queue.Count >= _wakeAtQueued)
                        return;
                    // In sync mode the committer usually writes its commit itself within the delay (WaitForDurable).
                    var left = HandoffDelay - Stopwatch.GetElapsedTime(_queuedSince);
                    if (left <= TimeSpan.Zero)
                        return;
                    timeout = CeilingMilliseconds(left);
                    sleep = Sleep.Polling;
                }
                else if (unsynced)
                {
                    if (hurried)
                        return;
                    var wait = _syncInterval - Stopwatch.GetElapsedTime(lastSync);
                    if (wait <= TimeSpan.Zero)
                        return;
                    timeout = CeilingMilliseconds(wait); // a commit wakes it (async mode), so it is written at once
                }
                else if (_mode == DurabilityMode.Sync && Stopwatch.GetElapsedTime(_lastAppend) < ActiveSpan)
                {
                    timeout = CeilingMilliseconds(HandoffDelay);
                    sleep = Sleep.Polling;
                }
                else
                {
                    timeout = Timeout.Infinite;
                }
                _sleep = sleep;
            }
            _wake.Wait(timeout);
        }
    }

    private static int CeilingMilliseconds(TimeSpan span) => (int)Math.Ceiling(span.TotalMilliseconds);

    private void WriteBatch(List<Changeset> batch)
    {
        var output = _output;
        output.Reset();
        foreach (var cs in batch)
        {
            var record = _encoder;
            record.Reset();
            TxRecordCodec.Write(record, cs);
            var frameLength = LogFormat.CommitOverhead + record.Length;
            if (_segment is null || (_segmentCommits > 0 && _segmentLength + output.Length + frameLength > _maxSegmentSize))
            {
                // Seal the current segment with what precedes this commit, then start a new one named by its offset.
                WriteOut(output);
                output.Reset();
                RollSegment(cs.Offset!.Value);
            }
            LogFormat.WriteCommitHeader(_header, cs.Offset!.Value, record.Length);
            var crc = ~Crc32C.Update(Crc32C.Update(0xFFFF_FFFFu, _header), record.WrittenSpan);
            output.WriteRaw(_header);
            output.WriteRaw(record.WrittenSpan);
            output.WriteU32(crc);
            _segmentCommits++;
            if (output.Length >= 1 << 20)
            {
                WriteOut(output);
                output.Reset();
            }
        }
        WriteOut(output);
    }

    private void WriteOut(BsatnWriter buffer)
    {
        if (buffer.Length == 0)
            return;
        if (_preallocation > 0 && _segmentLength + buffer.Length > _zeroedEnd)
            Preallocate(_segmentLength + buffer.Length);
        _segment!.Write(_segmentLength, buffer.WrittenSpan);
        _segmentLength += buffer.Length;
        _bytesWritten.Add(buffer.Length, _tag);
    }

    /// <summary>
    /// Writes zeros from the synced end to <paramref name="needed"/> plus the preallocation (no further than
    /// the segment may grow, unless one commit needs more) and fsyncs them with the file's new size.
    /// </summary>
    private void Preallocate(long needed)
    {
        var end = Math.Max(needed, Math.Min(needed + _preallocation, _maxSegmentSize));
        if (end <= _zeroedEnd)
            return;
        var position = Math.Max(_zeroedEnd, _segmentLength);
        while (position < end)
        {
            var n = (int)Math.Min(Zeros.Length, end - position);
            _segment!.Write(position, Zeros.AsSpan(0, n));
            position += n;
        }
        _segment!.Sync();
        _zeroedEnd = end;
    }

    /// <summary>Cuts the unwritten preallocated zeros off the segment, so a sealed segment ends at its last commit.</summary>
    private void TrimPreallocation()
    {
        if (_segment is not null && _zeroedEnd > _segmentLength)
        {
            _segment.SetLength(_segmentLength);
            _zeroedEnd = _segmentLength;
        }
    }

    private void RollSegment(ulong firstOffset)
    {
        if (_segment is not null)
        {
            TrimPreallocation();
            _segment.Sync();
            _segment.Dispose();
        }
        var name = LogFormat.SegmentName(firstOffset);
        _segment = _device.Open(name, create: true);
        _segment.SetLength(0);
        Span<byte> header = stackalloc byte[LogFormat.HeaderSize];
        LogFormat.WriteHeader(header);
        _segment.Write(0, header);
        _segmentLength = LogFormat.HeaderSize;
        _zeroedEnd = 0; // the header is not synced yet: the first preallocation syncs it
        _segmentCommits = 0;
        _device.SyncDirectory();
    }

    /// <summary>A wait for an offset: a task to complete, or a callback to run (<see cref="OnDurable"/>).</summary>
    private readonly record struct Waiter(TaskCompletionSource? Tcs, Action<object?, Exception?>? Callback, object? State, bool Urgent)
    {
        public void Fail(Exception error)
        {
            if (Tcs is not null)
                Tcs.TrySetException(error);
            else
                Invoke(error);
        }

        public void Invoke(Exception? error)
        {
            try
            {
                Callback!(State, error);
            }
#pragma warning disable CA1031 // a callback runs on the log's thread: its bug must not stop the log or the other callbacks
            catch (Exception)
#pragma warning restore CA1031
            {
                // Dropped, as documented on OnDurable.
            }
        }
    }

    /// <summary>
    /// Under <see cref="_ioLock"/>: publishes <paramref name="offset"/> durable, completes its tasks and hands its callbacks back
    /// to run after the lock.
    /// </summary>
    private void PublishDurable(ulong offset, ref List<Waiter>? callbacks)
    {
        List<TaskCompletionSource>? ready = null;
        lock (_durableLock)
        {
            Interlocked.Exchange(ref _durable, (long)offset);
            while (_waiters.TryPeek(out var waiter, out var wanted) && wanted <= offset)
            {
                _waiters.Dequeue();
                if (waiter.Urgent)
                    _urgentWaiters--;
                if (waiter.Tcs is { } tcs)
                    (ready ??= []).Add(tcs);
                else
                    (callbacks ??= []).Add(waiter);
            }
            _syncWanted = _urgentWaiters > 0;
        }
        if (ready is not null)
        {
            // Continuations run asynchronously (RunContinuationsAsynchronously): nothing runs under the I/O lock.
            foreach (var tcs in ready)
                tcs.TrySetResult();
        }
    }

    /// <summary>Runs callbacks whose offset became durable (outside every lock of the log) and empties the list.</summary>
    private static void RunCallbacks(List<Waiter>? callbacks)
    {
        if (callbacks is null || callbacks.Count == 0)
            return;
        foreach (var waiter in callbacks)
            waiter.Invoke(null);
        callbacks.Clear();
    }

    private void Fail(Exception e)
    {
        List<Waiter> waiters = [];
        lock (_durableLock)
        {
            _failure = e;
            while (_waiters.TryDequeue(out var waiter, out _))
                waiters.Add(waiter);
            _urgentWaiters = 0;
            _syncWanted = false;
        }
        lock (_queueLock)
        {
            _queue.Clear();
            Monitor.PulseAll(_queueLock);
        }
        foreach (var waiter in waiters)
            waiter.Fail(new DatastoreFailedException($"The commit log failed: {e.Message}", e));
    }

    /// <summary>Drains the queue, syncs, and stops the durability thread.</summary>
    public void Dispose()
    {
        lock (_queueLock)
        {
            _closing = true;
            Monitor.PulseAll(_queueLock);
        }
        WakeDurabilityThread();
        _thread.Join();
        lock (_ioLock) // a sync-mode waiter may still be writing on its own thread
        {
            try
            {
                if (_failure is null && _segment is not null && _zeroedEnd > _segmentLength)
                {
                    // A clean close leaves the segment ending at its last commit (else recovery cuts the zeros).
                    TrimPreallocation();
                    _segment.Sync();
                }
            }
            catch (IOException)
            {
                // The device failed while closing; everything before was synced, and recovery reads the zeros as free space.
            }
            try
            {
                _segment?.Dispose();
            }
            catch (IOException)
            {
                // The device already failed; the failure is recorded.
            }
        }
        List<(Waiter Waiter, ulong Offset)> left = [];
        lock (_durableLock)
        {
            while (_waiters.TryDequeue(out var waiter, out var offset))
                left.Add((waiter, offset));
        }
        foreach (var (waiter, offset) in left)
            waiter.Fail(new DatastoreFailedException(
                $"The datastore closed before offset {offset} became durable.", new ObjectDisposedException(nameof(CommitLog))));
        // _wake is not disposed: a late waiter's wake-up may still release it (it holds no handle unless one is asked for).
    }
}
