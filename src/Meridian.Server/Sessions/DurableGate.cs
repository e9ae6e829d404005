using System.Runtime.CompilerServices;
using Meridian.Runtime;
using Meridian.Server.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Meridian.Server.Sessions;

/// <summary>
/// Where sessions with confirmed reads wait for a transaction to be durable before they send about it. The gate keeps
/// one wait on the database at a time, for the smallest offset any session waits for; when it ends, every session whose
/// offset the fsync covered (usually all of them: one fsync makes a whole batch of commits durable) gets its flush
/// queued on the thread pool, and the gate waits again for the smallest offset left. So a fsync costs one wait and one
/// wake-up however many transactions and sessions it covers (a fan-out to 1,000 subscribers, or 64 pipelining clients
/// each waiting for a different transaction), not one per transaction.
/// </summary>
internal sealed class DurableGate
{
    private static readonly ConditionalWeakTable<Database, DurableGate> Gates = [];

    private readonly Database _database;
    private readonly ILogger _logger;
    private readonly Action _onDurable;
    // The sessions waiting, by offset. Under its own lock; never empty unless no wait runs (_waiting is false).
    private readonly PriorityQueue<ClientSession, ulong> _queue = new();
    private bool _waiting; // a wait on the database, or the release after it, is under way
    private Task _wait = Task.CompletedTask; // the wait under way (only its release reads it)
    private ulong _waitedFor; // the offset it waits for

    private DurableGate(Database database, ILogger logger)
    {
        _database = database;
        _logger = logger;
        _onDurable = OnDurable;
    }

    /// <summary>The database's gate (created with <paramref name="logger"/> by its first session).</summary>
    public static DurableGate For(Database database, ILogger logger) =>
        Gates.GetValue(database, d => new DurableGate(d, logger));

    /// <summary>Flushes <paramref name="session"/> once transaction <paramref name="offset"/> is durable.</summary>
    public void Wait(ulong offset, ClientSession session)
    {
        lock (_queue)
        {
            _queue.Enqueue(session, offset);
            if (_waiting)
                return; // the wait under way, or the one after it, covers this session
            _waiting = true;
        }
        WaitFrom(offset);
    }

    // Waits for offset and then for the smallest offset left, until no session waits; returns once a wait is pending.
    private void WaitFrom(ulong offset)
    {
        while (true)
        {
            Task wait;
            try
            {
                wait = _database.WaitForDurableAsync(offset);
            }
#pragma warning disable CA1031 // handed on as the wait's outcome: Release decides what it means
            catch (Exception e)
#pragma warning restore CA1031
            {
                wait = Task.FromException(e);
            }
            _wait = wait;
            _waitedFor = offset;
            if (!wait.IsCompleted)
            {
                // No task or state machine per wait: the continuation is the gate's one cached delegate.
                wait.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onDurable);
                return;
            }
            if (Release(onWaitersThread: false, out _) is not { } next)
                return;
            offset = next;
        }
    }

    private void OnDurable()
    {
        var next = Release(onWaitersThread: true, out var inline);
        if (next is { } offset)
            WaitFrom(offset);
        inline?.Flush(); // never throws (see ClientSession.Flush)
    }

    // The wait ended: releases every session it covered and returns the next offset to wait for, or null (the gate is idle).
    // Runs where nothing else would catch, so it never throws. On the thread the durable wait completed on (a thread-pool
    // thread that has nothing else to do) the last session released is handed back as inline, for the caller to flush
    // there once the next wait is set up, instead of as one more work item; called from a session's Enqueue or Flush (the
    // wait was already over) every flush is queued, so the database's pipeline never sends and no flush runs in another.
    private ulong? Release(bool onWaitersThread, out ClientSession? inline)
    {
        inline = null;
        var wait = _wait;
        var waitedFor = _waitedFor;
        var failure = wait.Exception?.InnerException ?? (wait.IsCanceled ? new OperationCanceledException() : null);
        // One list per fsync, not per session. Not reused: once the gate is idle a new wait may start and release at once.
        var released = new List<ClientSession>();
        ulong? next;
        lock (_queue)
        {
            // Everything up to what the log now says is durable, at least what was waited for.
            var durable = failure is null ? Math.Max(_database.DurableOffset ?? 0, waitedFor) : ulong.MaxValue;
            while (_queue.TryPeek(out var session, out var offset) && offset <= durable)
            {
                _queue.Dequeue();
                released.Add(session);
            }
            if (_queue.TryPeek(out _, out var smallest))
            {
                next = smallest;
            }
            else
            {
                next = null;
                _waiting = false;
            }
        }
        var unexpected = failure is not (null or DatabaseUnavailableException or DatabaseClosedException or OperationCanceledException);
        if (unexpected)
            _logger.DurableWaitFailed(_database.Name, waitedFor, released.Count, failure!);
        for (var i = 0; i < released.Count; i++)
        {
            var session = released[i];
            try
            {
                if (failure is null && onWaitersThread && i == released.Count - 1)
                    inline = session;
                else if (failure is null)
                    ThreadPool.UnsafeQueueUserWorkItem(session, preferLocal: false);
                else if (unexpected)
                    session.Fail(failure!, logged: true);
                else
                    session.DurabilityFailed(abort: failure is DatabaseUnavailableException);
            }
#pragma warning disable CA1031 // one session that cannot be told must not keep the others waiting
            catch (Exception e)
#pragma warning restore CA1031
            {
                session.Fail(e);
            }
        }
        return next;
    }
}
