using System.Diagnostics;

namespace Meridian.Storage.Tables;

/// <summary>
/// The datastore's single write slot. Taking and giving it back cost one interlocked operation each while
/// nobody waits (a semaphore takes its own lock twice per transaction); a thread that finds it taken
/// sleeps on a monitor until the holder gives it back. Not tied to a thread: any thread may give it back.
/// </summary>
internal sealed class WriterSlot
{
    private readonly object _gate = new();
    private int _held; // 1 while a transaction holds the slot
    private int _waiting; // threads inside Wait

    /// <summary>Takes the slot, waiting as long as it takes.</summary>
    public void Take()
    {
        if (!TryTake())
            Wait(Timeout.InfiniteTimeSpan);
    }

    /// <summary>Takes the slot, giving up after <paramref name="timeout"/>.</summary>
    public bool Take(TimeSpan timeout) => TryTake() || Wait(timeout);

    /// <summary>Gives the slot back and wakes a waiter, if any.</summary>
    public void Give()
    {
        // Both this exchange and a waiter's increment are full fences: either the waiter is counted here
        // (and is woken), or its next attempt sees the slot free.
        Interlocked.Exchange(ref _held, 0);
        if (Volatile.Read(ref _waiting) > 0)
        {
            lock (_gate)
                Monitor.Pulse(_gate);
        }
    }

    private bool TryTake() => Interlocked.CompareExchange(ref _held, 1, 0) == 0;

    private bool Wait(TimeSpan timeout)
    {
        var infinite = timeout == Timeout.InfiniteTimeSpan;
        var started = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            Interlocked.Increment(ref _waiting);
            try
            {
                while (!TryTake())
                {
                    if (infinite)
                    {
                        Monitor.Wait(_gate);
                        continue;
                    }
                    var left = timeout - Stopwatch.GetElapsedTime(started);
                    if (left <= TimeSpan.Zero)
                        return false;
                    Monitor.Wait(_gate, left);
                }
                return true;
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }
    }
}
