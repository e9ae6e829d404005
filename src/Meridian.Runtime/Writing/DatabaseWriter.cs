namespace Meridian.Runtime.Writing;

/// <summary>
/// The one writer of a database: a queue of write work (reducer calls, lifecycle events, scheduled
/// reducers, DML, module updates) run one item at a time, in arrival order. Its order is the commit
/// order: work that commits hands its changeset to the commit pipeline before the next item starts, so
/// everything downstream sees commits in order without another lock. The storage transaction lock
/// underneath is never contended.
/// </summary>
/// <remarks>
/// <para>There is no dedicated thread. Whoever finds the writer idle with nothing queued may run its item
/// on its own thread (<see cref="TryRunInline"/>: a reducer call from a client); otherwise the item is
/// queued and a drain loop on the thread pool, started when the queue goes from idle to busy, runs what is
/// queued back to back until the queue is empty. So an uncontended call costs no thread hop at all, and
/// under load one wake-up serves many calls. Order holds either way: an item runs inline only when nothing
/// is queued and nothing is running, i.e. after everything submitted before it has finished.</para>
/// </remarks>
internal sealed class DatabaseWriter : IAsyncDisposable
{
    private readonly Lock _gate = new(); // cheaper than an object's monitor, and every call takes it twice
    private readonly Queue<IWriterWork> _queue = new();
    private bool _running;   // an inline run or the drain loop owns the writer (under _gate)
    private bool _closed;    // refuses new work (under _gate)
    private TaskCompletionSource? _stopped;

    /// <summary>Runs <paramref name="work"/> on the writer after everything queued before it; its exception, if any, is the task's.</summary>
    /// <exception cref="DatabaseClosedException">The database is closed.</exception>
    public Task<T> RunAsync<T>(Func<T> work)
    {
        var item = new FuncWork<T>(work);
        return Enqueue(item) ? item.Completion : Task.FromException<T>(new DatabaseClosedException());
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the calling thread when the writer is idle and nothing is queued, and
    /// returns <see cref="InlineResult.Ran"/> once it has run (the writer is released by then, and a drain loop
    /// started for whatever was queued meanwhile). Otherwise queues it like <see cref="Enqueue"/>.
    /// </summary>
    public InlineResult TryRunInline(IWriterWork work)
    {
        lock (_gate)
        {
            if (_closed)
                return InlineResult.Closed;
            if (_running || _queue.Count > 0)
            {
                _queue.Enqueue(work);
                return InlineResult.Queued;
            }
            _running = true;
        }
        try
        {
            work.Execute(inline: true);
        }
        finally
        {
            Release();
        }
        return InlineResult.Ran;
    }

    /// <summary>Queues <paramref name="work"/> behind everything submitted before it; false when the writer is closed.</summary>
    public bool Enqueue(IWriterWork work)
    {
        lock (_gate)
        {
            if (_closed)
                return false;
            _queue.Enqueue(work);
            if (_running)
                return true;
            _running = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(static w => w.Drain(), this, preferLocal: false);
        return true;
    }

    // After an inline run: hand what was queued meanwhile to a drain loop, or go idle.
    private void Release()
    {
        lock (_gate)
        {
            if (_queue.Count == 0)
            {
                _running = false;
                _stopped?.TrySetResult();
                return;
            }
        }
        ThreadPool.UnsafeQueueUserWorkItem(static w => w.Drain(), this, preferLocal: false);
    }

    private void Drain()
    {
        while (true)
        {
            IWriterWork work;
            lock (_gate)
            {
                if (!_queue.TryDequeue(out work!))
                {
                    _running = false;
                    _stopped?.TrySetResult();
                    return;
                }
            }
            work.Execute(inline: false);
        }
    }

    /// <summary>Stops taking work, finishes what was queued, then returns.</summary>
    public async ValueTask DisposeAsync()
    {
        Task stopped;
        lock (_gate)
        {
            _closed = true;
            if (!_running)
                return;
            _stopped ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            stopped = _stopped.Task;
        }
        await stopped.ConfigureAwait(false);
    }

    // Continuations run elsewhere, never on the writer.
    private sealed class FuncWork<T>(Func<T> work) : TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously), IWriterWork
    {
        public Task<T> Completion => Task;

        public void Execute(bool inline)
        {
            try
            {
                SetResult(work());
            }
            catch (Exception e)
            {
                SetException(e);
            }
        }
    }
}

/// <summary>One item of the writer's queue. <see cref="Execute"/> must not throw: it reports its own outcome.</summary>
internal interface IWriterWork
{
    /// <summary>
    /// Runs the item on the writer; <paramref name="inline"/> when it runs on the submitting caller's thread
    /// (<see cref="DatabaseWriter.TryRunInline"/>), false when a drain loop runs it.
    /// </summary>
    void Execute(bool inline);
}

/// <summary>What <see cref="DatabaseWriter.TryRunInline"/> did.</summary>
internal enum InlineResult
{
    /// <summary>It ran on the calling thread.</summary>
    Ran,
    /// <summary>The writer was busy: it was queued.</summary>
    Queued,
    /// <summary>The writer is closed: nothing was queued.</summary>
    Closed,
}
