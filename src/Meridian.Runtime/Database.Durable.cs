using Meridian.Storage;

namespace Meridian.Runtime;

public sealed partial class Database
{
    /// <summary>
    /// Registers <paramref name="callback"/>(<paramref name="state"/>, failure) to run once transaction <paramref name="offset"/>
    /// is on disk: a wait without a task (and without a thread-pool hop per fsync) for a caller that keeps one wait for many
    /// clients. In async fsync mode it makes the log fsync at once, as <see cref="WaitForDurableAsync"/> does.
    /// </summary>
    /// <remarks>
    /// The callback runs once, on the thread that made the offset durable (the commit log's thread), after the log's locks are
    /// released: keep it short and never block in it (queue real work to the thread pool). It may register again. failure is
    /// null, or a <see cref="DatabaseUnavailableException"/> when the log failed or the database closed first. An exception the
    /// callback throws is dropped.
    /// </remarks>
    /// <returns>False when the offset is already durable (always in memory): nothing is registered and the callback is not
    /// called. True when it will be called.</returns>
    /// <exception cref="DatabaseUnavailableException">The commit log has already failed; nothing is registered.</exception>
    public bool OnDurable(ulong offset, Action<object?, Exception?> callback, object? state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        try
        {
            return _store.OnDurable(offset, DurableCallback.Invoke, new DurableCallback(callback, state));
        }
        catch (DatastoreFailedException e)
        {
            throw Unavailable(e);
        }
    }

    private static DatabaseUnavailableException Unavailable(DatastoreFailedException e) =>
        new($"The database cannot make its transactions durable: {e.Message}", e);

    // Carries the caller's callback so the storage's failure reaches it as the runtime's exception (one object per wait).
    private sealed class DurableCallback(Action<object?, Exception?> callback, object? state)
    {
        public static readonly Action<object?, Exception?> Invoke = static (self, failure) => ((DurableCallback)self!).Run(failure);

        private void Run(Exception? failure) => callback(state, failure is DatastoreFailedException e ? Unavailable(e) : failure);
    }
}
