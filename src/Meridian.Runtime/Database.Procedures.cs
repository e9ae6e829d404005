using System.Diagnostics;
using Meridian.Runtime.Execution;
using Meridian.Runtime.Logging;
using Meridian.Runtime.Modules;
using Meridian.Runtime.Pipeline;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Values;
using Meridian.Storage;
using Meridian.Storage.Changesets;
using SpacetimeDB.Internal;

namespace Meridian.Runtime;

public sealed partial class Database
{
    /// <summary>
    /// Calls a procedure by canonical name with BSATN arguments. The procedure runs on a thread of its
    /// own, outside the writer, so reducers keep running meanwhile; each <c>WithTx</c> it opens takes
    /// the writer for that one transaction, whose commit reaches subscribers like a reducer's. The
    /// task completes with the return value once the procedure has returned.
    /// </summary>
    /// <param name="procedure">Canonical (or source) name.</param>
    /// <param name="args">BSATN of the arguments.</param>
    /// <param name="caller">The caller.</param>
    /// <param name="connectionId">The caller's connection (zero for none).</param>
    /// <param name="jwtPayload">The caller's token payload (JSON), for <c>ctx.SenderAuth</c>.</param>
    public Task<ProcedureCallResult> CallProcedureAsync(string procedure, byte[] args, Identity caller, ConnectionId connectionId, string? jwtPayload = null)
    {
        ThrowIfDisposed();
        var p = Schema.FindProcedure(procedure);
        if (p is null)
            return Task.FromResult(ProcedureNotRun($"No such procedure '{procedure}'.", ReducerNotRunReason.NotFound));
        if (!p.ClientCallable)
            return Task.FromResult(ProcedureNotRun($"Procedure '{p.Name}' is private and cannot be called by clients.", ReducerNotRunReason.BadRequest));
        return RunProcedureAsync(p, args, caller, connectionId, jwtPayload);
    }

    /// <summary>
    /// Runs <paramref name="procedure"/> on the thread pool once it has its turn (scheduled calls come here too):
    /// the database's procedures run one at a time in call order, except while one waits on HTTP (see <see cref="ProcedureTurns"/>).
    /// </summary>
    internal Task<ProcedureCallResult> RunProcedureAsync(ModuleProcedure procedure, byte[] args, Identity caller, ConnectionId connectionId, string? jwt)
    {
        var turn = _procedureTurns.Enter();
        return RunInTurnAsync(turn, procedure, args, caller, connectionId, jwt);
    }

    private async Task<ProcedureCallResult> RunInTurnAsync(
        Task turn, ModuleProcedure procedure, byte[] args, Identity caller, ConnectionId connectionId, string? jwt)
    {
        await turn.ConfigureAwait(false);
        try
        {
            return await Task.Run(() => RunProcedure(procedure, args, caller, connectionId, jwt)).ConfigureAwait(false);
        }
        finally
        {
            _procedureTurns.Exit();
        }
    }

    private ProcedureCallResult ProcedureNotRun(string message, ReducerNotRunReason reason) =>
        new(ProcedureCallStatus.NotRun, null, message, Timestamp.Now(_clock), TimeSpan.Zero) { NotRunReason = reason };

    private ProcedureCallResult RunProcedure(ModuleProcedure procedure, byte[] args, Identity caller, ConnectionId connectionId, string? jwt)
    {
        var stopwatch = Stopwatch.StartNew();
        var timestamp = Timestamp.Now(_clock);
        var active = _active;
        try
        {
            AlgebraicValue.FromBsatn(args, procedure.Params, active.Schema.Typespace);
        }
        catch (BsatnDecodeException e)
        {
            return ProcedureNotRun($"Invalid arguments for procedure '{procedure.Name}': {e.Message}", ReducerNotRunReason.BadRequest);
        }
        var info = new ProcedureCallInfo(
            SpacetimeDB.Identity.FromBigEndian(caller.ToBigEndianBytes()),
            connectionId.IsZero ? null : SpacetimeDB.ConnectionId.FromU128Unchecked(connectionId.Value),
            new SpacetimeDB.Timestamp(timestamp.MicrosecondsSinceUnixEpoch),
            jwt);
        var host = new ProcedureHost(this, procedure.Name, caller, connectionId) { Turns = _procedureTurns };
        try
        {
            var value = active.Module.Descriptor.CallProcedure(host, procedure.Id, info, args);
            return new ProcedureCallResult(ProcedureCallStatus.Returned, value, null, timestamp, stopwatch.Elapsed);
        }
#pragma warning disable CA1031 // Whatever the module throws is the caller's error; the server keeps serving.
        catch (Exception e)
#pragma warning restore CA1031
        {
            var error = ModuleDescriptor.ErrorMessage(e);
            Log.Write(ModuleLogLevel.Error, procedure.Name, $"Procedure '{procedure.Name}' failed: {error}", _clock);
            return new ProcedureCallResult(ProcedureCallStatus.Failed, null, error, timestamp, stopwatch.Elapsed);
        }
    }

    /// <summary>A procedure's way to the database: one transaction at a time on the writer, and the module log.</summary>
    private sealed class ProcedureHost(Database db, string procedure, Identity caller, ConnectionId connectionId) : IProcedureHost
    {
        public SpacetimeDB.Identity DatabaseIdentity { get; } = SpacetimeDB.Identity.FromBigEndian(db.Identity.ToBigEndianBytes());

        /// <summary>The turns this procedure holds one of while it runs (null for an HTTP handler, which takes none).</summary>
        public ProcedureTurns? Turns { get; init; }

        public IDisposable? StepAside()
        {
            if (Turns is not { } turns)
                return null;
            turns.Exit();
            return new TurnBack(turns);
        }

        // Blocks the procedure's thread until its turn comes again, as the procedure is synchronous code.
        private sealed class TurnBack(ProcedureTurns turns) : IDisposable
        {
            public void Dispose() => turns.Enter().GetAwaiter().GetResult();
        }

        public void Log(LogLevel level, string message, string target, string file, int line) =>
            db.Log.Write(new ModuleLogRecord(TransactionHost.Level(level), Timestamp.Now(db._clock).MicrosecondsSinceUnixEpoch, target, file, line, message));

        public TResult RunTransaction<TResult>(Func<SpacetimeDB.Timestamp, (TResult Result, bool Commit)> body)
        {
            if (ModuleHost.IsBound)
                throw new InvalidOperationException("A transaction is already open: WithTx cannot be nested.");
            var (result, delivered) = db._writer.RunAsync(() => RunOnWriter(body)).GetAwaiter().GetResult();
            delivered.GetAwaiter().GetResult();
            return result;
        }

        private (TResult Result, Task Delivered) RunOnWriter<TResult>(Func<SpacetimeDB.Timestamp, (TResult Result, bool Commit)> body)
        {
            var active = db._active;
            var timestamp = Timestamp.Now(db._clock);
            using var tx = db._store.BeginTransaction();
            var limit = db._services.ReducerTimeLimit;
            var host = new TransactionHost(tx, active.Schema, active.TableIds, DatabaseIdentity, db.Log, db._clock)
            {
                ScheduleImmediateHandler = db.ScheduleImmediate,
                Deadline = ReducerExecutor.DeadlineFrom(limit),
            };
            (TResult Result, bool Commit) outcome;
            using (ModuleHost.Enter(host))
            using (ModuleHost.EnterProcedure(this))
                outcome = body(new SpacetimeDB.Timestamp(timestamp.MicrosecondsSinceUnixEpoch));
            if (host.TimedOut)
            {
                tx.Rollback();
                throw new ReducerTimeLimitException(ReducerExecutor.TimeLimitMessage("The transaction of procedure", procedure, limit!.Value));
            }
            if (!outcome.Commit)
            {
                tx.Rollback();
                return (outcome.Result, Task.CompletedTask);
            }
            Changeset changeset;
            try
            {
                changeset = tx.Commit(new TransactionCall(procedure, ReadOnlyMemory<byte>.Empty, caller, connectionId, timestamp));
            }
            catch (DatastoreFailedException e)
            {
                tx.Rollback();
                throw new SpacetimeDB.TransactionCommitException($"The database cannot accept writes: {e.Message}");
            }
            return (outcome.Result, db._pipeline.Publish(new CommitRecord(changeset, db._store.Committed, null)));
        }
    }
}
