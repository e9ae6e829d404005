using System.Buffers;
using System.Net.WebSockets;
using Meridian.Protocol.Framing;
using Meridian.Protocol.Messages;
using Meridian.Runtime;
using Meridian.Runtime.Execution;
using Meridian.Runtime.Subscriptions;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Server.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Meridian.Server.Sessions;

/// <summary>
/// One client's session over a <see cref="IFrameTransport"/> (a WebSocket, or an in-process pair):
/// reads client messages and handles them one at a time in order, and writes server messages from a
/// queue in the order the database produced them. v2 carries one message per frame; v3 (batched)
/// packs every queued message, up to 512 KiB, into one frame and accepts several client messages per
/// frame. With confirmed reads a message about a transaction waits until that transaction is durable.
/// </summary>
internal sealed class ClientSession : IClientSession, IThreadPoolWorkItem
{
    /// <summary>Largest client message accepted (upstream's limit).</summary>
    public const int MaxMessageBytes = 32 << 20;

    /// <summary>
    /// Default for how many messages may wait for a client that does not read; past this the
    /// client is disconnected rather than letting its queue grow without bound (upstream: 16,384).
    /// </summary>
    public const int DefaultMaxQueuedMessages = 16_384;

    /// <summary>A v3 frame stops taking more queued messages once its body reaches this size (as upstream).</summary>
    public const int MaxBatchBytes = 512 << 10;

    /// <summary>The close reason a client gets when its session fails with an error of the server's own (details go to the log).</summary>
    public const string InternalErrorReason = "internal server error: the server ended this connection (its log has the details)";

    private readonly IFrameTransport _transport;
    private readonly Database _database;
    private readonly ServerMetrics _metrics;
    private readonly bool _confirmedReads;
    private readonly bool _batched;
    private readonly int _maxQueued;
    private readonly Compression _compression; // decided once per connection (CompressionOptions.ForConnection)
    private readonly int _compressionThreshold;
    private readonly Limits.IdentityLimiter _limiter;
    private readonly ILogger _logger;
    // Cancelled to end the receive loop (which aborts a WebSocket's pending receive); set while RunAsync runs.
    private CancellationTokenSource? _closing;
    private int _failed; // 1 once the session ended with an internal error
    /// <summary>Reducer calls one session may have handed to the database before it waits for the oldest to be answered.</summary>
    public const int MaxPipelinedCalls = 64;


    // Reducer calls handed to the database and not yet answered, oldest first; only the receive loop touches it.
    // The writer runs calls in the order they reach it and their answers are queued in commit order, so a call
    // need not wait for the one before it: the session reads on (a client's 40 calls in flight reach the writer
    // together instead of one per round trip through it). Every other message, and a refusal, waits for them
    // first, so answers keep request order.
    private readonly Queue<Task> _calls = new();
    // Messages not sent yet, in order: a message, or its encoding when that is shared with other sessions (a fan-out's
    // update, see SharedUpdate). The queue is also the lock for the send state below.
    private readonly Queue<(ServerMessage? Message, byte[]? Encoded, ulong? Offset)> _outbox = new();
    private bool _flushing; // a flush is queued, running, waiting for a send, or waiting at the durable gate
    private bool _closed;   // no more messages are accepted or sent
    private Task? _pendingSend; // the flush's send that did not complete at once
    private readonly DurableGate? _durableGate; // with confirmed reads
    private readonly BsatnWriter _body = new(4096); // only the one running flush touches it
    // Messages the running flush took from the outbox, oldest first, not yet written into a frame: it takes every
    // message ready to send (up to this many) under one lock and encodes them outside it, instead of locking once per
    // message while the pipeline locks once per message to queue them. Only the one running flush touches these.
    private readonly (ServerMessage? Message, byte[]? Encoded, ulong? Offset)[] _taken = new (ServerMessage?, byte[]?, ulong?)[32];
    private int _takenNext;
    private int _takenCount;

    public ClientSession(
        IFrameTransport transport,
        Database database,
        Identity identity,
        ConnectionId connectionId,
        bool confirmedReads,
        bool batched,
        ServerMetrics metrics,
        int maxQueued = DefaultMaxQueuedMessages,
        Compression compression = Compression.None,
        int compressionThreshold = ServerFrame.CompressionThreshold,
        Limits.IdentityLimiter? limiter = null,
        ILogger? logger = null)
    {
        _logger = logger ?? NullLogger.Instance;
        _limiter = limiter ?? Limits.IdentityLimiter.Unlimited;
        _compression = compression;
        _compressionThreshold = compressionThreshold;
        _batched = batched;
        _maxQueued = maxQueued;
        _transport = transport;
        _database = database;
        _metrics = metrics;
        Identity = identity;
        ConnectionId = connectionId;
        _confirmedReads = confirmedReads;
        _durableGate = confirmedReads ? DurableGate.For(database, _logger) : null;
    }

    public Identity Identity { get; }

    public ConnectionId ConnectionId { get; }

    /// <summary>Runs the connection until the client leaves or breaks the protocol; the caller has already run ClientConnected.</summary>
    public async Task RunAsync(string token, CancellationToken serverStopping)
    {
        // Cancelled when the receive loop ends, or two seconds after a goodbye (ending the receive loop).
        using var closing = new CancellationTokenSource();
        _closing = closing;
        // Cancelling a pending receive would abort the socket, so when the database closes or the
        // server stops the client first gets a close frame (1001); its answer ends the receive loop
        // normally, and a client that does not answer is cut off two seconds later.
        void Goodbye()
        {
            _ = CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "the database is gone (deleted or shutting down)");
            try
            {
                closing.CancelAfter(TimeSpan.FromSeconds(2));
            }
            catch (ObjectDisposedException)
            {
            }
        }
        using var databaseGone = _database.Stopping.Register(Goodbye);
        // A client-breaking migration disconnects every client with its reason (WebSocket close reasons are short).
        using var clientsBroken = _database.ClientsBroken.Register(() =>
        {
            var reason = _database.ClientBreakReason ?? "module updated with a client-breaking change";
            _ = CloseAsync(WebSocketCloseStatus.NormalClosure, reason.Length > 100 ? reason[..100] : reason);
            try
            {
                closing.CancelAfter(TimeSpan.FromSeconds(2));
            }
            catch (ObjectDisposedException)
            {
            }
        });
        using var serverGone = serverStopping.Register(Goodbye);
        _metrics.Connected(_database.Name, 1);
        Enqueue(new ServerMessage.InitialConnection(Identity, ConnectionId, token));
        try
        {
            await ReceiveLoopAsync(closing.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not DatabaseClosedException)
        {
            // A bug of the server's own while handling this client's messages: this session ends, the server serves on.
            Fail(e);
        }
        finally
        {
            try
            {
                await DrainCallsAsync().ConfigureAwait(false);
            }
            catch (DatabaseClosedException)
            {
            }
            // What is still queued is dropped; a send still pending is cut off by aborting the transport.
            Task? sending;
            lock (_outbox)
            {
                Close();
                sending = _pendingSend;
            }
            await closing.CancelAsync().ConfigureAwait(false);
            _closing = null;
            if (sending is { IsCompleted: false })
            {
                _transport.Abort();
                try
                {
                    await sending.ConfigureAwait(false);
                }
                catch (Exception e) when (IsTransportFailure(e))
                {
                }
            }
            try
            {
                await _database.DisconnectAsync(Identity, ConnectionId, this).ConfigureAwait(false);
            }
            catch (DatabaseClosedException)
            {
                // The database was deleted or the server is stopping: there is nothing left to tell.
            }
            _metrics.Connected(_database.Name, -1);
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellation)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            buffer.ResetWrittenCount();
            switch (await _transport.ReceiveAsync(buffer, MaxMessageBytes, cancellation).ConfigureAwait(false))
            {
                case FrameKind.Closed:
                    await _transport.CloseAsync(WebSocketCloseStatus.NormalClosure, "").ConfigureAwait(false);
                    return;
                case FrameKind.TooLarge:
                    await _transport.CloseAsync(WebSocketCloseStatus.MessageTooBig, $"message larger than {MaxMessageBytes >> 20} MiB").ConfigureAwait(false);
                    return;
                case FrameKind.Text:
                    await _transport.CloseAsync(
                        WebSocketCloseStatus.InternalServerError, "text frames are not supported by the v2 BSATN protocol").ConfigureAwait(false);
                    return;
            }
            List<ClientMessage> messages;
            try
            {
                messages = _batched ? ClientMessage.DecodeV3(buffer.WrittenSpan) : [ClientMessage.DecodeV2(buffer.WrittenSpan)];
            }
            catch (BsatnDecodeException e)
            {
                await _transport.CloseAsync(WebSocketCloseStatus.InternalServerError, "invalid message: " + e.Message).ConfigureAwait(false);
                return;
            }
            try
            {
                foreach (var message in messages)
                {
                    if (message is ClientMessage.CallReducer call)
                    {
                        await StartCallAsync(call).ConfigureAwait(false);
                        continue;
                    }
                    await DrainCallsAsync().ConfigureAwait(false);
                    await HandleAsync(message).ConfigureAwait(false);
                }
            }
            catch (DatabaseClosedException)
            {
                await _transport.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "the database is gone (deleted or shutting down)").ConfigureAwait(false);
                return;
            }
        }
    }

    private async Task DrainCallsAsync()
    {
        while (_calls.TryDequeue(out var call))
            await call.ConfigureAwait(false);
    }

    // Hands a reducer call to the database without waiting for its answer (see _calls).
    private async Task StartCallAsync(ClientMessage.CallReducer call)
    {
        while (_calls.TryPeek(out var oldest) && (oldest.IsCompleted || _calls.Count >= MaxPipelinedCalls))
            await _calls.Dequeue().ConfigureAwait(false);
        if (!_limiter.TryRequest(Identity, out var refusal) || !_limiter.TryBeginCall(Identity, out refusal))
        {
            await DrainCallsAsync().ConfigureAwait(false);
            Refuse(call, refusal!);
            return;
        }
        // Without a limit on calls in flight nothing is left to do when the call ends: its own task is queued, with no
        // async method around it (one state machine and one continuation less per call that waits for the writer).
        var running = _limiter.CountsCalls
            ? CallReducerAsync(call)
            : _database.CallReducerAsync(call.Reducer, call.Args, Identity, ConnectionId, this, call.RequestId, JwtPayload);
        if (running.IsCompleted)
            await running.ConfigureAwait(false);
        else
            _calls.Enqueue(running);
    }

    // Each message other than a reducer call is finished before the next is read, so replies keep request order.
    private Task HandleAsync(ClientMessage message)
    {
        // Unsubscribing only frees resources, so it is never refused.
        if (message is not ClientMessage.Unsubscribe && !_limiter.TryRequest(Identity, out var refusal))
        {
            Refuse(message, refusal!);
            return Task.CompletedTask;
        }
        return message switch
        {
            ClientMessage.Subscribe s => _database.SubscribeAsync(this, s.RequestId, s.QuerySetId, s.QueryStrings),
            ClientMessage.Unsubscribe u => _database.UnsubscribeAsync(this, u.RequestId, u.QuerySetId, u.Flags == UnsubscribeMode.SendDroppedRows),
            ClientMessage.OneOffQuery q => _database.OneOffQueryAsync(this, q.RequestId, q.QueryString),
            ClientMessage.CallProcedure p => StartProcedure(p),
            _ => Task.CompletedTask,
        };
    }

    // The caller has begun the call with the limiter.
    private async Task CallReducerAsync(ClientMessage.CallReducer c)
    {
        try
        {
            await _database.CallReducerAsync(c.Reducer, c.Args, Identity, ConnectionId, this, c.RequestId, JwtPayload).ConfigureAwait(false);
        }
        finally
        {
            _limiter.EndCall(Identity);
        }
    }

    // A request over a limit gets the error answer its kind allows, queued in order like any answer; the
    // connection stays open (unlike a disconnect when a queue overflows, upstream #4946).
    private void Refuse(ClientMessage message, string reason)
    {
        switch (message)
        {
            case ClientMessage.CallReducer c:
                Enqueue(new ServerMessage.ReducerResult(c.RequestId, Timestamp.Now(), new ReducerOutcome.InternalError(reason)));
                break;
            case ClientMessage.CallProcedure p:
                Enqueue(new ServerMessage.ProcedureResult(new ProcedureStatus.InternalError(reason), Timestamp.UnixEpoch, TimeDuration.Zero, p.RequestId));
                break;
            case ClientMessage.Subscribe s:
                Enqueue(new ServerMessage.SubscriptionError(s.RequestId, s.QuerySetId, reason));
                break;
            case ClientMessage.OneOffQuery q:
                Enqueue(new ServerMessage.OneOffQueryResult(q.RequestId, null, reason));
                break;
        }
    }

    /// <summary>The caller's token payload (JSON), for a procedure's <c>ctx.SenderAuth</c>.</summary>
    public string? JwtPayload { get; init; }

    // A procedure runs outside the writer and may take long (HTTP): the session keeps reading; its
    // result is queued when it returns, after the updates of the transactions it committed.
    private Task StartProcedure(ClientMessage.CallProcedure p)
    {
        if (!_limiter.TryBeginCall(Identity, out var refusal))
        {
            Refuse(p, refusal!);
            return Task.CompletedTask;
        }
        _ = RunProcedureAsync(p);
        return Task.CompletedTask;
    }

    private async Task RunProcedureAsync(ClientMessage.CallProcedure p)
    {
        ProcedureStatus status;
        Timestamp timestamp;
        TimeDuration duration;
        try
        {
            var result = await _database.CallProcedureAsync(p.Procedure, p.Args, Identity, ConnectionId, JwtPayload).ConfigureAwait(false);
            status = result.Status == ProcedureCallStatus.Returned
                ? new ProcedureStatus.Returned(result.ReturnValue ?? [])
                : new ProcedureStatus.InternalError(result.Error ?? "The procedure failed.");
            timestamp = result.Timestamp;
            duration = TimeDuration.FromTimeSpan(result.Duration);
        }
        catch (DatabaseClosedException)
        {
            status = new ProcedureStatus.InternalError("The database is gone (deleted or shutting down).");
            timestamp = Timestamp.UnixEpoch;
            duration = TimeDuration.Zero;
        }
        catch (Exception e)
        {
            // Nobody awaits this task: an unexpected error is logged and answered, never left on the thread pool.
            _logger.ProcedureFailed(_database.Name, p.Procedure, e);
            status = new ProcedureStatus.InternalError("The procedure failed with an internal server error.");
            timestamp = Timestamp.UnixEpoch;
            duration = TimeDuration.Zero;
        }
        _limiter.EndCall(Identity);
        Enqueue(new ServerMessage.ProcedureResult(status, timestamp, duration, p.RequestId));
    }

    // ---- Sending. No loop waits for messages: the first message queued while the session is idle schedules a flush,
    // on the thread pool, or with confirmed reads and a transaction not yet durable, at the database's durable gate
    // (one wait per transaction for every session, not one per session). The flush sends all it can, in order,
    // and goes idle; a send that does not complete at once is awaited before the flush goes on. So one message to an
    // idle session costs one work item and no channel, task or continuation; the order is the queue's.

    private void Enqueue(ServerMessage message, ulong? offset = null) => Enqueue(message, null, offset);

    private void Enqueue(ServerMessage? message, byte[]? encoded, ulong? offset)
    {
        // Counted before the lock the flush also takes (an instrument with a listener looks up its tags), and taken back
        // if the message is not queued, so the gauge never keeps a message Close already took out of it.
        _metrics.Queued(_database.Name, 1);
        bool queued = false, schedule = false, overLimit = false;
        lock (_outbox)
        {
            if (!_closed)
            {
                overLimit = _outbox.Count >= _maxQueued;
                if (overLimit)
                {
                    Close();
                }
                else
                {
                    _outbox.Enqueue((message, encoded, offset));
                    queued = true;
                    schedule = !_flushing;
                    _flushing = true;
                }
            }
        }
        if (!queued)
        {
            _metrics.Queued(_database.Name, -1);
            // Over the limit. Called from the database's pipeline: never wait here. Dropping the socket ends the
            // receive loop, which unsubscribes the client and runs ClientDisconnected.
            if (overLimit)
                _transport.Abort();
            return;
        }
        if (!schedule)
            return;
        // The queue was empty, so this message is the first to send.
        if (_durableGate is { } gate && offset is { } o && !(_database.DurableOffset >= o))
            gate.Wait(o, this);
        else
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    // Under the _outbox lock.
    private void Close()
    {
        _closed = true;
        _metrics.Queued(_database.Name, -_outbox.Count);
        _outbox.Clear();
    }

    private static bool IsTransportFailure(Exception e) =>
        e is WebSocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException or IOException;

    void IThreadPoolWorkItem.Execute() => Flush();

    /// <summary>
    /// The durable gate could not wait: nothing more is sent. When the database cannot make its transactions durable the
    /// client is cut off; when it closed, the goodbye already under way ends the connection.
    /// </summary>
    internal void DurabilityFailed(bool abort)
    {
        lock (_outbox)
            Close();
        if (abort)
            _transport.Abort();
    }

    /// <summary>
    /// Ends this session after an error of the server's own (a bug in encoding, caching, a transport that broke its
    /// contract): nothing more is sent, the client gets a close with <see cref="InternalErrorReason"/>, the receive loop
    /// ends (cutting the transport off if the client does not answer the close within two seconds) and every other
    /// session carries on. Never throws: it runs where nothing else would catch.
    /// </summary>
    internal void Fail(Exception error, bool logged = false)
    {
        if (Interlocked.Exchange(ref _failed, 1) != 0)
            return;
        try
        {
            lock (_outbox)
                Close();
            if (!logged)
                _logger.SessionFailed(_database.Name, Identity, ConnectionId, error);
            _ = EndAfterFailureAsync();
        }
#pragma warning disable CA1031 // the last line of defence for a thread-pool work item: nothing may escape
        catch (Exception)
#pragma warning restore CA1031
        {
            _transport.Abort();
        }
    }

    private async Task EndAfterFailureAsync()
    {
        try
        {
            await _transport.CloseAsync(WebSocketCloseStatus.InternalServerError, InternalErrorReason).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // CloseAsync promises not to throw; a transport that does is cut off below all the same
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        if (_closing is { } closing)
        {
            try
            {
                closing.CancelAfter(TimeSpan.FromSeconds(2));
                return;
            }
            catch (ObjectDisposedException)
            {
            }
        }
        // No receive loop to end (it already ended, or never ran): drop the transport now.
        _transport.Abort();
    }

    // Sends queued messages, as many per frame as the protocol allows, until the queue is empty (idle again), a send is
    // pending (continued when it completes), or the next message waits for durability (continued by the gate).
    // It runs on the thread pool with nobody to catch for it: a transport failure ends the session quietly, anything
    // else ends it through Fail (logged), and neither reaches the thread pool, which would end the process.
    internal void Flush()
    {
        var sendingNow = false;
        try
        {
            while (true)
            {
                // The frame's compression tag first: an uncompressed frame is then sent from this buffer as it is.
                _body.Reset();
                _body.WriteU8((byte)Compression.None);
                var taken = 0;
                ulong? waitFor = null;
                while (true)
                {
                    if (_takenNext == _takenCount && !TakeReady(frameEmpty: taken == 0, out waitFor, out var closed))
                    {
                        if (!closed)
                            break;
                        Array.Clear(_taken);
                        return;
                    }
                    var item = _taken[_takenNext];
                    _taken[_takenNext++] = default;
                    taken++;
                    if (item.Encoded is { } encoded)
                        _body.WriteRaw(encoded);
                    else
                        item.Message!.Write(_body);
                    if (!_batched || _body.Length >= MaxBatchBytes)
                        break;
                }
                if (taken > 0)
                {
                    // Closed while this frame was built from messages taken before: nothing more is sent (as when the
                    // close comes before they are taken). A close after this check races the send, as it always did.
                    if (Volatile.Read(ref _closed))
                    {
                        Array.Clear(_taken);
                        return;
                    }
                    // Compressed here, in the one running flush, so frames leave in the order their messages were queued.
                    var frame = _compression == Compression.None || _body.Length - 1 <= _compressionThreshold
                        ? _body.WrittenMemory
                        : ServerFrame.Wrap(_body.WrittenSpan[1..], _compression, _compressionThreshold);
                    // Without a token a WebSocket send that completes at once (the usual case: it only fills Kestrel's
                    // pipe, or with inline scheduling the socket) takes its fast path; one still pending is cut off by
                    // aborting the transport when the session ends.
                    sendingNow = true;
                    var sending = _transport.SendAsync(frame, CancellationToken.None);
                    if (!sending.IsCompletedSuccessfully)
                    {
                        var pending = ContinueAfterSendAsync(sending);
                        lock (_outbox)
                        {
                            if (!pending.IsCompleted)
                                _pendingSend = pending;
                        }
                        return;
                    }
                    sending.GetAwaiter().GetResult();
                    sendingNow = false;
                    continue;
                }
                if (waitFor is { } offset)
                    _durableGate!.Wait(offset, this);
                return;
            }
        }
        catch (Exception e) when (sendingNow && IsTransportFailure(e))
        {
            // The transport broke: the receive loop ends too, and the session with it.
            lock (_outbox)
                Close();
        }
#pragma warning disable CA1031 // see above: nothing may reach the thread pool
        catch (Exception e)
#pragma warning restore CA1031
        {
            Fail(e);
        }
    }

    // Refills _taken with every message ready to send, in order, under one lock: false when none is. Then waitFor is the
    // offset the next message waits for, if it waits for durability; with neither a message nor a frame to send the
    // flush goes idle here (the next message queued schedules a new one). Offsets only grow, so every message after one
    // that is not durable waits too, and one read of the durable offset serves the whole refill.
    private bool TakeReady(bool frameEmpty, out ulong? waitFor, out bool closed)
    {
        waitFor = null;
        _takenNext = _takenCount = 0;
        lock (_outbox)
        {
            closed = _closed;
            if (closed)
                return false;
            var durable = _durableGate is null ? null : _database.DurableOffset;
            while (_takenCount < _taken.Length && _outbox.TryPeek(out var item))
            {
                if (_durableGate is not null && item.Offset is { } o && !(durable >= o))
                {
                    waitFor = o;
                    break;
                }
                _outbox.Dequeue();
                _taken[_takenCount++] = item;
            }
            if (_takenCount == 0 && frameEmpty && waitFor is null)
                _flushing = false;
        }
        if (_takenCount == 0)
            return false;
        _metrics.Queued(_database.Name, -_takenCount);
        return true;
    }

    private async Task ContinueAfterSendAsync(ValueTask sending)
    {
        try
        {
            await sending.ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransportFailure(e))
        {
            lock (_outbox)
                Close();
            return;
        }
#pragma warning disable CA1031 // nobody awaits this task but the session's end
        catch (Exception e)
#pragma warning restore CA1031
        {
            Fail(e);
            return;
        }
        lock (_outbox)
            _pendingSend = null;
        Flush();
    }

    private Task CloseAsync(WebSocketCloseStatus status, string reason) => _transport.CloseAsync(status, reason);

    // ---- IClientSession: called from the database's pipeline and request threads, so these only convert and enqueue ----

    public void OnSubscribeApplied(uint requestId, uint querySetId, IReadOnlyList<TableRowsResult> rows, ulong? offset) =>
        Enqueue(new ServerMessage.SubscribeApplied(requestId, querySetId, Wire.Rows(rows)), offset);

    public void OnUnsubscribeApplied(uint requestId, uint querySetId, IReadOnlyList<TableRowsResult>? rows, ulong? offset) =>
        Enqueue(new ServerMessage.UnsubscribeApplied(requestId, querySetId, rows is null ? null : Wire.Rows(rows)), offset);

    public void OnSubscriptionError(uint? requestId, uint querySetId, string message) =>
        Enqueue(new ServerMessage.SubscriptionError(requestId, querySetId, message));

    // The two calls of every commit convert on the database's pipeline, which serves every other session next: a
    // conversion that fails ends this session only.
    public void OnTransactionUpdate(ulong? offset, IReadOnlyList<QuerySetDelta> querySets)
    {
        try
        {
            if (SharedUpdate.Encode(querySets) is { } encoded)
                Enqueue(null, encoded, offset);
            else
                Enqueue(new ServerMessage.TransactionUpdate(Wire.Updates(querySets)), offset);
        }
#pragma warning disable CA1031 // see above
        catch (Exception e)
#pragma warning restore CA1031
        {
            Fail(e);
        }
    }

    public void OnReducerResult(uint requestId, ReducerCallResult result)
    {
        try
        {
            ReducerOutcome outcome = result.Status switch
            {
                ReducerStatus.Committed => new ReducerOutcome.Ok([], Wire.Updates(result.OwnUpdates)),
                ReducerStatus.Failed => ReducerOutcome.Err.FromMessage(result.Error ?? "The reducer failed."),
                _ => new ReducerOutcome.InternalError(result.Error ?? "The reducer could not run."),
            };
            Enqueue(new ServerMessage.ReducerResult(requestId, result.Timestamp, outcome), result.Offset);
        }
#pragma warning disable CA1031 // see above
        catch (Exception e)
#pragma warning restore CA1031
        {
            Fail(e);
        }
    }

    public void OnOneOffQueryResult(uint requestId, IReadOnlyList<TableRowsResult>? rows, string? error, ulong? offset) =>
        Enqueue(new ServerMessage.OneOffQueryResult(requestId, rows is null ? null : Wire.Rows(rows), error), offset);
}
