using Meridian.Runtime.Diagnostics;
using Meridian.Runtime.Execution;
using Meridian.Runtime.Logging;
using Meridian.Runtime.Modules;
using Meridian.Runtime.Pipeline;
using Meridian.Sats;

namespace Meridian.Runtime;

public sealed partial class Database
{
    // Longest single wait, so a far-future schedule never overflows a timer.
    private static readonly TimeSpan MaxWait = TimeSpan.FromHours(1);

    // Waits for the earliest scheduled row, then fires everything due on the writer.
    private async Task RunSchedulerAsync(CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            var changed = _scheduler.Changed;
            var next = _scheduler.NextDue();
            var now = Timestamp.Now(_clock).MicrosecondsSinceUnixEpoch;
            if (next is null || next > now)
            {
                var wait = next is null ? MaxWait : TimeSpan.FromMicroseconds(Math.Min(next.Value - now, (long)MaxWait.TotalMicroseconds));
                var delay = Task.Delay(wait, _clock, cancellation);
                // The clock may have moved past the due time between reading it and starting the delay (a test's
                // fake clock jumps): the delay then counts from the later time and would fire an interval late.
                if (next is null || Timestamp.Now(_clock).MicrosecondsSinceUnixEpoch < next)
                    await Task.WhenAny(changed, delay).ConfigureAwait(false);
                continue;
            }
            try
            {
                var delivered = await _writer.RunAsync(FireDue).ConfigureAwait(false);
                await delivered.ConfigureAwait(false);
            }
            catch (DatabaseClosedException) when (cancellation.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database refuses writes (e.g. its log failed): say so and retry later, never spin.
                Log.Write(ModuleLogLevel.Error, "scheduler", $"Scheduled reducers could not run: {e.Message}", _clock);
                _logger.SchedulerFailed(Name, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), _clock, cancellation).ConfigureAwait(false);
            }
        }
    }

    // On the writer: runs each due row's reducer with the row's current contents, then removes
    // one-shot rows (even when the reducer failed) and requeues interval rows. Returns when the
    // pipeline has seen every commit it made.
    private Task FireDue()
    {
        var now = Timestamp.Now(_clock);
        var delivered = new List<Task>();
        foreach (var entry in _scheduler.TakeDue(now))
        {
            var schema = entry.Schedule.Table.Schema;
            var pk = IndexOfPrimaryKey(schema);
            if (!_store.Committed.TryFind(entry.Table, pk, entry.IdKey, out var row))
                continue; // cancelled: the row is gone
            var intended = new Timestamp(entry.DueMicros);
            if (entry.Schedule.Procedure is { } procedure)
            {
                delivered.Add(FireProcedure(entry, procedure, row.ToArray(), pk));
                continue;
            }
            var reducer = entry.Schedule.Reducer!;
            var (result, _, published) = RunReducer(
                reducer, row.ToArray(), Identity, ConnectionId.Zero, session: null, requestId: 0, intended > now ? intended : now);
            delivered.Add(published);
            if (result.Status != ReducerStatus.Committed)
                Log.Write(
                    ModuleLogLevel.Error, reducer.Name, $"Scheduled reducer '{reducer.Name}' failed: {result.Error}", _clock);
            if (entry.IntervalMicros is null)
            {
                using var tx = _store.BeginTransaction();
                if (tx.DeleteByKey(entry.Table, pk, entry.IdKey) > 0)
                    delivered.Add(_pipeline.Publish(new CommitRecord(tx.Commit(), _store.Committed, null)));
            }
            else
            {
                _scheduler.Reschedule(entry, Timestamp.Now(_clock));
            }
        }
        return Task.WhenAll(delivered);
    }

    // On the writer: a scheduled procedure's one-shot row is deleted before it runs (as upstream), then the
    // procedure starts on the thread pool (it takes the writer for its own transactions, so it must not
    // run here); its failure is logged.
    private Task FireProcedure(Scheduling.Scheduler.Entry entry, ModuleProcedure procedure, byte[] row, int pk)
    {
        var published = Task.CompletedTask;
        if (entry.IntervalMicros is null)
        {
            using var tx = _store.BeginTransaction();
            if (tx.DeleteByKey(entry.Table, pk, entry.IdKey) > 0)
                published = _pipeline.Publish(new CommitRecord(tx.Commit(), _store.Committed, null));
        }
        else
        {
            _scheduler.Reschedule(entry, Timestamp.Now(_clock));
        }
        _ = RunProcedureAsync(procedure, row, Identity, ConnectionId.Zero, jwt: null).ContinueWith(
            t =>
            {
                var error = t.IsFaulted ? t.Exception!.GetBaseException().Message : t.Result.Status == ProcedureCallStatus.Returned ? null : t.Result.Error;
                if (error is not null)
                    Log.Write(ModuleLogLevel.Error, procedure.Name, $"Scheduled procedure '{procedure.Name}' failed: {error}", _clock);
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return published;
    }

    private static int IndexOfPrimaryKey(Storage.Schema.TableSchema schema)
    {
        for (var i = 0; i < schema.Indexes.Count; i++)
        {
            if (schema.Indexes[i].IsUnique && schema.Indexes[i].Columns is [var only] && only == schema.PrimaryKey)
                return i;
        }
        throw new InvalidOperationException($"Table '{schema.Name}' has no primary-key index.");
    }
}
