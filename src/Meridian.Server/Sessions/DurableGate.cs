using System.Runtime.CompilerServices;
using Meridian.Runtime;
using Meridian.Server.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Meridian.Server.Sessions;

/// <summary>
/// Where sessions with confirmed reads wait for a transaction to be durable before they send about it: one wait on
/// the database per transaction, however many sessions wait for it (a fan-out to 1,000 subscribers sets up one, not
/// 1,000 tasks and cancellation registrations), and each waiting session's flush is queued on the thread pool once
/// the transaction is on disk.
/// </summary>
internal sealed class DurableGate
{
    private static readonly ConditionalWeakTable<Database, DurableGate> Gates = [];

    private readonly Database _database;
    private readonly ILogger _logger;
    private readonly Dictionary<ulong, List<ClientSession>> _waiting = [];

    private DurableGate(Database database, ILogger logger)
    {
        _database = database;
        _logger = logger;
    }

    /// <summary>The database's gate (created with <paramref name="logger"/> by its first session).</summary>
    public static DurableGate For(Database database, ILogger logger) =>
        Gates.GetValue(database, d => new DurableGate(d, logger));

    /// <summary>Flushes <paramref name="session"/> once transaction <paramref name="offset"/> is durable.</summary>
    public void Wait(ulong offset, ClientSession session)
    {
        bool first;
        lock (_waiting)
        {
            first = !_waiting.TryGetValue(offset, out var sessions);
            if (first)
                _waiting[offset] = sessions = [];
            sessions!.Add(session);
        }
        if (first)
            _ = WaitAsync(offset);
    }

    private async Task WaitAsync(ulong offset)
    {
        Exception? failure = null;
        try
        {
            await _database.WaitForDurableAsync(offset).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DatabaseUnavailableException or DatabaseClosedException or OperationCanceledException)
        {
            failure = e;
        }
#pragma warning disable CA1031 // nobody awaits this task: an unexpected failure ends the waiting sessions, not the process
        catch (Exception e)
#pragma warning restore CA1031
        {
            failure = e;
        }
        List<ClientSession> sessions;
        lock (_waiting)
        {
            sessions = _waiting[offset];
            _waiting.Remove(offset);
        }
        var unexpected = failure is not (null or DatabaseUnavailableException or DatabaseClosedException or OperationCanceledException);
        if (unexpected)
            _logger.DurableWaitFailed(_database.Name, offset, sessions.Count, failure!);
        foreach (var session in sessions)
        {
            if (failure is null)
                ThreadPool.UnsafeQueueUserWorkItem(session, preferLocal: false);
            else if (unexpected)
                session.Fail(failure!, logged: true);
            else
                session.DurabilityFailed(abort: failure is DatabaseUnavailableException);
        }
    }
}
