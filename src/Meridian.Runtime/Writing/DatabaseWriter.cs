using System.Threading.Channels;

namespace Meridian.Runtime.Writing;

/// <summary>
/// The one writer of a database: a queue of write work (reducer calls, lifecycle events, scheduled
/// reducers, DML, module updates) run one item at a time, in arrival order, on one loop. Its order is
/// the commit order: work that commits hands its changeset to the commit pipeline before the next item
/// starts, so everything downstream sees commits in order without another lock. The storage
/// transaction lock underneath is never contended.
/// </summary>
internal sealed class DatabaseWriter : IAsyncDisposable
{
    private readonly Channel<WorkItem> _queue = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public DatabaseWriter() => _loop = Task.Run(RunAsync);

    /// <summary>Runs <paramref name="work"/> on the writer after everything queued before it; its exception, if any, is the task's.</summary>
    /// <exception cref="DatabaseClosedException">The database is closed.</exception>
    public Task<T> RunAsync<T>(Func<T> work)
    {
        var item = new WorkItem<T>(work);
        if (!_queue.Writer.TryWrite(item))
            return Task.FromException<T>(new DatabaseClosedException());
        return item.Completion;
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var item))
                item.Execute();
        }
    }

    /// <summary>Stops taking work, finishes what was queued, then returns.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private abstract class WorkItem
    {
        public abstract void Execute();
    }

    private sealed class WorkItem<T>(Func<T> work) : WorkItem
    {
        // Continuations run elsewhere, never on the writer loop.
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Completion => _completion.Task;

        public override void Execute()
        {
            try
            {
                _completion.SetResult(work());
            }
            catch (Exception e)
            {
                _completion.SetException(e);
            }
        }
    }
}
