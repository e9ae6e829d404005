using System.Diagnostics;
using Meridian.Runtime.Execution;
using Meridian.Runtime.Logging;
using Meridian.Runtime.Modules;
using Meridian.Runtime.Subscriptions;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Sats.ModuleDef;
using Meridian.Storage;
using Meridian.Storage.Changesets;
using SpacetimeDB.Internal;

namespace Meridian.Runtime;

public sealed partial class Database
{
    /// <summary>
    /// Calls a reducer by canonical name with BSATN arguments. The result goes to
    /// <paramref name="session"/> (when given) in order with every other message it receives, and is
    /// also returned. Other clients whose subscriptions the transaction touched get a transaction update.
    /// </summary>
    public Task<ReducerCallResult> CallReducerAsync(string reducer, byte[] args, Identity caller, ConnectionId connectionId, IClientSession? session = null, uint requestId = 0)
    {
        var r = Schema.FindReducer(reducer);
        if (r is null)
            return Reject(session, requestId, ReducerNotRunReason.NotFound, $"No such reducer '{reducer}'.");
        if (!r.ClientCallable)
            return Reject(session, requestId, ReducerNotRunReason.BadRequest, r.Lifecycle is { } l
                ? $"Reducer '{r.Name}' handles the {l} lifecycle event and cannot be called directly."
                : $"Reducer '{r.Name}' is private and cannot be called by clients.");
        return RunReducerAsync(r, args, caller, connectionId, session, requestId);
    }

    private Task<ReducerCallResult> Reject(IClientSession? session, uint requestId, ReducerNotRunReason reason, string message)
    {
        var result = new ReducerCallResult(ReducerStatus.NotRun, message, Timestamp.Now(_clock), TimeSpan.Zero, null, []) { NotRunReason = reason };
        if (session is null)
            return Task.FromResult(result);
        // Even a rejection is sent under the writer, so it stays in order with the session's other messages.
        return Exclusive(() =>
        {
            session.OnReducerResult(requestId, result);
            return result;
        });
    }

    /// <summary>Runs the module's ClientConnected reducer for a new connection; returns the error when it rejects the client.</summary>
    public Task<string?> ConnectAsync(Identity caller, ConnectionId connectionId) => RunLifecycleAsync(Lifecycle.OnConnect, caller, connectionId);

    /// <summary>Drops a client's subscriptions and runs the module's ClientDisconnected reducer (its failure is only logged).</summary>
    public async Task DisconnectAsync(Identity caller, ConnectionId connectionId, IClientSession? session = null)
    {
        if (session is not null)
            await Exclusive(() => { _subscriptions.RemoveClient(session); return 0; }).ConfigureAwait(false);
        var error = await RunLifecycleAsync(Lifecycle.OnDisconnect, caller, connectionId).ConfigureAwait(false);
        if (error is not null)
            Log.Write(new ModuleLogRecord("Error", Timestamp.Now(_clock).MicrosecondsSinceUnixEpoch, "client_disconnected", null, null, $"ClientDisconnected failed for {caller}: {error}"));
    }

    private async Task<string?> RunLifecycleAsync(Lifecycle lifecycle, Identity caller, ConnectionId connectionId)
    {
        var reducer = Schema.FindLifecycle(lifecycle);
        if (reducer is null)
            return null;
        var result = await RunReducerAsync(reducer, [], caller, connectionId, session: null, requestId: 0).ConfigureAwait(false);
        return result.Status == ReducerStatus.Committed ? null : result.Error;
    }

    private Task<ReducerCallResult> RunReducerAsync(ModuleReducer reducer, byte[] args, Identity caller, ConnectionId connectionId, IClientSession? session, uint requestId) =>
        Exclusive(() =>
        {
            var result = RunReducer(reducer, args, caller, connectionId, session);
            session?.OnReducerResult(requestId, result);
            return result;
        });

    // Runs under the writer: executes, commits or rolls back, and fans out the changes.
    private ReducerCallResult RunReducer(ModuleReducer reducer, byte[] args, Identity caller, ConnectionId connectionId, IClientSession? session, Timestamp? at = null)
    {
        var timestamp = at ?? Timestamp.Now(_clock);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            // Check the arguments against the parameter types first, so bad input is told apart
            // from a reducer that fails, and never reaches module code.
            Meridian.Sats.Values.AlgebraicValue.FromBsatn(args, reducer.Params, _module.Schema.Typespace);
        }
        catch (BsatnDecodeException e)
        {
            return new ReducerCallResult(ReducerStatus.NotRun, $"Invalid arguments for reducer '{reducer.Name}': {e.Message}", timestamp, stopwatch.Elapsed, null, []) { NotRunReason = ReducerNotRunReason.BadRequest };
        }
        var info = new ReducerCallInfo(
            SpacetimeDB.Identity.FromBigEndian(caller.ToBigEndianBytes()),
            connectionId.IsZero ? null : SpacetimeDB.ConnectionId.FromU128Unchecked(connectionId.Value),
            new SpacetimeDB.Timestamp(timestamp.MicrosecondsSinceUnixEpoch));
        var call = new TransactionCall(reducer.Name, args, caller, connectionId, timestamp);
        var module = _module;
        var before = _store.Committed;
        var tx = _store.BeginTransaction();
        Changeset changeset;
        try
        {
            var host = new TransactionHost(tx, module.Schema, _tableIds, SpacetimeDB.Identity.FromBigEndian(Identity.ToBigEndianBytes()), Log, _clock);
            try
            {
                module.Descriptor.CallReducer(host, reducer.Id, info, args);
            }
            catch (Exception e)
            {
                var error = ModuleDescriptor.ErrorMessage(e);
                var failed = tx.CommitFailure(call with { Error = error });
                return new ReducerCallResult(ReducerStatus.Failed, error, timestamp, stopwatch.Elapsed, failed.Offset, []);
            }
            changeset = tx.Commit(call);
        }
        catch (DatastoreFailedException e)
        {
            tx.Rollback();
            return new ReducerCallResult(ReducerStatus.NotRun, $"The database cannot accept writes: {e.Message}", timestamp, stopwatch.Elapsed, null, []);
        }
        finally
        {
            tx.Dispose();
        }
        var own = Broadcast(changeset, session, before);
        return new ReducerCallResult(ReducerStatus.Committed, null, timestamp, stopwatch.Elapsed, changeset.Offset, own);
    }

    // Tells the scheduler and every affected client (except the caller) about a commit; returns the caller's own changes.
    private IReadOnlyList<QuerySetDelta> Broadcast(Changeset changeset, IClientSession? caller, StateReader before)
    {
        _scheduler.OnCommit(changeset);
        if (changeset.Tables.Count == 0)
            return [];
        IReadOnlyList<QuerySetDelta> own = [];
        foreach (var (client, updates) in _subscriptions.ComputeUpdates(changeset, before, _store.Committed))
        {
            if (ReferenceEquals(client, caller))
                own = updates;
            else
                client.OnTransactionUpdate(changeset.Offset, updates);
        }
        return own;
    }
}
