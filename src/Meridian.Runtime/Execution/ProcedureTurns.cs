namespace Meridian.Runtime.Execution;

/// <summary>
/// The order in which a database's procedures run: one at a time, in the order they were called, except that a
/// procedure waiting on an HTTP response steps aside and queues again for its turn when the response arrives.
/// Upstream runs a database's procedures on one thread the same way (they interleave only where they wait on the
/// network), and clients rely on it: a client that calls several procedures without waiting for each answer sees
/// them take effect in the order it called them. Reducers do not take turns here: they have the writer.
/// </summary>
internal sealed class ProcedureTurns
{
    private readonly object _gate = new();
    private readonly Queue<TaskCompletionSource> _waiting = new();
    private bool _taken;

    /// <summary>Queues for a turn; the task completes when it is the caller's. Callers queue in the order they call this.</summary>
    public Task Enter()
    {
        lock (_gate)
        {
            if (!_taken)
            {
                _taken = true;
                return Task.CompletedTask;
            }
            var turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(turn);
            return turn.Task;
        }
    }

    /// <summary>Ends the current turn and gives the next one to the longest waiter.</summary>
    public void Exit()
    {
        TaskCompletionSource? next;
        lock (_gate)
        {
            if (!_waiting.TryDequeue(out next))
            {
                _taken = false;
                return;
            }
        }
        next.SetResult();
    }
}
