using Meridian.Storage.Changesets;

namespace Meridian.Storage.Log;

/// <summary>
/// Where committed transactions go to become durable: the datastore appends each changeset here, in
/// commit order, before it publishes the new version, and learns from here when an offset is
/// durable (confirmed reads wait for that). The local commit log is one implementation; a layer over
/// it can ship every commit elsewhere too — a replicated log that reports an offset durable only once
/// replicas have it is the one scale-out brings — through <see cref="DatastoreOptions.DurableLog"/>.
/// </summary>
public interface IDurableLog : IDisposable
{
    /// <summary>Accepts one committed changeset (with an offset), in commit order. May block to push back on the writer.</summary>
    /// <exception cref="DatastoreFailedException">The log has failed and accepts nothing more.</exception>
    void Append(Changeset changeset);

    /// <summary>Highest offset known durable, or null when none is.</summary>
    ulong? DurableOffset { get; }

    /// <summary>The error that stopped the log, if any.</summary>
    Exception? Failure { get; }

    /// <summary>Throws <see cref="DatastoreFailedException"/> when the log has failed.</summary>
    void ThrowIfFailed();

    /// <summary>
    /// Completes once <paramref name="offset"/> is durable; faults with <see cref="DatastoreFailedException"/> if the log fails first.
    /// Someone is waiting for an answer (a confirmed read), so an async log makes the offset durable without delay.
    /// </summary>
    Task WaitForDurableAsync(ulong offset, CancellationToken cancellationToken = default);

    /// <summary>
    /// Like <see cref="WaitForDurableAsync"/>, for observers that only want to know (metrics, scheduling): it
    /// never hurries an async log's fsync. By default the same as <see cref="WaitForDurableAsync"/>.
    /// </summary>
    Task WhenDurableAsync(ulong offset, CancellationToken cancellationToken = default) => WaitForDurableAsync(offset, cancellationToken);

    /// <summary>
    /// Blocks until <paramref name="offset"/> is durable, as <see cref="WaitForDurableAsync"/> does. A log may do the work on the
    /// calling thread (the local log does in sync mode when its durability thread is idle). By default waits for that task.
    /// </summary>
    /// <exception cref="DatastoreFailedException">The log failed first.</exception>
    void WaitForDurable(ulong offset) => WaitForDurableAsync(offset).GetAwaiter().GetResult();

    /// <summary>
    /// Registers <paramref name="callback"/>(<paramref name="state"/>, failure) to run once <paramref name="offset"/> is durable
    /// (failure null), or with a <see cref="DatastoreFailedException"/> if the log fails or closes first; hurries an async fsync
    /// as <see cref="WaitForDurableAsync"/> does. Returns false, registering nothing and never calling it, when the offset is
    /// already durable. The callback must be short and must not block: it may run on the log's own thread. By default
    /// a continuation of <see cref="WaitForDurableAsync"/>.
    /// </summary>
    /// <exception cref="DatastoreFailedException">The log has already failed; nothing is registered.</exception>
    bool OnDurable(ulong offset, Action<object?, Exception?> callback, object? state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var wait = WaitForDurableAsync(offset);
        if (wait.IsCompleted)
        {
            wait.GetAwaiter().GetResult(); // throws when the log has failed
            return false;
        }
        wait.ContinueWith(
            static (t, s) =>
            {
                var (cb, st) = ((Action<object?, Exception?>, object?))s!;
                cb(st, t.Exception?.InnerException ?? (t.IsCanceled ? new OperationCanceledException() : null));
            },
            (callback, state), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return true;
    }

    /// <summary>Blocks until everything appended so far is durable (or the log failed).</summary>
    void Flush();
}
