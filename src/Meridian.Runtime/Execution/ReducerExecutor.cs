using System.Diagnostics;
using Meridian.Runtime.Logging;
using Meridian.Runtime.Modules;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Values;
using Meridian.Storage;
using Meridian.Storage.Changesets;
using SpacetimeDB.Internal;

namespace Meridian.Runtime.Execution;

/// <summary>
/// Runs one reducer in one transaction on the writer: checks the arguments against the parameter
/// types (bad input never reaches module code), calls the module, and commits — or, when the module
/// throws, rolls back and logs the failed call with its error.
/// </summary>
internal sealed class ReducerExecutor(Datastore store, Identity databaseIdentity, ModuleLog log, TimeProvider clock)
{
    private readonly SpacetimeDB.Identity _moduleIdentity = SpacetimeDB.Identity.FromBigEndian(databaseIdentity.ToBigEndianBytes());
    private TransactionHost? _host;          // reused by every call: Execute runs on the writer only
    private Identity _lastCaller;            // the last caller and its module-side identity: most calls repeat it
    private SpacetimeDB.Identity _lastSender;

    /// <summary>How long a call may run before its next call into the database fails it (null: no limit).</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>The clock deadline of a transaction starting now, for <see cref="TransactionHost.Deadline"/>.</summary>
    internal static long DeadlineFrom(TimeSpan? limit) => limit is null ? long.MaxValue : DeadlineFrom(limit, Stopwatch.GetTimestamp());

    /// <summary>The clock deadline of a transaction that started at <paramref name="start"/> (a Stopwatch timestamp).</summary>
    internal static long DeadlineFrom(TimeSpan? limit, long start) =>
        limit is { } l ? start + (long)(l.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;

    /// <summary>What the caller of a reducer stopped by <see cref="TimeLimit"/> is told.</summary>
    internal static string TimeLimitMessage(string kind, string name, TimeSpan limit) =>
        $"{kind} '{name}' ran past the time limit of {limit.TotalMilliseconds:0.###} ms and was stopped at its next call into the database; "
            + "its transaction was rolled back.";

    /// <summary>Queues a reducer call by source name for after the current transaction (<c>VolatileNonatomicScheduleImmediate</c>).</summary>
    public Action<string, byte[]>? ScheduleImmediate { get; set; }

    /// <summary>
    /// Runs <paramref name="reducer"/>; the changeset is the logged transaction (the call's rows, or only its failure),
    /// null when nothing was logged (the call did not run, or it wrote nothing).
    /// </summary>
    public (ReducerCallResult Result, Changeset? Changeset) Execute(
        ActiveModule active, ModuleReducer reducer, byte[] args, Identity caller, ConnectionId connectionId, Timestamp timestamp, string? jwt = null)
    {
        var started = Stopwatch.GetTimestamp();
        // When the host's deadline is set: `started`, unless decoding the arguments took time (then read the clock again).
        var beginning = started;
        // Numbers only: the length says whether the arguments are valid, without decoding them into values.
        if (reducer.FixedArgumentsLength < 0 || args.Length != reducer.FixedArgumentsLength)
        {
            try
            {
                AlgebraicValue.FromBsatn(args, reducer.Params, active.Schema.Typespace);
            }
            catch (BsatnDecodeException e)
            {
                return (NotRun($"Invalid arguments for reducer '{reducer.Name}': {e.Message}", ReducerNotRunReason.BadRequest, timestamp,
                    Stopwatch.GetElapsedTime(started)), null);
            }
            beginning = Stopwatch.GetTimestamp();
        }
        if (caller != _lastCaller || _lastCaller == default)
        {
            Span<byte> bytes = stackalloc byte[32];
            caller.Value.WriteBigEndian(bytes);
            _lastSender = SpacetimeDB.Identity.FromBigEndian(bytes);
            _lastCaller = caller;
        }
        var info = new ReducerCallInfo(
            _lastSender,
            connectionId.IsZero ? null : SpacetimeDB.ConnectionId.FromU128Unchecked(connectionId.Value),
            new SpacetimeDB.Timestamp(timestamp.MicrosecondsSinceUnixEpoch),
            jwt);
        using var tx = store.BeginTransaction();
        try
        {
            var host = _host ??= new TransactionHost(tx, active.Schema, active.TableIds, _moduleIdentity, log, clock);
            host.Begin(tx, active.Schema, active.TableIds, DeadlineFrom(TimeLimit, started), beginning);
            host.ScheduleImmediateHandler = ScheduleImmediate;
            Exception? thrown = null;
            try
            {
                active.Module.Descriptor.CallReducer(host, reducer.Id, info, args);
            }
            catch (Exception e)
            {
                thrown = e;
            }
            finally
            {
                host.End();
            }
            // Past the deadline the call fails even if the module caught the exception and returned normally.
            if (thrown is not null || host.TimedOut)
            {
                var error = host.TimedOut ? TimeLimitMessage("Reducer", reducer.Name, TimeLimit!.Value) : ModuleDescriptor.ErrorMessage(thrown!);
                var failed = tx.CommitFailure(new TransactionCall(reducer.Name, args, caller, connectionId, timestamp, error));
                return (new ReducerCallResult(ReducerStatus.Failed, error, timestamp, Stopwatch.GetElapsedTime(started), failed.Offset, []), failed);
            }
            // A call that wrote nothing changed nothing: as upstream, it takes no offset and is not logged (so it is not in
            // `meridian history` either), and nothing downstream has anything to see. Lifecycle calls are always logged
            // (upstream keeps connect/disconnect in the log, so a log shows who was connected); failures are logged above.
            if (!host.Wrote && reducer.Lifecycle is null)
            {
                tx.Rollback();
                return (new ReducerCallResult(ReducerStatus.Committed, null, timestamp, Stopwatch.GetElapsedTime(started), null, []), null);
            }
            // The call's timestamp is the transaction's time (as upstream): no second reading of the clock.
            var changeset = tx.Commit(new TransactionCall(reducer.Name, args, caller, connectionId, timestamp), timestamp);
            return (new ReducerCallResult(ReducerStatus.Committed, null, timestamp, Stopwatch.GetElapsedTime(started), changeset.Offset, []), changeset);
        }
        catch (DatastoreFailedException e)
        {
            tx.Rollback();
            var message = $"The database cannot accept writes: {e.Message}";
            return (NotRun(message, ReducerNotRunReason.Unavailable, timestamp, Stopwatch.GetElapsedTime(started)), null);
        }
    }

    /// <summary>A call that did not run.</summary>
    public static ReducerCallResult NotRun(string message, ReducerNotRunReason reason, Timestamp timestamp, TimeSpan duration = default) =>
        new(ReducerStatus.NotRun, message, timestamp, duration, null, []) { NotRunReason = reason };
}
