using Meridian.Protocol.Messages;

namespace Meridian.Client;

/// <summary>Reducer calls made while disconnected: queued in order, sent when the connection returns, each outcome reported.</summary>
public abstract partial class DbConnectionBase
{
    // Both under _lock. Calls leave _queue when sent; _queuedInFlight counts those not yet answered.
    private readonly List<QueuedEntry> _queue = [];
    private int _queuedInFlight;
    private long _lastSequence;
    private volatile bool _drainRequested;

    /// <summary>The queue's limits, or null when calls are not queued.</summary>
    private CallQueuePolicy? QueuePolicy => _options?.Queue;

    /// <summary>Call it under <see cref="_lock"/>.</summary>
    private int QueuedCallCount => _queue.Count + _queuedInFlight;

    /// <summary>The calls waiting to be sent, oldest first (those sent and not yet answered are not listed).</summary>
    public IReadOnlyList<QueuedCall> QueuedCalls
    {
        get
        {
            lock (_lock)
            {
                return _queue.ConvertAll(e => e.Call);
            }
        }
    }

    /// <summary>
    /// Queues the call when it must wait (not connected, or calls before it still wait); false when
    /// it may be sent now, or when it is refused (<paramref name="refused"/> says why). Call it under <see cref="_lock"/>.
    /// </summary>
    private bool TryQueue(string name, byte[] args, object? argsObject, PendingReducer pending, out string? refused)
    {
        refused = null;
        var policy = QueuePolicy;
        if (policy is null || _disconnectRequested || _stop.IsCancellationRequested)
            return false;
        var connected = _state == ConnectionState.Connected && _session is { Opened: true };
        if (connected && _queue.Count == 0 && _queuedInFlight == 0)
            return false;
        if (QueuedCallCount >= policy.MaxLength)
        {
            refused = $"The call queue is full ({policy.MaxLength} calls): {name} was not queued.";
            return false;
        }
        var call = new QueuedCall(++_lastSequence, name, args, DateTimeOffset.UtcNow, argsObject);
        _options.Store?.AddCall(call);
        _queue.Add(new QueuedEntry(call, pending));
        _inboundArrived.Set();
        if (connected)
            _drainRequested = true;
        return true;
    }

    /// <summary>Sends the queued calls, oldest first: all at once, or one at a time under <see cref="QueuedCallFailureMode.Stop"/>.</summary>
    private void DrainQueue()
    {
        var policy = QueuePolicy;
        if (policy is null)
            return;
        _drainRequested = false;
        var expired = new List<QueuedEntry>();
        lock (_lock)
        {
            if (_state != ConnectionState.Connected || _session is not { Opened: true })
                return;
            if (policy.MaxAge is { } maxAge)
            {
                var now = DateTimeOffset.UtcNow;
                expired = _queue.FindAll(e => now - e.Call.QueuedAt > maxAge);
                _queue.RemoveAll(expired.Contains);
            }
            while (_queue.Count > 0 && (policy.OnFailure == QueuedCallFailureMode.Continue || _queuedInFlight == 0))
            {
                var entry = _queue[0];
                _queue.RemoveAt(0);
                var pending = entry.Pending ?? new PendingReducer(entry.Call.ReducerName, null, static (_, _) => { });
                pending.Queued = entry.Call;
                var requestId = NextRequestId();
                _pending[requestId] = pending;
                _queuedInFlight++;
                Send(new ClientMessage.CallReducer(requestId, 0, entry.Call.ReducerName, entry.Call.Args));
            }
        }
        foreach (var entry in expired)
        {
            Finish(entry, QueuedCallOutcome.Expired,
                $"The call was queued at {entry.Call.QueuedAt:u}, longer than {policy.MaxAge} before the connection returned, and was not sent.");
        }
    }

    /// <summary>The answer to a queued call arrived (its per-call callbacks have run).</summary>
    private void QueuedCallAnswered(QueuedCall call, Status status)
    {
        lock (_lock)
        {
            _queuedInFlight--;
        }
        RemoveStoredCall(call);
        var (outcome, error) = status switch
        {
            Status.Committed => (QueuedCallOutcome.Committed, (string?)null),
            Status.Failed f => (QueuedCallOutcome.Conflict, f.Reason),
            Status.InternalError ie => (QueuedCallOutcome.Failed, ie.Reason),
            _ => (QueuedCallOutcome.Failed, status.ToString()),
        };
        ReportQueued(new QueuedCallResult(call, outcome, error));
        if (outcome != QueuedCallOutcome.Committed && QueuePolicy?.OnFailure == QueuedCallFailureMode.Stop)
            DiscardQueue($"Not sent: the queued call {call} before it failed ({error}).");
        DrainQueue();
    }

    /// <summary>The connection was lost after a queued call was sent and before its answer.</summary>
    private void QueuedCallLost(QueuedCall call, string reason)
    {
        lock (_lock)
        {
            _queuedInFlight--;
        }
        RemoveStoredCall(call);
        ReportQueued(new QueuedCallResult(call, QueuedCallOutcome.Unknown, reason + " The call may or may not have run."));
    }

    private void DiscardQueue(string reason)
    {
        List<QueuedEntry> discarded;
        lock (_lock)
        {
            discarded = [.. _queue];
            _queue.Clear();
        }
        foreach (var entry in discarded)
            Finish(entry, QueuedCallOutcome.Discarded, reason);
    }

    /// <summary>
    /// The app disconnected: calls still queued are not sent by this connection. An offline store
    /// keeps them for the next connection that opens it; without one they are discarded.
    /// </summary>
    private void AbandonQueue()
    {
        if (QueuePolicy is null)
            return;
        if (_options.Store is null)
        {
            DiscardQueue("Not sent: the connection was closed while the call was queued.");
            return;
        }
        List<QueuedEntry> kept;
        lock (_lock)
        {
            kept = [.. _queue];
            _queue.Clear();
        }
        foreach (var entry in kept)
            Complete(entry, "Not sent yet: the connection was closed; the call stays in the offline cache for the next connection.");
    }

    /// <summary>Ends a call that was never sent: removes it from the store, completes its task, reports it.</summary>
    private void Finish(QueuedEntry entry, QueuedCallOutcome outcome, string reason)
    {
        RemoveStoredCall(entry.Call);
        Complete(entry, reason);
        ReportQueued(new QueuedCallResult(entry.Call, outcome, reason));
    }

    private void Complete(QueuedEntry entry, string reason)
    {
        if (entry.Pending is not { } pending)
            return;
        var reducerEvent = new ReducerEvent(default, new Status.InternalError(reason), Identity ?? default, ConnectionId, pending.Name, pending.Args);
        DropPrediction(pending, reducerEvent);
        Guard(() => pending.Completed(CreateReducerEventContext(reducerEvent), reducerEvent));
    }

    private void RemoveStoredCall(QueuedCall call)
    {
        try
        {
            _options.Store?.RemoveCall(call.Sequence);
        }
#pragma warning disable CA1031 // A store that fails must not stop the messages; the call would be sent again by a later run.
        catch (Exception e)
#pragma warning restore CA1031
        {
            System.Diagnostics.Trace.TraceError($"Meridian.Client could not remove queued call {call} from the offline store: {e}");
        }
    }

    private void ReportQueued(QueuedCallResult result)
    {
        Guard(() => _options.OnQueuedCallResult?.Invoke(result));
        if (result.IsConflict)
            Guard(() => _options.OnConflict?.Invoke(result));
    }

    /// <summary>A queued call and, when the app made it in this run, the task waiting for it.</summary>
    private sealed class QueuedEntry(QueuedCall call, PendingReducer? pending)
    {
        public QueuedCall Call { get; } = call;

        public PendingReducer? Pending { get; } = pending;
    }
}
