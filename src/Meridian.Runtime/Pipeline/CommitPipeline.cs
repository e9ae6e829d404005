using Meridian.Storage;

namespace Meridian.Runtime.Pipeline;

/// <summary>
/// Carries commits from the writer to ordered observers (<see cref="ICommitObserver"/>), so nothing after
/// a commit runs under the writer. Work that must happen at a point in the commit order without being a
/// commit (adding a subscription, dropping a client) is posted into the same queue. Durability is not the
/// pipeline's business: who needs a durable offset (confirmed reads) waits for it through the database.
/// </summary>
/// <remarks>
/// Like the writer, the pipeline has no thread of its own: a drain loop on the thread pool runs the queue
/// back to back once it goes from idle to busy, or a reducer call that ran inline on its caller's thread
/// (<see cref="Writing.DatabaseWriter.TryRunInline"/>) reserves the idle pipeline when it hands over its
/// commit and, once it has released the writer, delivers that commit itself (<see cref="DrainReserved"/>):
/// an uncontended call then reaches its observers and its caller without a thread hop.
/// </remarks>
internal sealed class CommitPipeline : IAsyncDisposable
{
    private readonly Lock _gate = new(); // cheaper than an object's monitor, and every call takes it twice
    private readonly Queue<Entry> _queue = new();
    private readonly ICommitObserver[] _observers;
    private readonly Action<Exception> _onObserverError;
    private bool _running;   // a drain loop or a reserving caller owns the queue (under _gate)
    private bool _closed;    // refuses new work (under _gate)
    private TaskCompletionSource? _stopped;
    private CommittedState _position;
    private Entry _reserved; // the reserving caller's entry (set under _gate, run by that caller in DrainReserved)

    /// <param name="start">The committed version before the first commit the pipeline will see.</param>
    /// <param name="observers">Observers, in the order they are told.</param>
    /// <param name="onObserverError">Told when an observer throws (the pipeline goes on with the next).</param>
    public CommitPipeline(CommittedState start, IReadOnlyList<ICommitObserver> observers, Action<Exception> onObserverError)
    {
        _position = start;
        _observers = [.. observers];
        _onObserverError = onObserverError;
    }

    /// <summary>
    /// Hands a commit to the observers. Called by the writer in commit order; returns at once. The task
    /// completes once every observer has seen the commit.
    /// </summary>
    public Task Publish(CommitRecord commit)
    {
        var done = new TaskDone();
        return EnqueueEntry(new Entry(commit, null, done), reserve: false) != EnqueueResult.Closed
            ? done.Task
            : Task.FromException(new DatabaseClosedException());
    }

    /// <summary>
    /// Runs <paramref name="action"/> on the pipeline between two commits, with the committed version the
    /// observers have reached; the task completes when it has run.
    /// </summary>
    public Task Post(Action<CommittedState> action)
    {
        var done = new TaskDone();
        return EnqueueEntry(new Entry(null, action, done), reserve: false) != EnqueueResult.Closed
            ? done.Task
            : Task.FromException(new DatabaseClosedException());
    }

    /// <summary>
    /// Hands a commit (or, with a null <paramref name="commit"/>, an action) to the pipeline in commit order and
    /// tells <paramref name="done"/> once it has been delivered. With <paramref name="reserve"/>, an idle pipeline
    /// is left for the caller, who must then call <see cref="DrainReserved"/> (result <see cref="EnqueueResult.Reserved"/>).
    /// </summary>
    public EnqueueResult Enqueue(CommitRecord? commit, Action<CommittedState>? action, IPipelineCompletion done, bool reserve) =>
        EnqueueEntry(new Entry(commit, action, done), reserve);

    private EnqueueResult EnqueueEntry(Entry entry, bool reserve)
    {
        lock (_gate)
        {
            if (_closed)
                return EnqueueResult.Closed;
            if (_running)
            {
                _queue.Enqueue(entry);
                return EnqueueResult.Queued;
            }
            _running = true;
            if (reserve)
            {
                // First in line on an idle pipeline: kept out of the queue for the reserving caller to run.
                _reserved = entry;
                return EnqueueResult.Reserved;
            }
            _queue.Enqueue(entry);
        }
        ThreadPool.UnsafeQueueUserWorkItem(static p => p.Drain(int.MaxValue), this, preferLocal: false);
        return EnqueueResult.Queued;
    }

    /// <summary>
    /// Delivers, on the calling thread, the reserving caller's own entry and what was queued behind it up to now,
    /// then hands anything newer to a drain loop. Call exactly once after <see cref="EnqueueResult.Reserved"/>, and
    /// not under the writer. Uncontended, that is one lock here and one in <see cref="Enqueue"/>.
    /// </summary>
    public void DrainReserved()
    {
        var entry = _reserved;
        _reserved = default;
        Run(entry);
        int count;
        lock (_gate)
        {
            count = _queue.Count;
            if (count == 0)
            {
                _running = false;
                _stopped?.TrySetResult();
                return;
            }
        }
        Drain(count);
    }

    // Runs up to `limit` entries, then goes idle or (entries left) passes the queue to a fresh drain loop.
    private void Drain(int limit)
    {
        for (var n = 0; ; n++)
        {
            Entry entry;
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    _running = false;
                    _stopped?.TrySetResult();
                    return;
                }
                if (n >= limit)
                    break;
                entry = _queue.Dequeue();
            }
            Run(entry);
        }
        ThreadPool.UnsafeQueueUserWorkItem(static p => p.Drain(int.MaxValue), this, preferLocal: false);
    }

    private void Run(Entry entry)
    {
        try
        {
            if (entry.Commit is { } commit)
                Deliver(commit);
            else
                entry.Action!(_position);
        }
        catch (Exception e)
        {
            entry.Done.Completed(e);
            return;
        }
        entry.Done.Completed(null);
    }

    private void Deliver(CommitRecord commit)
    {
        var before = _position;
        _position = commit.After;
        // An array and an index: no enumerator allocated per commit.
        for (var i = 0; i < _observers.Length; i++)
        {
            try
            {
                _observers[i].OnCommit(commit, before);
            }
            catch (Exception e)
            {
                _onObserverError(e);
            }
        }
    }

    /// <summary>Delivers what was queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? stopped = null;
        lock (_gate)
        {
            _closed = true;
            if (_running)
                stopped = (_stopped ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
        if (stopped is not null)
            await stopped.ConfigureAwait(false);
    }

    private readonly record struct Entry(CommitRecord? Commit, Action<CommittedState>? Action, IPipelineCompletion Done);

    // The completion behind Publish and Post: a task whose continuations run elsewhere, never on the pipeline.
    private sealed class TaskDone() : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), IPipelineCompletion
    {
        public void Completed(Exception? error)
        {
            if (error is null)
                TrySetResult();
            else
                TrySetException(error);
        }
    }
}

/// <summary>What <see cref="CommitPipeline.Enqueue"/> did.</summary>
internal enum EnqueueResult
{
    /// <summary>Queued; a drain loop delivers it.</summary>
    Queued,
    /// <summary>Queued on an idle pipeline that is now the caller's to drain (<see cref="CommitPipeline.DrainReserved"/>).</summary>
    Reserved,
    /// <summary>The pipeline is closed; nothing was queued.</summary>
    Closed,
}

/// <summary>Told once a pipeline entry has been delivered (with the action's exception, if it threw). Must not throw.</summary>
internal interface IPipelineCompletion
{
    /// <summary>The entry has been delivered.</summary>
    void Completed(Exception? error);
}
