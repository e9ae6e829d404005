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
public abstract class DbConnectionBase : IDisposable
{
    private readonly ConcurrentQueue<Inbound> _inbound = new();
    private readonly AutoResetEvent _inboundArrived = new(false);
    private readonly ConcurrentQueue<byte[]> _outbound = new();
    private readonly SemaphoreSlim _outboundReady = new(0);
    private readonly object _tickLock = new();
    private readonly object _pendingLock = new();
    private readonly Dictionary<uint, PendingCall> _pending = [];
    private readonly Dictionary<uint, ISubscriptionCallbacks> _subscriptions = [];
    private readonly Dictionary<string, RemoteTableHandleBase> _tables = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private IClientTransport? _transport;
    private ConnectionOptions _options = null!;
    private int _nextRequestId;
    private int _nextQuerySetId;
    private int _disconnectReported;
    private volatile ConnectionState _state = ConnectionState.Connecting;
    private volatile bool _disconnectRequested;
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

    /// <summary>Where the connection stands, for a UI.</summary>
    public ConnectionState State => _state;

    /// <summary>Why the connection ended: null while it has not, or when <see cref="Disconnect"/> ended it.</summary>
    public Exception? DisconnectReason { get; private set; }

    /// <summary>Whether the connection is open (connected and not yet disconnected).</summary>
    public bool IsActive => _state == ConnectionState.Connected;

    /// <summary>
    /// The lock held while messages are applied and callbacks run. In the background mode, take it
    /// to read the cache from another thread and see whole transactions only.
    /// </summary>
    public object SyncRoot => _tickLock;

    /// <summary>Whether frames may carry several messages (the server accepted protocol v3).</summary>
    public bool UsesV3Framing => _transport?.IsV3 == true;

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
            _tables[table.RemoteTableName] = table;
    }

    /// <summary>The names of the tables and views the bindings know, for <c>SubscribeToAllTables</c>.</summary>
    internal IEnumerable<string> TableNames => _tables.Keys;

    internal void Start(ConnectionOptions options)
    {
        _options = options;
        _transport = options.CreateTransport?.Invoke()
            ?? new WebSocketTransport(options.Uri, options.DatabaseName, options.Token, options.Compression, options.OfferV3);
        _ = Task.Run(RunAsync);
        if (options.Background)
        {
            _background = new Thread(BackgroundLoop) { IsBackground = true, Name = "Meridian.Client " + options.DatabaseName };
            _background.Start();
        }
    }

    private async Task RunAsync()
    {
        var transport = _transport!;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(_options.ConnectTimeout);
            await transport.ConnectAsync(timeout.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Any failure to connect is reported to OnConnectError.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Enqueue(new Inbound.ConnectFailed(e));
            return;
        }
        _ = Task.Run(SendLoopAsync);
        try
        {
            while (true)
            {
                var frame = await transport.ReceiveAsync(_stop.Token).ConfigureAwait(false);
                if (frame is null)
                {
                    Enqueue(new Inbound.Closed(_disconnectRequested
                        ? null
                        : new MeridianClientException($"The server closed the connection ({transport.CloseDescription}).")));
                    return;
                }
                foreach (var message in ServerFrame.Decode(frame))
                    Enqueue(new Inbound.Message(message));
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A broken connection is reported to OnDisconnect.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Enqueue(new Inbound.Closed(_disconnectRequested ? null : e));
        }
    }

    private async Task SendLoopAsync()
    {
        try
        {
            while (true)
            {
                await _outboundReady.WaitAsync(_stop.Token).ConfigureAwait(false);
                if (_outbound.TryDequeue(out var frame))
                    await _transport!.SendAsync(frame, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // The receive loop reports the broken connection.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Enqueue(new Inbound.Closed(e));
        }
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

    /// <summary>Sends a message once the connection is open (messages go out in the order sent).</summary>
    private void Send(ClientMessage message)
    {
        var writer = new BsatnWriter(64);
        message.Write(writer);
        _outbound.Enqueue(writer.ToArray());
        _outboundReady.Release();
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
                switch (item)
                {
                    case Inbound.Message m:
                        Handle(m.ServerMessage);
                        break;
                    case Inbound.ConnectFailed f:
                        _state = ConnectionState.Disconnected;
                        DisconnectReason = f.Error;
                        FailPending("The connection could not be opened.");
                        Guard(() => _options.OnConnectError?.Invoke(f.Error));
                        _stop.Cancel();
                        break;
                    case Inbound.Closed c:
                        ReportDisconnect(c.Error);
                        break;
                }
            }
        }
    }

    private void ReportDisconnect(Exception? error)
    {
        if (Interlocked.Exchange(ref _disconnectReported, 1) != 0)
            return;
        _state = ConnectionState.Disconnected;
        DisconnectReason = error;
        FailPending(error is null ? "The connection was closed." : "The connection was lost: " + error.Message);
        Guard(() => _options.OnDisconnect?.Invoke(error));
        _stop.Cancel();
    }

    /// <summary>Closes the connection; OnDisconnect runs (at the next tick, or at once in the background mode) with no error.</summary>
    public void Disconnect()
    {
        if (_stop.IsCancellationRequested || _disconnectRequested)
            return;
        _disconnectRequested = true;
        var transport = _transport;
        _ = Task.Run(async () =>
        {
            if (transport is not null)
                await transport.CloseAsync().ConfigureAwait(false);
            Enqueue(new Inbound.Closed(null));
        });
    }

    private void Handle(ServerMessage message)
    {
        switch (message)
        {
            case ServerMessage.InitialConnection ic:
                Identity = ic.Identity;
                ConnectionId = ic.ConnectionId;
                Token = ic.Token;
                _state = ConnectionState.Connected;
                Guard(() => _options.OnConnect?.Invoke(ic.Identity, ic.Token));
                break;
            case ServerMessage.SubscribeApplied sa:
            {
                var sub = Subscription(sa.QuerySetId);
                var ctx = CreateEventContext(new Event.SubscribeApplied());
                ApplyTransaction(sa.Rows.Select(t => (t.Table, (TableUpdateRows)new TableUpdateRows.Persistent(t.Rows, Sats.Rows.RowList.Empty))), ctx);
                if (sub is not null)
                    Guard(() => sub.Applied(CreateSubscriptionEventContext()));
                break;
            }
            case ServerMessage.UnsubscribeApplied ua:
            {
                ISubscriptionCallbacks? sub;
                lock (_pendingLock)
                {
                    _subscriptions.Remove(ua.QuerySetId, out sub);
                }
                var ctx = CreateEventContext(new Event.UnsubscribeApplied());
                ApplyTransaction((ua.Rows ?? []).Select(t => (t.Table, (TableUpdateRows)new TableUpdateRows.Persistent(Sats.Rows.RowList.Empty, t.Rows))), ctx);
                if (sub is not null)
                    Guard(() => sub.Ended(CreateSubscriptionEventContext()));
                break;
            }
            case ServerMessage.SubscriptionError se:
            {
                ISubscriptionCallbacks? sub;
                lock (_pendingLock)
                {
                    _subscriptions.Remove(se.QuerySetId, out sub);
                }
                var error = new MeridianClientException(se.Error);
                if (sub is not null)
                    Guard(() => sub.Failed(CreateErrorContext(error), error));
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
                ApplyTransaction(Flatten(updates), CreateEventContext(new Event.Reducer(reducerEvent)));
                Guard(() => pending.Completed(CreateReducerEventContext(reducerEvent), reducerEvent));
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
            case ServerMessage.OneOffQueryResult:
                // One-off queries are not offered by this client yet.
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

    /// <summary>Applies one transaction to every table it touches, then runs its row callbacks.</summary>
    private void ApplyTransaction(IEnumerable<(string Table, TableUpdateRows Rows)> changes, object context)
    {
        var byTable = new Dictionary<RemoteTableHandleBase, (List<ReadOnlyMemory<byte>> Inserts, List<ReadOnlyMemory<byte>> Deletes,
            List<ReadOnlyMemory<byte>> Events)>();
        foreach (var (name, rows) in changes)
        {
            // Tables the bindings do not know (private ones, or newer than the bindings) are left out.
            if (!_tables.TryGetValue(name, out var table))
                continue;
            if (!byTable.TryGetValue(table, out var lists))
                byTable[table] = lists = ([], [], []);
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
        var deltas = byTable.Select(pair => (Table: pair.Key, Delta: pair.Key.Prepare(pair.Value.Inserts, pair.Value.Deletes, pair.Value.Events)))
            .Where(d => !d.Delta.IsEmpty)
            .ToList();
        foreach (var (table, delta) in deltas)
            table.FireBeforeDelete(delta, context);
        foreach (var (table, delta) in deltas)
            table.Apply(delta);
        foreach (var (table, delta) in deltas)
            table.Fire(delta, context);
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

    private ISubscriptionCallbacks? Subscription(uint querySetId)
    {
        lock (_pendingLock)
        {
            return _subscriptions.TryGetValue(querySetId, out var sub) ? sub : null;
        }
    }

    private PendingCall? TakePending(uint requestId)
    {
        lock (_pendingLock)
        {
            return _pending.Remove(requestId, out var call) ? call : null;
        }
    }

    private void FailPending(string reason)
    {
        List<PendingCall> calls;
        lock (_pendingLock)
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
                    Guard(() => r.Completed(CreateReducerEventContext(reducerEvent), reducerEvent));
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
    /// when the outcome has been applied (at a tick), after <paramref name="onResult"/> ran.
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
        if (!Register(pending, out var requestId))
        {
            var failed = new ReducerEvent(default, new Status.InternalError("The connection is closed."), Identity ?? default, ConnectionId, name, argsObject);
            completion.TrySetResult(failed);
            return completion.Task;
        }
        Send(new ClientMessage.CallReducer(requestId, 0, name, args));
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
        if (!Register(pending, out var requestId))
        {
            completion.TrySetResult(ProcedureCallbackResult<T>.Failure(new MeridianClientException("The connection is closed.")));
            return completion.Task;
        }
        Send(new ClientMessage.CallProcedure(requestId, 0, name, args));
        return completion.Task;
    }

    private bool Register(PendingCall call, out uint requestId)
    {
        requestId = NextRequestId();
        if (_state == ConnectionState.Disconnected || _stop.IsCancellationRequested)
            return false;
        lock (_pendingLock)
        {
            _pending[requestId] = call;
        }
        return true;
    }

    internal uint Subscribe(ISubscriptionCallbacks subscription, IReadOnlyList<string> queries)
    {
        var querySetId = unchecked((uint)Interlocked.Increment(ref _nextQuerySetId));
        lock (_pendingLock)
        {
            _subscriptions[querySetId] = subscription;
        }
        Send(new ClientMessage.Subscribe(NextRequestId(), querySetId, queries));
        return querySetId;
    }

    internal void Unsubscribe(uint querySetId) =>
        Send(new ClientMessage.Unsubscribe(NextRequestId(), querySetId, UnsubscribeMode.SendDroppedRows));

    /// <summary>The cached rows of a table as BSATN with their subscription counts (for tests and tools).</summary>
    internal IEnumerable<(ReadOnlyMemory<byte> Row, int Count)> CachedRows(string table) => _tables[table].CachedRows();

    /// <summary>Closes the connection without waiting and releases its resources.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases resources.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing)
            return;
        Disconnect();
        _stop.Cancel();
        _background?.Join(TimeSpan.FromSeconds(5));
        _transport?.Dispose();
    }

    private abstract class Inbound
    {
        public sealed class Message(ServerMessage serverMessage) : Inbound
        {
            public ServerMessage ServerMessage { get; } = serverMessage;
        }

        public sealed class ConnectFailed(Exception error) : Inbound
        {
            public Exception Error { get; } = error;
        }

        public sealed class Closed(Exception? error) : Inbound
        {
            public Exception? Error { get; } = error;
        }
    }

    private abstract class PendingCall(string name)
    {
        public string Name { get; } = name;
    }

    private sealed class PendingReducer(string name, object? args, Action<object, ReducerEvent> completed) : PendingCall(name)
    {
        public object? Args { get; } = args;

        public Action<object, ReducerEvent> Completed { get; } = completed;
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

    /// <summary>Another transport than a WebSocket (the in-process mode).</summary>
    public Func<IClientTransport>? CreateTransport { get; init; }

    public Action<Identity, string>? OnConnect { get; init; }

    public Action<Exception>? OnConnectError { get; init; }

    public Action<Exception?>? OnDisconnect { get; init; }
}
