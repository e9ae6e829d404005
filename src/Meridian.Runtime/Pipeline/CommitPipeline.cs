using System.Threading.Channels;
using Meridian.Storage;

namespace Meridian.Runtime.Pipeline;

/// <summary>
/// Carries commits from the writer to ordered observers (<see cref="ICommitObserver"/>) on one loop
/// of its own, so nothing after a commit runs under the writer. Work that must happen at a point in
/// the commit order without being a commit (adding a subscription, dropping a client) is posted into
/// the same queue. A second loop turns durability of the commit log into <see cref="ICommitObserver.OnDurable"/>.
/// </summary>
internal sealed class CommitPipeline : IAsyncDisposable
{
    private readonly Channel<Item> _queue = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<ulong> _durable = Channel.CreateUnbounded<ulong>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly IReadOnlyList<ICommitObserver> _observers;
    private readonly Func<ulong, CancellationToken, Task> _waitForDurable;
    private readonly Action<Exception> _onObserverError;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private readonly Task _durableLoop;
    private CommittedState _position;

    /// <param name="start">The committed version before the first commit the pipeline will see.</param>
    /// <param name="observers">Observers, in the order they are told.</param>
    /// <param name="waitForDurable">Completes when an offset is durable (the datastore's).</param>
    /// <param name="onObserverError">Told when an observer throws (the pipeline goes on with the next).</param>
    public CommitPipeline(CommittedState start, IReadOnlyList<ICommitObserver> observers, Func<ulong, CancellationToken, Task> waitForDurable, Action<Exception> onObserverError)
    {
        _position = start;
        _observers = observers;
        _waitForDurable = waitForDurable;
        _onObserverError = onObserverError;
        _loop = Task.Run(RunAsync);
        _durableLoop = Task.Run(RunDurableAsync);
    }

    /// <summary>
    /// Hands a commit to the observers. Called by the writer in commit order; returns at once. The task
    /// completes once every observer has seen the commit.
    /// </summary>
    public Task Publish(CommitRecord commit) => Enqueue(new Item(commit, null));

    /// <summary>
    /// Runs <paramref name="action"/> on the pipeline's loop between two commits, with the committed
    /// version the observers have reached; the task completes when it has run.
    /// </summary>
    public Task Post(Action<CommittedState> action) => Enqueue(new Item(null, action));

    private Task Enqueue(Item item)
    {
        if (!_queue.Writer.TryWrite(item))
            return Task.FromException(new DatabaseClosedException());
        return item.Done.Task;
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var item))
            {
                try
                {
                    if (item.Commit is { } commit)
                        Deliver(commit);
                    else
                        item.Action!(_position);
                    item.Done.TrySetResult();
                }
                catch (Exception e)
                {
                    item.Done.TrySetException(e);
                }
            }
        }
    }

    private void Deliver(CommitRecord commit)
    {
        var before = _position;
        _position = commit.After;
        foreach (var observer in _observers)
        {
            try
            {
                observer.OnCommit(commit, before);
            }
            catch (Exception e)
            {
                _onObserverError(e);
            }
        }
        if (commit.Changeset.Offset is { } offset)
            _durable.Writer.TryWrite(offset);
    }

    // Offsets arrive in order; waiting for the newest one known covers every one before it.
    private async Task RunDurableAsync()
    {
        var reader = _durable.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                ulong newest = 0;
                while (reader.TryRead(out var offset))
                    newest = offset;
                await _waitForDurable(newest, _stopping.Token).ConfigureAwait(false);
                foreach (var observer in _observers)
                {
                    try
                    {
                        observer.OnDurable(newest);
                    }
                    catch (Exception e)
                    {
                        _onObserverError(e);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (DatastoreFailedException)
        {
            // The log failed: nothing will become durable any more; the writer reports the failure.
        }
    }

    /// <summary>Delivers what was queued, then stops both loops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _durable.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _durableLoop.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private sealed class Item(CommitRecord? commit, Action<CommittedState>? action)
    {
        public CommitRecord? Commit { get; } = commit;

        public Action<CommittedState>? Action { get; } = action;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
