using Meridian.Protocol.Messages;

namespace Meridian.Client;

/// <summary>Automatic reconnect, the reconciliation of the cache after it, and the status a UI shows.</summary>
public abstract partial class DbConnectionBase
{
    private Random _random = new();
    private int _attempt;
    private TimeSpan? _nextDelay;
    private CancellationTokenSource? _retryWait;
    private ConnectionStatus? _reportedStatus;

    // The cache holds rows the server has not confirmed since the last loss (or since they were
    // loaded from the offline store); the next session's subscriptions reconcile it.
    private bool _stale;
    private bool _staleFromLoad;
    private Resync? _resync;

    // Rows loaded from the offline store that the subscriptions so far did not claim stay (held) until a later
    // subscription claims them or the grace after the last subscription passes: a subscription made later then
    // reconciles its rows as exactly as the first ones. Both on the tick thread.
    private bool _holdStoredRows;
    private int _settleGeneration;

    /// <summary>Where the connection stands, with the details a UI shows (attempt, next delay, queued calls).</summary>
    public ConnectionStatus ConnectionStatus
    {
        get
        {
            lock (_lock)
            {
                var state = _state;
                return new ConnectionStatus(
                    state,
                    DisconnectReason,
                    state == ConnectionState.Reconnecting ? _attempt : 0,
                    state == ConnectionState.Reconnecting ? _nextDelay : null,
                    QueuedCallCount);
            }
        }
    }

    /// <summary>
    /// Tries to connect now: skips the wait before the next reconnect attempt, or starts one when
    /// the connection is <see cref="ConnectionState.Offline"/>. Does nothing while connected or connecting.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The connection was closed for good (<see cref="Disconnect"/>, or lost with nothing to keep it alive).
    /// </exception>
    public void RetryNow()
    {
        if (_disconnectRequested || _stop.IsCancellationRequested)
            throw new InvalidOperationException("The connection was closed for good; build a new one.");
        lock (_lock)
        {
            CancelRetryWait();
            if (_state == ConnectionState.Offline && _attempt == 0)
                _attempt = 1;
        }
        StartAttempt();
    }

    /// <summary>Call it under <see cref="_lock"/>.</summary>
    private void CancelRetryWait()
    {
        _retryWait?.Cancel();
        _retryWait?.Dispose();
        _retryWait = null;
    }

    private void AttemptFailed(Session session, Exception error)
    {
        EndSession(session);
        if (_disconnectRequested)
            return;
        DisconnectReason = error;
        FailPending("The connection could not be opened: " + error.Message);
        if (!_everConnected && !_connectErrorReported)
        {
            _connectErrorReported = true;
            Guard(() => _options.OnConnectError?.Invoke(error));
        }
        AfterLoss();
    }

    private void SessionLost(Session session, Exception? error)
    {
        if (_disconnectRequested)
        {
            EndSession(session);
            return;
        }
        error ??= new MeridianClientException("The connection closed.");
        if (!session.Opened)
        {
            AttemptFailed(session, error);
            return;
        }
        EndSession(session);
        DisconnectReason = error;
        FailPending("The connection was lost: " + error.Message);
        // Messages held back for a reconciliation belong to the lost session; the next one starts over.
        _resync = null;
        _stale = true;
        _attempt = 0;
        Guard(() => _options.OnDisconnect?.Invoke(error));
        AfterLoss();
    }

    /// <summary>After a failed attempt or a loss: waits and tries again, or stays offline, or ends.</summary>
    private void AfterLoss()
    {
        var policy = _options.Reconnect;
        if (policy is not null && (policy.MaxAttempts is not { } max || _attempt < max))
        {
            lock (_lock)
            {
                _attempt++;
                var delay = policy.DelayBefore(_attempt, _random);
                _nextDelay = delay;
                _state = ConnectionState.Reconnecting;
                CancelRetryWait();
                var wait = new CancellationTokenSource();
                _retryWait = wait;
                _ = Task.Delay(delay, wait.Token).ContinueWith(
                    t =>
                    {
                        if (!t.IsCanceled)
                            StartAttempt();
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.None,
                    TaskScheduler.Default);
            }
        }
        else if (policy is not null || QueuePolicy is not null || _options.Store is not null)
        {
            _nextDelay = null;
            _state = ConnectionState.Offline;
        }
        else
        {
            _state = ConnectionState.Disconnected;
            var reason = DisconnectReason;
            EndSubscriptions(() => reason is null
                ? new MeridianClientException("The connection ended before the subscription's rows came.")
                : new MeridianClientException("The connection ended before the subscription's rows came: " + reason.Message, reason));
            _stop.Cancel();
        }
    }

    /// <summary>The server accepted the session: subscriptions go out again and a stale cache is reconciled.</summary>
    private void Opened()
    {
        var session = _session!;
        session.Opened = true;
        lock (_lock)
        {
            _attempt = 0;
            _nextDelay = null;
            _state = ConnectionState.Connected;
        }
        DisconnectReason = null;
        if (!_everConnected)
        {
            _everConnected = true;
            Guard(() => _options.OnConnect?.Invoke(Identity!.Value, Token!));
        }
        lock (_lock)
        {
            foreach (var entry in _entries)
            {
                if (entry.SessionId != session.Id && !entry.Unsubscribing)
                    SendSubscribe(session, entry);
            }
        }
        // Queued calls go out after the subscriptions; their answers wait for the reconciliation.
        DrainQueue();
        if (_stale)
        {
            _resync = new Resync();
            TryResolve();
        }
    }

    /// <summary>
    /// While reconciling: collects the rows of this session's subscriptions, and holds back every
    /// other message until the cache is reconciled (they apply to the reconciled cache, in order).
    /// </summary>
    private bool DeferDuringResync(ServerMessage message)
    {
        var resync = _resync;
        if (resync is null)
            return false;
        switch (message)
        {
            case ServerMessage.SubscribeApplied sa when Entry(sa.QuerySetId) is { } entry:
                foreach (var table in sa.Rows)
                    resync.Fresh.Add((table.Table, table.Rows));
                entry.Applied = true;
                resync.Applied.Add(entry);
                TryResolve();
                return true;
            case ServerMessage.SubscriptionError:
                Handle(message);
                TryResolve();
                return true;
            default:
                resync.Deferred.Add(message);
                return true;
        }
    }

    /// <summary>Reconciles once every subscription sent on this session has its rows (or failed).</summary>
    private void TryResolve()
    {
        var session = _session;
        if (_resync is not { } resync || session is null)
            return;
        lock (_lock)
        {
            if (_entries.Exists(e => e.SessionId == session.Id && !e.Applied))
                return;
        }
        // Rows loaded from the offline store wait for the app's subscriptions: reconciling them
        // against none would delete them all and insert them again.
        if (_staleFromLoad && resync.Applied.Count == 0)
            return;
        Resolve(session, resync);
    }

    /// <summary>
    /// Makes the cache equal the fresh rows in one transaction: rows that did not change make no
    /// callbacks, a row whose primary key stayed but whose value changed is an update.
    /// </summary>
    private void Resolve(Session session, Resync resync)
    {
        _resync = null;
        _stale = false;
        _staleFromLoad = false;
        // Every cached row is held; the fresh rows claim theirs (no callback when unchanged, an update when the key
        // stayed). The rest go now, or, for rows loaded from the offline store, when later subscriptions have had
        // their chance to claim them (Settle).
        var byTable = new Dictionary<RemoteTableHandleBase, RowLists>();
        foreach (var table in _tables.Values)
            table.HoldAll();
        foreach (var (name, rows) in resync.Fresh)
        {
            if (_tables.TryGetValue(name, out var table))
                ListsOf(byTable, table).Inserts.AddRange(rows);
        }
        foreach (var (table, lists) in byTable)
            table.Claim(lists.Inserts, lists.Deletes);
        if (!_holdStoredRows)
        {
            foreach (var table in _tables.Values.Where(t => t.HasHeld))
                ListsOf(byTable, table).Deletes.AddRange(table.ReleaseHeld());
        }
        ApplyTables(byTable, CreateEventContext(new Event.Reconciled()));

        List<SubscriptionEntry> ended;
        lock (_lock)
        {
            ended = _entries.FindAll(e => e.Unsubscribing && e.SessionId != session.Id);
            foreach (var entry in ended)
            {
                _entries.Remove(entry);
                _subscriptions.Remove(entry.QuerySetId);
            }
        }
        foreach (var entry in resync.Applied)
        {
            if (!entry.EverApplied)
            {
                entry.EverApplied = true;
                Guard(() => entry.Callbacks.Applied(CreateSubscriptionEventContext()));
            }
        }
        foreach (var entry in ended)
            Guard(() => entry.Callbacks.Ended(CreateSubscriptionEventContext()));
        foreach (var message in resync.Deferred)
        {
            if (!DeferDuringResync(message))
                Handle(message);
        }
        ScheduleSettle();
    }

    /// <summary>
    /// While rows loaded from the offline store are held: once every subscription sent on this session has its rows (or
    /// failed), waits <see cref="ConnectionOptions.StoredRowsGrace"/> for more subscriptions, then lets the rows nobody
    /// claimed go (<see cref="Settle"/>). A subscription applied meanwhile starts the wait again.
    /// </summary>
    private void ScheduleSettle()
    {
        if (!_holdStoredRows || _resync is not null || _session is not { Opened: true } session || SubscriptionsPending(session))
            return;
        var generation = ++_settleGeneration;
        _ = Task.Delay(_options.StoredRowsGrace, _stop.Token).ContinueWith(
            t =>
            {
                if (!t.IsCanceled)
                    Enqueue(new Inbound.Settle(session, generation));
            },
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);
    }

    private bool SubscriptionsPending(Session session)
    {
        lock (_lock)
        {
            return _entries.Exists(e => e.SessionId == session.Id && !e.Applied && !e.Unsubscribing);
        }
    }

    /// <summary>Deletes the stored rows no subscription claimed (one transaction, <see cref="Event.Reconciled"/>); from now on nothing is held.</summary>
    private void Settle(Inbound.Settle settle)
    {
        if (settle.Generation != _settleGeneration || !_holdStoredRows || _resync is not null || SubscriptionsPending(settle.Session!))
            return;
        _holdStoredRows = false;
        var byTable = new Dictionary<RemoteTableHandleBase, RowLists>();
        foreach (var table in _tables.Values.Where(t => t.HasHeld))
            ListsOf(byTable, table).Deletes.AddRange(table.ReleaseHeld());
        ApplyTables(byTable, CreateEventContext(new Event.Reconciled()));
    }

    /// <summary>Runs OnStateChanged when the status differs from the one last reported (on the tick thread).</summary>
    private void ReportStatus()
    {
        var status = ConnectionStatus;
        if (status == _reportedStatus)
            return;
        _reportedStatus = status;
        Guard(() => _options.OnStateChanged?.Invoke(status));
    }

    private sealed class Resync
    {
        /// <summary>The rows of the subscriptions applied on the new session.</summary>
        public List<(string Table, IReadOnlyList<ReadOnlyMemory<byte>> Rows)> Fresh { get; } = [];

        public List<SubscriptionEntry> Applied { get; } = [];

        public List<ServerMessage> Deferred { get; } = [];
    }
}
