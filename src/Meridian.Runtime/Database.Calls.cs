using System.Threading.Tasks.Sources;
using Meridian.Runtime.Diagnostics;
using Meridian.Runtime.Execution;
using Meridian.Runtime.Modules;
using Meridian.Runtime.Pipeline;
using Meridian.Runtime.Subscriptions;
using Meridian.Runtime.Writing;
using Meridian.Sats;
using Meridian.Sats.ModuleDef;
using Meridian.Storage.Changesets;

namespace Meridian.Runtime;

public sealed partial class Database
{
    /// <summary>
    /// Calls a reducer by canonical name with BSATN arguments. The result goes to
    /// <paramref name="session"/> (when given) in order with every other message it receives, with the
    /// caller's own changes; other clients whose subscriptions the transaction touched get a
    /// transaction update. The task completes once the result and the updates have been handed to
    /// the clients.
    /// </summary>
    public Task<ReducerCallResult> CallReducerAsync(
        string reducer, byte[] args, Identity caller, ConnectionId connectionId, IClientSession? session = null, uint requestId = 0, string? jwtPayload = null)
    {
        ThrowIfDisposed();
        var r = Schema.FindReducer(reducer);
        if (r is null)
            return Reject(session, requestId, ReducerNotRunReason.NotFound, $"No such reducer '{reducer}'.");
        if (!r.ClientCallable)
        {
            return Reject(session, requestId, ReducerNotRunReason.BadRequest, r.Lifecycle is { } l
                ? $"Reducer '{r.Name}' handles the {l} lifecycle event and cannot be called directly."
                : $"Reducer '{r.Name}' is private and cannot be called by clients.");
        }
        // An uncontended call has finished by now: its task is a completed one, with no completion source behind it.
        return AsTask(RunReducerAsync(r, args, caller, connectionId, session, requestId, jwtPayload));
    }

    private static Task<ReducerCallResult> AsTask(ValueTask<ReducerCallResult> call) =>
        call.IsCompletedSuccessfully ? Task.FromResult(call.Result) : call.AsTask();

    // A call that is not run. A session may have earlier calls still on their way (it pipelines them), so
    // the answer goes behind them: through the writer's queue, then the pipeline, as theirs do.
    private async Task<ReducerCallResult> Reject(IClientSession? session, uint requestId, ReducerNotRunReason reason, string message)
    {
        var result = ReducerExecutor.NotRun(message, reason, Timestamp.Now(_clock));
        if (session is not null)
        {
            var delivered = await _writer.RunAsync(() => _pipeline.Post(_ => session.OnReducerResult(requestId, result))).ConfigureAwait(false);
            await delivered.ConfigureAwait(false);
        }
        return result;
    }

    /// <summary>Runs the module's ClientConnected reducer for a new connection.</summary>
    /// <param name="caller">The client's identity.</param>
    /// <param name="connectionId">The new connection.</param>
    /// <param name="jwtPayload">The client's token payload (JSON), for <c>ctx.SenderAuth</c>.</param>
    /// <exception cref="ConnectionRejectedException">The module refused the client.</exception>
    public async Task ConnectAsync(Identity caller, ConnectionId connectionId, string? jwtPayload = null)
    {
        if (await RunLifecycleAsync(Lifecycle.OnConnect, caller, connectionId, jwtPayload).ConfigureAwait(false) is { } error)
            throw new ConnectionRejectedException(error);
    }

    /// <summary>Drops a client's subscriptions and runs the module's ClientDisconnected reducer (its failure is only logged).</summary>
    public async Task DisconnectAsync(Identity caller, ConnectionId connectionId, IClientSession? session = null)
    {
        ThrowIfDisposed();
        if (session is not null)
            await _pipeline.Post(_ => _subscriptions.RemoveClient(session)).ConfigureAwait(false);
        if (await RunLifecycleAsync(Lifecycle.OnDisconnect, caller, connectionId).ConfigureAwait(false) is { } error)
        {
            Log.Write(Logging.ModuleLogLevel.Error, "client_disconnected", $"ClientDisconnected failed for {caller}: {error}", _clock);
            _logger.DisconnectFailed(Name, caller.ToHexString(), error);
        }
    }

    // VolatileNonatomicScheduleImmediate: the call joins the writer's queue behind the running
    // transaction and runs as a scheduled reducer does (the database's identity, no connection),
    // whether or not the transaction that asked commits. Its failure is only logged.
    private void ScheduleImmediate(string reducerSourceName, byte[] args)
    {
        var reducer = Schema.FindReducer(reducerSourceName)
            ?? throw new InvalidOperationException($"No reducer '{reducerSourceName}' to schedule.");
        _ = LogFailureAsync(reducer.Name, RunReducerAsync(reducer, args, Identity, ConnectionId.Zero, session: null, requestId: 0));
    }

    private async Task LogFailureAsync(string reducer, ValueTask<ReducerCallResult> call)
    {
        string? error;
        try
        {
            var result = await call.ConfigureAwait(false);
            error = result.Status == ReducerStatus.Committed ? null : result.Error;
        }
#pragma warning disable CA1031 // Nobody awaits a scheduled call: its failure, whatever it is, goes to the module log.
        catch (Exception e)
#pragma warning restore CA1031
        {
            error = e.Message;
        }
        if (error is not null)
            Log.Write(Logging.ModuleLogLevel.Error, reducer, $"Scheduled reducer '{reducer}' failed: {error}", _clock);
    }

    private async Task<string?> RunLifecycleAsync(Lifecycle lifecycle, Identity caller, ConnectionId connectionId, string? jwt = null)
    {
        ThrowIfDisposed();
        var reducer = Schema.FindLifecycle(lifecycle);
        if (reducer is null)
            return null;
        var result = await RunReducerAsync(reducer, [], caller, connectionId, session: null, requestId: 0, jwt).ConfigureAwait(false);
        return result.Status == ReducerStatus.Committed ? null : result.Error;
    }

    // A call runs on the caller's thread when the writer is idle (no thread hop, and its commit is delivered by
    // this thread too once the writer is released); otherwise it is queued behind the running work. Threads
    // with a synchronization context (a UI thread in embedded mode) always queue, so they never run module code.
    private ValueTask<ReducerCallResult> RunReducerAsync(
        ModuleReducer reducer, byte[] args, Identity caller, ConnectionId connectionId, IClientSession? session, uint requestId, string? jwt = null)
    {
        var call = RentCall();
        call.Start(reducer, args, caller, connectionId, session, requestId, jwt);
        if (SynchronizationContext.Current is null)
        {
            var ran = InlineResult.Closed;
            try
            {
                ran = _writer.TryRunInline(call);
            }
            finally
            {
                // Not under the writer any more: deliver the commit this call reserved the idle pipeline for.
                if (ran == InlineResult.Ran && call.ReservedPipeline)
                    _pipeline.DrainReserved();
            }
            // Ran here and finished here (without the pipeline, or through the pipeline this thread drained): the
            // answer is ready, so no task at all. Otherwise someone else completes it, and only then may it be read.
            if (ran == InlineResult.Ran && (call.ReservedPipeline || call.FinishedInExecute))
                return call.TakeResult();
            if (ran != InlineResult.Closed)
                return call.AsValueTask();
        }
        else if (_writer.Enqueue(call))
        {
            return call.AsValueTask();
        }
        ReturnCall(call.Clear());
        return ValueTask.FromException<ReducerCallResult>(new DatabaseClosedException());
    }

    // Finished calls wait here for the next: one slot without a lock for one call at a time, a locked stack for calls in flight.
    private ReducerCall? _spareCall;
    private readonly Stack<ReducerCall> _spareCalls = new();
    private const int MaxSpareCalls = 1_024;

    private ReducerCall RentCall()
    {
        if (Interlocked.Exchange(ref _spareCall, null) is { } call)
            return call;
        lock (_spareCalls)
        {
            if (_spareCalls.TryPop(out call))
                return call;
        }
        return new ReducerCall(this);
    }

    private void ReturnCall(ReducerCall call)
    {
        if (Interlocked.CompareExchange(ref _spareCall, call, null) is null)
            return;
        lock (_spareCalls)
        {
            if (_spareCalls.Count < MaxSpareCalls)
                _spareCalls.Push(call);
        }
    }

    /// <summary>
    /// One reducer call as writer work: runs the reducer, hands its commit to the pipeline, which answers the
    /// caller (with its own updates) in order with everyone's updates; the call completes once that is done.
    /// Reused: the awaiter's <see cref="IValueTaskSource{TResult}.GetResult"/> returns it to the database's spares.
    /// </summary>
    /// <remarks>
    /// Whoever completes a call touches nothing of it afterwards: from then on its awaiter may read it and hand it to
    /// the next call. So <see cref="Execute"/> works from locals once it has handed the call on.
    /// </remarks>
    private sealed class ReducerCall(Database db) : IWriterWork, IPipelineCompletion, IValueTaskSource<ReducerCallResult>
    {
        private ManualResetValueTaskSourceCore<ReducerCallResult> _core = new() { RunContinuationsAsynchronously = true };
        private ModuleReducer _reducer = null!;
        private byte[] _args = [];
        private Identity _caller;
        private ConnectionId _connectionId;
        private IClientSession? _session;
        private uint _requestId;
        private string? _jwt;
        private ReducerCallResult? _result;
        private CallOrigin? _origin;

        /// <summary>It ran inline and reserved the idle pipeline: the caller must drain it.</summary>
        public bool ReservedPipeline { get; private set; }

        /// <summary>Execute completed it (nothing for the pipeline to deliver, or a failure).</summary>
        public bool FinishedInExecute { get; private set; }

        public void Start(ModuleReducer reducer, byte[] args, Identity caller, ConnectionId connectionId, IClientSession? session, uint requestId, string? jwt)
        {
            _reducer = reducer;
            _args = args;
            _caller = caller;
            _connectionId = connectionId;
            _session = session;
            _requestId = requestId;
            _jwt = jwt;
        }

        public ValueTask<ReducerCallResult> AsValueTask() => new(this, _core.Version);

        // Completed on this thread: read it now and put the call back.
        public ValueTask<ReducerCallResult> TakeResult()
        {
            try
            {
                return new(GetResult(_core.Version));
            }
#pragma warning disable CA1031 // The call's own failure, handed to its awaiter as the task's.
            catch (Exception e)
#pragma warning restore CA1031
            {
                return ValueTask.FromException<ReducerCallResult>(e);
            }
        }

        // Only an inline run may reserve the idle pipeline: its caller drains it once the writer is released.
        // A queued call runs on the writer's drain loop, and nobody would drain a pipeline it reserved.
        public void Execute(bool inline)
        {
            var reducer = _reducer;
            var caller = _caller;
            var session = _session;
            var requestId = _requestId;
            ReducerCallResult result;
            Changeset? changeset;
            var timestamp = Timestamp.Now(db._clock);
            try
            {
                (result, changeset) = db._executor.Execute(db._active, reducer, _args, caller, _connectionId, timestamp, _jwt);
            }
            catch (Exception e)
            {
                FinishedInExecute = true;
                _core.SetException(e);
                return;
            }
            _result = result;
            if (changeset is null && session is null)
            {
                FinishedInExecute = true;
                _core.SetResult(result);
            }
            else
            {
                // Handed on before anything else can throw: a commit the observers never see would leave them behind for good.
                EnqueueResult queued;
                if (changeset is null)
                {
                    // Through the pipeline, so this answer cannot overtake the answers to the session's earlier calls.
                    queued = db._pipeline.Enqueue(null, Answer(session!, requestId, result), this, reserve: inline);
                }
                else
                {
                    _origin = session is null ? null : new CallOrigin(session, requestId, result);
                    queued = db._pipeline.Enqueue(new CommitRecord(changeset, db._store.Committed, _origin), null, this, reserve: inline);
                }
                // Queued: the pipeline may have completed this call already. Reserved or closed: nobody else has it.
                if (queued == EnqueueResult.Reserved)
                {
                    ReservedPipeline = true;
                }
                else if (queued == EnqueueResult.Closed)
                {
                    FinishedInExecute = true;
                    _core.SetException(new DatabaseClosedException());
                }
            }
            db.RecordCall(reducer, result, timestamp, caller);
        }

        public void Completed(Exception? error)
        {
            if (error is null)
                _core.SetResult(_origin?.Answer ?? _result!);
            else
                _core.SetException(error);
        }

        public ReducerCallResult GetResult(short token)
        {
            try
            {
                return _core.GetResult(token);
            }
            finally
            {
                db.ReturnCall(Clear());
            }
        }

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);

        // Forgets the call (nothing it referenced stays alive in the spares) and readies the source for the next.
        public ReducerCall Clear()
        {
            _reducer = null!;
            _args = [];
            _session = null;
            _jwt = null;
            _result = null;
            _origin = null;
            ReservedPipeline = false;
            FinishedInExecute = false;
            _core.Reset();
            return this;
        }
    }

    // On the writer (scheduled reducers): runs the reducer and hands its commit to the pipeline; the task
    // completes once the pipeline has delivered it.
    private (ReducerCallResult Result, CallOrigin? Origin, Task Delivered) RunReducer(
        ModuleReducer reducer, byte[] args, Identity caller, ConnectionId connectionId, IClientSession? session, uint requestId, Timestamp timestamp,
        string? jwt = null)
    {
        var (result, changeset) = _executor.Execute(_active, reducer, args, caller, connectionId, timestamp, jwt);
        // Handed on before the metrics, as a client's call is: a commit the observers never see would leave them behind.
        CallOrigin? origin = null;
        Task delivered;
        if (changeset is null)
        {
            delivered = session is null ? Task.CompletedTask : _pipeline.Post(Answer(session, requestId, result));
        }
        else
        {
            origin = session is null ? null : new CallOrigin(session, requestId, result);
            delivered = _pipeline.Publish(new CommitRecord(changeset, _store.Committed, origin));
        }
        RecordCall(reducer, result, timestamp, caller);
        return (result, origin, delivered);
    }

    // A lambda in the calling method would capture that method's locals, and C# allocates such a closure on entry to
    // the method, whether or not the lambda is ever made: here it costs only the calls that answer a session.
    private static Action<Meridian.Storage.CommittedState> Answer(IClientSession session, uint requestId, ReducerCallResult result) =>
        _ => session.OnReducerResult(requestId, result);

    // Metrics and the slow log; a failing listener is logged, never the call's failure.
    private void RecordCall(ModuleReducer reducer, ReducerCallResult result, Timestamp timestamp, Identity caller)
    {
        try
        {
            _services.Metrics.ReducerCalled(Name, reducer.Name, result.Status, result.Duration);
            // The field first: the property's lazy initialiser allocates a delegate on every read.
            (_slowLog ?? SlowLog).RecordReducer(reducer.Name, timestamp, result.Duration, caller, Outcome(result.Status));
        }
#pragma warning disable CA1031 // A metrics listener's failure must not fail a call that committed.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _logger.ObserverFailed(Name, e);
        }
    }

    private static string Outcome(ReducerStatus status) => status switch
    {
        ReducerStatus.Committed => "committed",
        ReducerStatus.Failed => "failed",
        _ => "notrun",
    };
}
