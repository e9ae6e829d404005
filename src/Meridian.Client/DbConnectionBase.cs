using System.Collections.Concurrent;
using Meridian.Protocol.Framing;
using Meridian.Protocol.Messages;
using Meridian.Sats;
using Meridian.Sats.Bsatn;

namespace Meridian.Client;

/// <summary>
/// A connection to a database and its client cache; the generated <c>DbConnection</c> derives from
/// it. A background task reads frames and queues the decoded messages; <see cref="FrameTick"/>
/// (called by a game loop) or the background mode (<see cref="DbConnectionBuilder{T}.WithBackgroundProcessing"/>)
/// applies them in order, each transaction whole: every table changes first, then the callbacks
/// run, so a callback always sees the cache as it is after the whole transaction.
/// </summary>
/// <remarks>
/// Each attempt to connect is a <see cref="Session"/> of its own (transport, send queue, receive loop);
/// messages of a session that has ended are dropped. With automatic reconnect a lost session is
/// followed by another after a backoff (DbConnectionBase.Reconnect.cs), the subscriptions are sent
/// again and the cache is reconciled with their fresh rows; queued calls wait for that
/// (DbConnectionBase.Queue.cs); the offline store keeps both across runs (DbConnectionBase.Offline.cs).
/// </remarks>
public abstract partial class DbConnectionBase : IDisposable
{
    private readonly ConcurrentQueue<Inbound> _inbound = new();
    private readonly AutoResetEvent _inboundArrived = new(false);
    private readonly object _tickLock = new();

    // Guards the session, the pending calls, the subscriptions and the call queue: the app's threads,
    // the retry timer and the tick thread all reach them. Taken inside _tickLock, never around it.
    private readonly object _lock = new();
    private readonly Dictionary<uint, PendingCall> _pending = [];
    private readonly List<SubscriptionEntry> _entries = [];

    // Set under _lock when the connection is over for good and its subscriptions have been ended: a later Subscribe
    // would never be sent or settled, so it fails at once.
    private bool _subscriptionsEnded;
    private readonly Dictionary<uint, SubscriptionEntry> _subscriptions = [];
    private readonly Dictionary<string, RemoteTableHandleBase> _tables = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private ConnectionOptions _options = null!;
    private Session? _session;
    private int _nextSessionId;
    private int _nextRequestId;
    private int _nextQuerySetId;
    private volatile ConnectionState _state = ConnectionState.Connecting;
    private volatile bool _disconnectRequested;
    private bool _everConnected;
    private bool _connectErrorReported;
    private volatile bool _disposed;
    private Thread? _background;

    /// <summary>Creates the connection (not yet connected: the builder connects it).</summary>
    protected DbConnectionBase()
    {
    }

    /// <summary>This connection's identity, once the server has said it.</summary>
    public Identity? Identity { get; private set; }

    /// <summary>This connection's id, once the server has said it.</summary>
    public ConnectionId ConnectionId { get; private set; }

    /// <summary>The token the server issued or accepted, to reconnect as the same identity.</summary>
    public string? Token { get; private set; }

    /// <summary>Where the connection stands, for a UI (<see cref="ConnectionStatus"/> has the details).</summary>
    public ConnectionState State => _state;

    /// <summary>
    /// Why the connection ended or the last attempt failed: null while connected, and when
    /// <see cref="Disconnect"/> ended it.
    /// </summary>
    public Exception? DisconnectReason { get; private set; }

    /// <summary>Whether the connection is open (connected and not yet disconnected).</summary>
    public bool IsActive => _state == ConnectionState.Connected;

    /// <summary>
    /// The lock held while messages are applied and callbacks run. In the background mode, take it
    /// to read the cache from another thread and see whole transactions only.
    /// </summary>
    public object SyncRoot => _tickLock;

    /// <summary>Whether frames may carry several messages (the server accepted protocol v3).</summary>
    public bool UsesV3Framing => _session?.Transport.IsV3 == true;

    /// <summary>Creates the generated <c>EventContext</c> for <paramref name="event"/>.</summary>
    protected abstract object CreateEventContext(Event @event);

    /// <summary>Creates the generated <c>ReducerEventContext</c>.</summary>
    protected abstract object CreateReducerEventContext(ReducerEvent reducerEvent);

    /// <summary>Creates the generated <c>SubscriptionEventContext</c>.</summary>
    protected abstract object CreateSubscriptionEventContext();

    /// <summary>Creates the generated <c>ErrorContext</c>.</summary>
    protected abstract object CreateErrorContext(Exception error);

    /// <summary>Creates the generated <c>ProcedureEventContext</c>.</summary>
    protected abstract object CreateProcedureEventContext(ProcedureEvent procedureEvent);

    /// <summary>Registers the cache's tables (the generated constructor calls it once).</summary>
    protected void RegisterTables(RemoteTablesBase tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        foreach (var table in tables.All)
        {
            _tables[table.RemoteTableName] = table;
            table.Connection = this;
        }
    }

    /// <summary>The names of the tables and views the bindings know, for <c>SubscribeToAllTables</c>.</summary>
    internal IEnumerable<string> TableNames => _tables.Keys;

    internal void Start(ConnectionOptions options)
    {
        _options = options;
        _random = options.Reconnect?.Seed is { } seed ? new Random(seed) : new Random();
        LoadOffline();
        _reportedStatus = ConnectionStatus;
        StartAttempt();
        if (options.Background)
        {
            _background = new Thread(BackgroundLoop) { IsBackground = true, Name = "Meridian.Client " + options.DatabaseName };
            _background.Start();
        }
    }

    /// <summary>Opens a new session unless one is open or opening, or the connection has ended.</summary>
    private void StartAttempt()
    {
        Session session;
        lock (_lock)
        {
            if (_stop.IsCancellationRequested || _disconnectRequested || _session is not null)
                return;
            var token = Token ?? _options.Token;
            IClientTransport transport;
            try
            {
                transport = _options.CreateTransport?.Invoke(token)
                    ?? new WebSocketTransport(_options.Uri, _options.DatabaseName, token, _options.Compression, _options.OfferV3);
            }
#pragma warning disable CA1031 // The first attempt throws to Build; a later one (on a timer) fails like a connect that failed.
            catch (Exception e) when (_nextSessionId > 0)
#pragma warning restore CA1031
            {
                transport = new FailedTransport(e);
            }
            session = new Session(++_nextSessionId, transport, _stop.Token);
            _session = session;
            if (_state != ConnectionState.Connecting)
                _state = ConnectionState.Reconnecting;
        }
        _inboundArrived.Set();
        _ = Task.Run(() => RunAsync(session));
    }

    private async Task RunAsync(Session session)
    {
        var transport = session.Transport;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(session.Cancel.Token);
            timeout.CancelAfter(_options.ConnectTimeout);
            await transport.ConnectAsync(timeout.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Any failure to connect is reported (OnConnectError, then a retry when reconnecting).
        catch (Exception e)
#pragma warning restore CA1031
        {
            if (!session.Cancel.IsCancellationRequested)
                Enqueue(new Inbound.ConnectFailed(session, e is OperationCanceledException ? new TimeoutException("Connecting timed out.", e) : e));
            return;
        }
        _ = Task.Run(() => SendLoopAsync(session));
        try
        {
            while (true)
            {
                var frame = await transport.ReceiveAsync(session.Cancel.Token).ConfigureAwait(false);
                if (frame is null)
                {
                    Enqueue(new Inbound.Closed(session, _disconnectRequested
                        ? null
                        : new MeridianClientException($"The server closed the connection ({transport.CloseDescription}).")));
                    return;
                }
                foreach (var message in ServerFrame.Decode(frame))
                    Enqueue(new Inbound.Message(session, message));
            }
        }
        catch (OperationCanceledException) when (session.Cancel.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A broken connection is reported to OnDisconnect (and reconnected when configured).
        catch (Exception e)
#pragma warning restore CA1031
        {
            if (!session.Cancel.IsCancellationRequested)
                Enqueue(new Inbound.Closed(session, _disconnectRequested ? null : e));
        }
    }

    private async Task SendLoopAsync(Session session)
    {
        try
        {
            while (true)
            {
                await session.OutboundReady.WaitAsync(session.Cancel.Token).ConfigureAwait(false);
                if (session.Outbound.TryDequeue(out var frame))
                    await session.Transport.SendAsync(frame, session.Cancel.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (session.Cancel.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // The receive loop reports the broken connection; this makes sure it is reported.
        catch (Exception e)
#pragma warning restore CA1031
        {
            if (!session.Cancel.IsCancellationRequested)
                Enqueue(new Inbound.Closed(session, e));
        }
    }

    /// <summary>Forgets <paramref name="session"/> and closes its transport; its later messages are dropped.</summary>
    private void EndSession(Session session)
    {
        lock (_lock)
        {
            if (_session == session)
                _session = null;
        }
        if (session.Cancel.IsCancellationRequested)
            return;
        session.Cancel.Cancel();
        _ = Task.Run(async () =>
        {
            await session.Transport.CloseAsync().ConfigureAwait(false);
            session.Transport.Dispose();
        });
    }

    private void Enqueue(Inbound item)
    {
        _inbound.Enqueue(item);
        _inboundArrived.Set();
    }

    private void BackgroundLoop()
    {
        while (!_stop.IsCancellationRequested || !_inbound.IsEmpty)
        {
            _inboundArrived.WaitOne(TimeSpan.FromMilliseconds(100));
            FrameTick();
        }
    }

    /// <summary>Sends a message on the current session (in order); false when there is none. Call it under <see cref="_lock"/>.</summary>
    private bool Send(ClientMessage message)
    {
        var session = _session;
        if (session is null)
            return false;
        var writer = new BsatnWriter(64);
        message.Write(writer);
        session.Outbound.Enqueue(writer.ToArray());
        session.OutboundReady.Release();
        return true;
    }

    private uint NextRequestId() => unchecked((uint)Interlocked.Increment(ref _nextRequestId));

    /// <summary>
    /// Applies every message received so far and runs their callbacks on the calling thread. Call
    /// it once a frame from a game loop (not needed in the background mode).
    /// </summary>
    public void FrameTick()
    {
        lock (_tickLock)
        {
            while (_inbound.TryDequeue(out var item))
            {
                // A session that has ended (lost, replaced or closed) has nothing more to say.
                if (item.Session is { } from && from != _session)
                    continue;
                switch (item)
                {
                    case Inbound.Message m:
                        if (!DeferDuringResync(m.ServerMessage))
                            Handle(m.ServerMessage);
                        break;
                    case Inbound.ConnectFailed f:
                        AttemptFailed(f.Session!, f.Error);
                        break;
                    case Inbound.Closed c:
                        SessionLost(c.Session!, c.Error);
                        break;
                    case Inbound.Ended:
                        Ended();
                        break;
                    case Inbound.Settle settle:
                        Settle(settle);
                        break;
                }
            }
            if (_drainRequested)
                DrainQueue();
            ReportStatus();
        }
    }

    /// <summary>
    /// Closes the connection for good; OnDisconnect runs (at the next tick, or at once in the
    /// background mode) with no error. Calls still queued are reported as not sent (an offline
    /// store keeps them for the next connection that opens it).
    /// </summary>
    public void Disconnect()
    {
        if (_stop.IsCancellationRequested || _disconnectRequested)
            return;
        _disconnectRequested = true;
        Session? session;
        lock (_lock)
        {
            CancelRetryWait();
            session = _session;
        }
        _ = Task.Run(async () =>
        {
            if (session is not null)
                await session.Transport.CloseAsync().ConfigureAwait(false);
            Enqueue(new Inbound.Ended());
        });
    }

    private void Ended()
    {
        if (_disposed)
            return;
        if (_session is { } session)
            EndSession(session);
        _state = ConnectionState.Disconnected;
        DisconnectReason = null;
        FailPending("The connection was closed.");
        AbandonQueue();
        EndSubscriptions(() => new MeridianClientException("The connection was closed before the subscription's rows came."));
        Guard(() => _options.OnDisconnect?.Invoke(null));
        _stop.Cancel();
    }

    /// <summary>
    /// The connection is over for good (Disconnect, Dispose, or a loss with nothing to reconnect): every subscription
    /// ends, as upstream's handles do on UnsubscribeApplied (IsActive false, IsEnded true, UnsubscribeThen's callback
    /// runs); one still waiting for its rows fails with <paramref name="pendingError"/>. Its rows stay in the cache.
    /// A loss that reconnects ends none: they are sent again on the next session.
    /// </summary>
    private void EndSubscriptions(Func<Exception> pendingError)
    {
        List<SubscriptionEntry> entries;
        lock (_lock)
        {
            _subscriptionsEnded = true;
            entries = [.. _entries];
            _entries.Clear();
            _subscriptions.Clear();
        }
        foreach (var entry in entries)
        {
            if (entry.Unsubscribing || entry.EverApplied)
            {
                Guard(() => entry.Callbacks.Ended(CreateSubscriptionEventContext()));
                continue;
            }
            var error = pendingError();
            Guard(() => entry.Callbacks.Failed(CreateErrorContext(error), error));
        }
    }

    private void Handle(ServerMessage message)
    {
        switch (message)
        {
            case ServerMessage.InitialConnection ic:
                Identity = ic.Identity;
                ConnectionId = ic.ConnectionId;
                Token = ic.Token;
                Opened();
                break;
            case ServerMessage.SubscribeApplied sa:
            {
                var entry = Entry(sa.QuerySetId);
                if (entry is not null)
                    entry.Applied = true;
                // Rows still held from the offline store are reconciled with this subscription's rows (ApplyTransaction claims them).
                var reconciling = sa.Rows.Any(t => _tables.TryGetValue(t.Table, out var table) && table.HasHeld);
                var ctx = CreateEventContext(reconciling ? new Event.Reconciled() : new Event.SubscribeApplied());
                ApplyTransaction(sa.Rows.Select(t => (t.Table, (TableUpdateRows)new TableUpdateRows.Persistent(t.Rows, Sats.Rows.RowList.Empty))), ctx);
                if (entry is not null && !entry.EverApplied)
                {
                    entry.EverApplied = true;
                    Guard(() => entry.Callbacks.Applied(CreateSubscriptionEventContext()));
                }
                ScheduleSettle();
                break;
            }
            case ServerMessage.UnsubscribeApplied ua:
            {
                var entry = RemoveEntry(ua.QuerySetId);
                var ctx = CreateEventContext(new Event.UnsubscribeApplied());
                ApplyTransaction((ua.Rows ?? []).Select(t => (t.Table, (TableUpdateRows)new TableUpdateRows.Persistent(Sats.Rows.RowList.Empty, t.Rows))), ctx);
                if (entry is not null)
                    Guard(() => entry.Callbacks.Ended(CreateSubscriptionEventContext()));
                break;
            }
            case ServerMessage.SubscriptionError se:
            {
                var entry = RemoveEntry(se.QuerySetId);
                var error = new MeridianClientException(se.Error);
                if (entry is not null)
                    Guard(() => entry.Callbacks.Failed(CreateErrorContext(error), error));
                ScheduleSettle();
                break;
            }
            case ServerMessage.TransactionUpdate tu:
                ApplyTransaction(Flatten(tu.QuerySets), CreateEventContext(new Event.Transaction()));
                break;
            case ServerMessage.ReducerResult rr:
            {
                var pending = TakePending(rr.RequestId) as PendingReducer;
                if (pending is null)
                    break;
                Status status;
                IReadOnlyList<QuerySetUpdate> updates = [];
                switch (rr.Outcome)
                {
                    case ReducerOutcome.Ok ok:
                        status = new Status.Committed();
                        updates = ok.QuerySets;
                        break;
                    case ReducerOutcome.OkEmpty:
                        status = new Status.Committed();
                        break;
                    case ReducerOutcome.Err err:
                        status = new Status.Failed(ErrorText(err.ErrorBsatn));
                        break;
                    case ReducerOutcome.InternalError ie:
                        status = new Status.InternalError(ie.Message);
                        break;
                    default:
                        status = new Status.InternalError("Unknown reducer outcome.");
                        break;
                }
                var reducerEvent = new ReducerEvent(rr.Timestamp, status, Identity ?? default, ConnectionId, pending.Name, pending.Args);
                // The prediction goes and the real changes come in one step: callbacks report only the difference.
                var predicted = pending.Prediction is { } prediction && _predictions.Remove(prediction);
                ApplyTransaction(Flatten(updates), CreateEventContext(new Event.Reducer(reducerEvent)), predicted);
                Guard(() => pending.Completed(CreateReducerEventContext(reducerEvent), reducerEvent));
                if (pending.Queued is { } queued)
                    QueuedCallAnswered(queued, status);
                break;
            }
            case ServerMessage.ProcedureResult pr:
            {
                if (TakePending(pr.RequestId) is PendingProcedure pending)
                {
                    var error = pr.Status is ProcedureStatus.InternalError ie ? ie.Message : null;
                    var procedureEvent = new ProcedureEvent(pr.Timestamp, pending.Name, pr.TotalHostExecutionDuration, error);
                    Guard(() => pending.Completed(CreateProcedureEventContext(procedureEvent), pr.Status));
                }
                break;
            }
            case ServerMessage.OneOffQueryResult oq:
                if (TakePending(oq.RequestId) is PendingQuery query)
                    query.Completed(oq.Rows, oq.Error);
                break;
        }
    }

    private static IEnumerable<(string Table, TableUpdateRows Rows)> Flatten(IReadOnlyList<QuerySetUpdate> sets) =>
        sets.SelectMany(s => s.Tables).SelectMany(t => t.Rows.Select(r => (t.TableName, r)));

    /// <summary>Decodes a reducer's error value: a string for ordinary reducers, else its bytes in hex.</summary>
    private static string ErrorText(byte[] bsatn)
    {
        try
        {
            var reader = new BsatnReader(bsatn);
            var text = reader.ReadString();
            if (reader.IsAtEnd)
                return text;
        }
        catch (BsatnDecodeException)
        {
        }
        var hex = new System.Text.StringBuilder("error value 0x", 14 + bsatn.Length * 2);
        foreach (var b in bsatn)
            hex.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        return hex.ToString();
    }

    private static void Guard(Action callback)
    {
        try
        {
            callback();
        }
#pragma warning disable CA1031 // A failing user callback must not stop the messages after it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            System.Diagnostics.Trace.TraceError($"A Meridian.Client callback threw: {e}");
        }
    }

    private PendingCall? TakePending(uint requestId)
    {
        lock (_lock)
        {
            return _pending.Remove(requestId, out var call) ? call : null;
        }
    }


    /// <summary>Applies one transaction to every table it touches, then runs its row callbacks.</summary>
    private void ApplyTransaction(IEnumerable<(string Table, TableUpdateRows Rows)> changes, object context, bool predictionsChanged = false)
    {
        var byTable = new Dictionary<RemoteTableHandleBase, RowLists>();
        foreach (var (name, rows) in changes)
        {
            // Tables the bindings do not know (private ones, or newer than the bindings) are left out.
            if (!_tables.TryGetValue(name, out var table))
                continue;
            var lists = ListsOf(byTable, table);
            switch (rows)
            {
                case TableUpdateRows.Persistent p:
                    lists.Inserts.AddRange(p.Inserts);
                    lists.Deletes.AddRange(p.Deletes);
                    break;
                case TableUpdateRows.Event e:
                    lists.Events.AddRange(e.Events);
                    break;
            }
        }
        // A row arriving with a held row's value or key replaces it (the held copy was stale or is confirmed now).
        foreach (var (table, lists) in byTable)
        {
            if (table.HasHeld)
                table.Claim(lists.Inserts, lists.Deletes);
        }
        ApplyTables(byTable, context, predictionsChanged);
    }

    private static RowLists ListsOf(Dictionary<RemoteTableHandleBase, RowLists> byTable, RemoteTableHandleBase table)
    {
        if (!byTable.TryGetValue(table, out var lists))
            byTable[table] = lists = new RowLists();
        return lists;
    }

    /// <summary>
    /// Changes every table first, stores the changes when there is an offline store, then runs the callbacks. When
    /// <paramref name="predictionsChanged"/>, the tables' predictions are replaced by those of <see cref="_predictions"/> in the same step.
    /// </summary>
    private void ApplyTables(Dictionary<RemoteTableHandleBase, RowLists> byTable, object context, bool predictionsChanged = false)
    {
        var overlays = predictionsChanged ? Overlays() : null;
        if (overlays is not null)
        {
            foreach (var table in overlays.Keys)
                ListsOf(byTable, table);
        }
        var deltas = byTable.Select(pair => (Table: pair.Key, Delta: pair.Key.Prepare(
                pair.Value.Inserts, pair.Value.Deletes, pair.Value.Events, overlays is not null && overlays.TryGetValue(pair.Key, out var ops) ? ops : null)))
            .Where(d => !d.Delta.IsEmpty)
            .ToList();
        foreach (var (table, delta) in deltas)
            table.FireBeforeDelete(delta, context);
        foreach (var (table, delta) in deltas)
            table.Apply(delta);
        SaveOffline(deltas);
        foreach (var (table, delta) in deltas)
            table.Fire(delta, context);
    }

    private void FailPending(string reason)
    {
        List<PendingCall> calls;
        lock (_lock)
        {
            calls = [.. _pending.Values];
            _pending.Clear();
        }
        foreach (var call in calls)
        {
            switch (call)
            {
                case PendingReducer r:
                    var reducerEvent = new ReducerEvent(default, new Status.InternalError(reason), Identity ?? default, ConnectionId, r.Name, r.Args);
                    DropPrediction(r, reducerEvent);
                    Guard(() => r.Completed(CreateReducerEventContext(reducerEvent), reducerEvent));
                    if (r.Queued is { } queued)
                        QueuedCallLost(queued, reason);
                    break;
                case PendingQuery q:
                    q.Completed(null, reason);
                    break;
                case PendingProcedure p:
                    var procedureEvent = new ProcedureEvent(default, p.Name, default, reason);
                    Guard(() => p.Completed(CreateProcedureEventContext(procedureEvent), new ProcedureStatus.InternalError(reason)));
                    break;
            }
        }
    }

    /// <summary>
    /// Calls a reducer (the generated <c>Reducers.&lt;Name&gt;</c> methods use it). The task completes
    /// when the outcome has been applied (at a tick), after <paramref name="onResult"/> ran. With queued
    /// calls on (<see cref="DbConnectionBuilder{T}.WithQueuedCalls"/>), a call made while not connected
    /// waits in the queue and is sent when the connection returns.
    /// </summary>
    /// <param name="name">The reducer's name on the wire.</param>
    /// <param name="args">The BSATN of its arguments.</param>
    /// <param name="argsObject">The generated arguments object, for <see cref="ReducerEvent.Args"/>.</param>
    /// <param name="onResult">Runs with the generated <c>ReducerEventContext</c> when the outcome arrives.</param>
    public Task<ReducerEvent> InternalCallReducer(string name, byte[] args, object? argsObject, Action<object, ReducerEvent>? onResult)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(args);
        var completion = new TaskCompletionSource<ReducerEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pending = new PendingReducer(name, argsObject, (ctx, e) =>
        {
            try
            {
                onResult?.Invoke(ctx, e);
            }
            finally
            {
                completion.TrySetResult(e);
            }
        });
        pending.Prediction = TakePrediction(name, argsObject);
        string? refused;
        lock (_lock)
        {
            if (TryQueue(name, args, argsObject, pending, out refused))
            {
                if (pending.Prediction is { } accepted)
                    accepted.Accepted = true;
                return completion.Task;
            }
            if (refused is null)
            {
                if (Register(pending, out var requestId))
                {
                    if (pending.Prediction is { } accepted)
                        accepted.Accepted = true;
                    Send(new ClientMessage.CallReducer(requestId, 0, name, args));
                    return completion.Task;
                }
                refused = _state == ConnectionState.Disconnected || _disposed
                    ? ClosedReason
                    : $"Not connected ({_state}): the call was not sent (queued calls are off).";
            }
        }
        completion.TrySetResult(new ReducerEvent(default, new Status.InternalError(refused), Identity ?? default, ConnectionId, name, argsObject));
        return completion.Task;
    }

    /// <summary>Calls a procedure (the generated <c>Procedures.&lt;Name&gt;</c> methods use it).</summary>
    /// <typeparam name="T">The return type.</typeparam>
    /// <param name="name">The procedure's name on the wire.</param>
    /// <param name="args">The BSATN of its arguments.</param>
    /// <param name="readResult">Decodes the return value.</param>
    /// <param name="onResult">Runs with the generated <c>ProcedureEventContext</c> when the result arrives.</param>
    public Task<ProcedureCallbackResult<T>> InternalCallProcedure<T>(
        string name, byte[] args, BsatnRead<T> readResult, Action<object, ProcedureCallbackResult<T>>? onResult)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(readResult);
        var completion = new TaskCompletionSource<ProcedureCallbackResult<T>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pending = new PendingProcedure(name, (ctx, status) =>
        {
            ProcedureCallbackResult<T> result;
            switch (status)
            {
                case ProcedureStatus.Returned r:
                    try
                    {
                        result = ProcedureCallbackResult<T>.Success(BsatnCodec.Decode(r.Value, readResult));
                    }
                    catch (BsatnDecodeException e)
                    {
                        result = ProcedureCallbackResult<T>.Failure(new MeridianClientException($"The result of {name} could not be decoded: {e.Message}", e));
                    }
                    break;
                case ProcedureStatus.InternalError ie:
                    result = ProcedureCallbackResult<T>.Failure(new MeridianClientException(ie.Message));
                    break;
                default:
                    result = ProcedureCallbackResult<T>.Failure(new MeridianClientException("Unknown procedure status."));
                    break;
            }
            try
            {
                onResult?.Invoke(ctx, result);
            }
            finally
            {
                completion.TrySetResult(result);
            }
        });
        lock (_lock)
        {
            if (Register(pending, out var requestId))
            {
                Send(new ClientMessage.CallProcedure(requestId, 0, name, args));
                return completion.Task;
            }
        }
        completion.TrySetResult(ProcedureCallbackResult<T>.Failure(new MeridianClientException(
            _state == ConnectionState.Disconnected || _disposed ? ClosedReason : $"Not connected ({_state}): the procedure was not called.")));
        return completion.Task;
    }

    /// <summary>
    /// Runs a SQL query once on the server, without subscribing: the rows come back in the task and do not enter
    /// the cache (no callbacks). The task fails with a <see cref="MeridianClientException"/> when the server refuses
    /// the query, or when the connection is not open or is lost before the answer.
    /// </summary>
    /// <typeparam name="T">The row type.</typeparam>
    /// <param name="query">A SQL <c>SELECT</c>.</param>
    /// <param name="read">Decodes a row (a generated row type's <c>ReadBsatn</c>).</param>
    public Task<IReadOnlyList<T>> OneOffQuery<T>(string query, BsatnRead<T> read)
    {
        ArgumentException.ThrowIfNullOrEmpty(query);
        ArgumentNullException.ThrowIfNull(read);
        var completion = new TaskCompletionSource<IReadOnlyList<T>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pending = new PendingQuery(query, (tables, error) =>
        {
            if (error is not null)
            {
                completion.TrySetException(new MeridianClientException(error));
                return;
            }
            try
            {
                var rows = new List<T>();
                foreach (var table in tables ?? [])
                {
                    foreach (var row in table.Rows)
                        rows.Add(BsatnCodec.Decode(row.Span, read));
                }
                completion.TrySetResult(rows);
            }
            catch (BsatnDecodeException e)
            {
                completion.TrySetException(new MeridianClientException($"The rows of '{query}' could not be decoded: {e.Message}", e));
            }
        });
        lock (_lock)
        {
            if (Register(pending, out var requestId))
            {
                Send(new ClientMessage.OneOffQuery(requestId, query));
                return completion.Task;
            }
        }
        completion.TrySetException(new MeridianClientException(
            _state == ConnectionState.Disconnected || _disposed ? ClosedReason : $"Not connected ({_state}): the query was not sent."));
        return completion.Task;
    }

    private string ClosedReason => _disposed ? "The connection was disposed." : "The connection is closed.";

    /// <summary>Registers a call on the current session; false when there is none. Call it under <see cref="_lock"/>.</summary>
    private bool Register(PendingCall call, out uint requestId)
    {
        requestId = NextRequestId();
        if (_session is null || _disconnectRequested || _stop.IsCancellationRequested)
            return false;
        _pending[requestId] = call;
        return true;
    }

    internal void Subscribe(ISubscriptionCallbacks subscription, IReadOnlyList<string> queries)
    {
#pragma warning disable CA1513 // ObjectDisposedException.ThrowIf does not exist in netstandard2.1.
        if (_disposed)
            throw new ObjectDisposedException(GetType().Name, "The connection was disposed: build a new one to subscribe.");
#pragma warning restore CA1513
        lock (_lock)
        {
            // A disconnect still being processed ends the subscription with the others.
            if (!_subscriptionsEnded && !_stop.IsCancellationRequested)
            {
                var entry = new SubscriptionEntry(subscription, queries);
                _entries.Add(entry);
                // Without a session the subscription is sent when the next one opens.
                if (_session is { } session)
                    SendSubscribe(session, entry);
                return;
            }
        }
        // Over for good (a connection that failed right after Build, say): nothing would ever send the subscription, so it
        // fails at once through its OnError, as one waiting for its rows does when the connection ends. No tick would
        // deliver it later: the background thread has stopped.
        var error = new MeridianClientException("The connection was closed for good before the subscription was sent; build a new connection to subscribe.");
        lock (_tickLock)
            Guard(() => subscription.Failed(CreateErrorContext(error), error));
    }

    /// <summary>Sends <paramref name="entry"/>'s queries on <paramref name="session"/> under a new query set id. Call it under <see cref="_lock"/>.</summary>
    private void SendSubscribe(Session session, SubscriptionEntry entry)
    {
        if (entry.QuerySetId != 0)
            _subscriptions.Remove(entry.QuerySetId);
        entry.QuerySetId = unchecked((uint)Interlocked.Increment(ref _nextQuerySetId));
        entry.SessionId = session.Id;
        entry.Applied = false;
        _subscriptions[entry.QuerySetId] = entry;
        Send(new ClientMessage.Subscribe(NextRequestId(), entry.QuerySetId, entry.Queries));
    }

    internal void Unsubscribe(ISubscriptionCallbacks subscription)
    {
        lock (_lock)
        {
            var entry = _entries.Find(e => ReferenceEquals(e.Callbacks, subscription));
            if (entry is null)
                return;
            entry.Unsubscribing = true;
            // Sent on an earlier session (or never): the reconciliation after the next connect drops its rows.
            if (_session is { } session && entry.SessionId == session.Id)
                Send(new ClientMessage.Unsubscribe(NextRequestId(), entry.QuerySetId, UnsubscribeMode.SendDroppedRows));
        }
    }

    private SubscriptionEntry? Entry(uint querySetId)
    {
        lock (_lock)
        {
            return _subscriptions.TryGetValue(querySetId, out var entry) ? entry : null;
        }
    }

    private SubscriptionEntry? RemoveEntry(uint querySetId)
    {
        lock (_lock)
        {
            if (!_subscriptions.Remove(querySetId, out var entry))
                return null;
            _entries.Remove(entry);
            return entry;
        }
    }

    /// <summary>The cached rows of a table as BSATN with their subscription counts (for tests and tools).</summary>
    internal IEnumerable<(ReadOnlyMemory<byte> Row, int Count)> CachedRows(string table) => _tables[table].CachedRows();

    /// <summary>
    /// Closes the connection without waiting and releases its resources. What a tick would have finished is finished
    /// now, on the calling thread, without a tick: calls awaiting an answer complete with a "disposed" error
    /// (<see cref="Status.InternalError"/>, a failed procedure result, a failed query task), queued calls are settled
    /// as by <see cref="Disconnect"/>, subscriptions end (those still waiting for their rows get OnError with an
    /// <see cref="ObjectDisposedException"/>), and OnDisconnect runs unless the connection had already ended.
    /// </summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases resources.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing || _disposed)
            return;
        _disposed = true;
        Disconnect();
        _stop.Cancel();
        lock (_lock)
        {
            CancelRetryWait();
        }
        // Disposed from one of its own callbacks in the background mode, the thread cannot wait for itself.
        if (_background is { } background && background != Thread.CurrentThread)
            background.Join(TimeSpan.FromSeconds(5));
        Session? open;
        lock (_lock)
        {
            open = _session;
            _session = null;
        }
        if (open is not null)
        {
            open.Cancel.Cancel();
            open.Transport.Dispose();
        }
        lock (_tickLock)
        {
            FinishDisposed();
        }
        CloseOffline();
    }

    /// <summary>Settles, without a tick, everything that waits for the connection: no message will be applied any more.</summary>
    private void FinishDisposed()
    {
        const string reason = "The connection was disposed before the answer came.";
        var ended = _state == ConnectionState.Disconnected;
        _state = ConnectionState.Disconnected;
        _resync = null;
        while (_inbound.TryDequeue(out _))
        {
        }
        FailPending(reason);
        AbandonQueue();
        EndSubscriptions(() => new ObjectDisposedException(GetType().Name, "The connection was disposed before the subscription's rows came."));
        if (!ended)
        {
            DisconnectReason = null;
            Guard(() => _options.OnDisconnect?.Invoke(null));
        }
        ReportStatus();
    }

    /// <summary>One attempt to connect and, when it succeeds, the connection it opens.</summary>
    private sealed class Session(int id, IClientTransport transport, CancellationToken stop)
    {
        public int Id { get; } = id;

        public IClientTransport Transport { get; } = transport;

        public CancellationTokenSource Cancel { get; } = CancellationTokenSource.CreateLinkedTokenSource(stop);

        public ConcurrentQueue<byte[]> Outbound { get; } = new();

        public SemaphoreSlim OutboundReady { get; } = new(0);

        /// <summary>Whether the server's InitialConnection arrived (the tick thread sets it).</summary>
        public bool Opened { get; set; }
    }

    private abstract class Inbound(Session? session)
    {
        /// <summary>The session it came from; null for the app's own Disconnect.</summary>
        public Session? Session { get; } = session;

        public sealed class Message(Session session, ServerMessage serverMessage) : Inbound(session)
        {
            public ServerMessage ServerMessage { get; } = serverMessage;
        }

        public sealed class ConnectFailed(Session session, Exception error) : Inbound(session)
        {
            public Exception Error { get; } = error;
        }

        public sealed class Closed(Session session, Exception? error) : Inbound(session)
        {
            public Exception? Error { get; } = error;
        }

        public sealed class Ended() : Inbound(null);

        /// <summary>The grace for claiming stored rows has passed (<see cref="Generation"/> says which wait it was).</summary>
        public sealed class Settle(Session session, int generation) : Inbound(session)
        {
            public int Generation { get; } = generation;
        }
    }

    /// <summary>Stands for a transport that could not be made: connecting to it fails with the reason.</summary>
    private sealed class FailedTransport(Exception error) : IClientTransport
    {
        public bool IsV3 => false;

        public string? CloseDescription => null;

        public Task ConnectAsync(CancellationToken cancellationToken) => Task.FromException(error);

        public Task SendAsync(byte[] frame, CancellationToken cancellationToken) => Task.FromException(error);

        public Task<byte[]?> ReceiveAsync(CancellationToken cancellationToken) => Task.FromException<byte[]?>(error);

        public Task CloseAsync() => Task.CompletedTask;

        public void Dispose()
        {
        }
    }

    private sealed class RowLists
    {
        public List<ReadOnlyMemory<byte>> Inserts { get; } = [];

        public List<ReadOnlyMemory<byte>> Deletes { get; } = [];

        public List<ReadOnlyMemory<byte>> Events { get; } = [];
    }

    /// <summary>A subscription the app holds, across the sessions it is sent on.</summary>
    private sealed class SubscriptionEntry(ISubscriptionCallbacks callbacks, IReadOnlyList<string> queries)
    {
        public ISubscriptionCallbacks Callbacks { get; } = callbacks;

        public IReadOnlyList<string> Queries { get; } = queries;

        /// <summary>The id on the session it was last sent on (0: never sent).</summary>
        public uint QuerySetId { get; set; }

        /// <summary>The session it was last sent on (0: never sent).</summary>
        public int SessionId { get; set; }

        /// <summary>Whether its rows arrived on that session.</summary>
        public bool Applied { get; set; }

        /// <summary>Whether OnApplied ran (it runs once, not again after a reconnect).</summary>
        public bool EverApplied { get; set; }

        public bool Unsubscribing { get; set; }
    }

    private abstract class PendingCall(string name)
    {
        public string Name { get; } = name;
    }

    private sealed class PendingReducer(string name, object? args, Action<object, ReducerEvent> completed) : PendingCall(name)
    {
        public object? Args { get; } = args;

        public Action<object, ReducerEvent> Completed { get; } = completed;

        /// <summary>The queued call it sends, when it came from the queue.</summary>
        public QueuedCall? Queued { get; set; }

        /// <summary>What the call is predicted to do (CallWithPrediction), applied to the cache until the answer.</summary>
        public Prediction? Prediction { get; set; }
    }

    private sealed class PendingQuery(string query, Action<IReadOnlyList<TableRows>?, string?> completed) : PendingCall(query)
    {
        public Action<IReadOnlyList<TableRows>?, string?> Completed { get; } = completed;
    }

    private sealed class PendingProcedure(string name, Action<object, ProcedureStatus> completed) : PendingCall(name)
    {
        public Action<object, ProcedureStatus> Completed { get; } = completed;
    }
}

/// <summary>What a subscription handle hears from the connection.</summary>
internal interface ISubscriptionCallbacks
{
    void Applied(object subscriptionEventContext);

    void Failed(object errorContext, Exception error);

    void Ended(object subscriptionEventContext);
}

/// <summary>The settings the builder collected.</summary>
internal sealed class ConnectionOptions
{
    public required Uri Uri { get; init; }

    public required string DatabaseName { get; init; }

    public string? Token { get; init; }

    public Compression Compression { get; init; } = Compression.Gzip;

    public bool OfferV3 { get; init; } = true;

    public bool Background { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long rows loaded from the offline store wait for a subscription to claim them once every subscription has its rows.</summary>
    public TimeSpan StoredRowsGrace { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Another transport than a WebSocket (the in-process mode), given the token to connect with.</summary>
    public Func<string?, IClientTransport>? CreateTransport { get; init; }

    /// <summary>Reconnects after a loss when set.</summary>
    public ReconnectPolicy? Reconnect { get; init; }

    /// <summary>Queues calls made while not connected when set.</summary>
    public CallQueuePolicy? Queue { get; init; }

    /// <summary>Keeps the cache and the queue across runs when set.</summary>
    public IOfflineStore? Store { get; init; }

    /// <summary>Whether the connection disposes <see cref="Store"/>.</summary>
    public bool OwnsStore { get; init; }

    public Action<Identity, string>? OnConnect { get; init; }

    public Action<Exception>? OnConnectError { get; init; }

    public Action<Exception?>? OnDisconnect { get; init; }

    public Action<ConnectionStatus>? OnStateChanged { get; init; }

    public Action<QueuedCallResult>? OnQueuedCallResult { get; init; }

    public Action<QueuedCallResult>? OnConflict { get; init; }
}
