namespace Meridian.Client;

/// <summary>Optimistic updates: a call's predicted changes shown at once, then confirmed or undone by the server's answer.</summary>
public abstract partial class DbConnectionBase
{
    // On the tick thread (under _tickLock): the predictions applied and not yet answered, in call order.
    private readonly List<Prediction> _predictions = [];

    // Set only while CallWithPrediction runs its call, under _tickLock, for the reducer call it makes.
    private Prediction? _nextPrediction;

    /// <summary>The number of predictions applied to the cache whose calls have not been answered yet.</summary>
    public int PendingPredictions
    {
        get
        {
            lock (_tickLock)
            {
                return _predictions.Count;
            }
        }
    }

    /// <summary>
    /// Calls a reducer with a prediction of what it will do: the predicted changes are applied to the cache at
    /// once and their callbacks run (with <see cref="Event.Predicted"/>), on the calling thread, before this
    /// returns. When the server answers, the prediction is taken away and the call's real changes applied in
    /// one step, and the callbacks report only the difference: nothing when the server did what was predicted,
    /// an update from the predicted row to the real one when it differs, and callbacks that undo the prediction
    /// when the call failed (also for a queued call that expired, was discarded, or whose answer was lost).
    /// A call queued while offline keeps its prediction until it is answered after the reconnect; the offline
    /// cache stores only the server's rows, so a call loaded from it by a later run has no prediction.
    /// </summary>
    /// <param name="call">Makes a reducer call (the first it makes carries the prediction), e.g. <c>() =&gt; conn.Reducers.SetScore(7, "Ada", 42)</c>.</param>
    /// <param name="predict">Says what the call will do, e.g. <c>p =&gt; p.Update(conn.Db.Player, new Player(7, "Ada", 42))</c>.</param>
    /// <returns>The call's task: it completes with the server's answer, as without a prediction.</returns>
    /// <exception cref="ArgumentException">The prediction names a table of another connection.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="call"/> made no reducer call.</exception>
    public Task<ReducerEvent> CallWithPrediction(Func<Task<ReducerEvent>> call, Action<Prediction> predict)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(predict);
        lock (_tickLock)
        {
            var prediction = new Prediction();
            predict(prediction);
            foreach (var op in prediction.Ops)
            {
                if (!_tables.TryGetValue(op.Table.RemoteTableName, out var table) || !ReferenceEquals(table, op.Table))
                    throw new ArgumentException($"The prediction changes {op.Table.RemoteTableName}, a table of another connection.", nameof(predict));
            }
            Task<ReducerEvent> task;
            _nextPrediction = prediction;
            try
            {
                task = call() ?? throw new InvalidOperationException("The call returned no task.");
            }
            finally
            {
                _nextPrediction = null;
            }
            if (prediction.Call is null)
                throw new InvalidOperationException("The call given to CallWithPrediction made no reducer call.");
            if (prediction.Accepted && prediction.Ops.Count > 0)
            {
                var reducerEvent = prediction.Call!;
                _predictions.Add(prediction);
                ApplyTables([], CreateEventContext(new Event.Predicted(reducerEvent.ReducerName, reducerEvent.Args)), predictionsChanged: true);
            }
            return task;
        }
    }

    /// <summary>Takes the prediction for the reducer call being made (in InternalCallReducer): the first call CallWithPrediction's delegate makes.</summary>
    private Prediction? TakePrediction(string name, object? args)
    {
        if (_nextPrediction is null || !Monitor.IsEntered(_tickLock))
            return null;
        var prediction = _nextPrediction;
        _nextPrediction = null;
        prediction.Call = new ReducerEvent(default, new Status.Committed(), Identity ?? default, ConnectionId, name, args);
        return prediction;
    }

    /// <summary>The call of <paramref name="pending"/> ended without changes of its own: its prediction is undone (on the tick thread).</summary>
    private void DropPrediction(PendingReducer pending, ReducerEvent reducerEvent)
    {
        if (pending.Prediction is { } prediction && _predictions.Remove(prediction))
            ApplyTables([], CreateEventContext(new Event.Reducer(reducerEvent)), predictionsChanged: true);
    }

    /// <summary>The predicted changes, table by table in call order, for every table that has or had some.</summary>
    private Dictionary<RemoteTableHandleBase, List<PredictedOp>> Overlays()
    {
        var overlays = new Dictionary<RemoteTableHandleBase, List<PredictedOp>>();
        foreach (var table in _tables.Values)
        {
            if (table.HasOverlay)
                overlays[table] = [];
        }
        foreach (var prediction in _predictions)
        {
            foreach (var op in prediction.Ops)
            {
                if (!overlays.TryGetValue(op.Table, out var ops))
                    overlays[op.Table] = ops = [];
                ops.Add(op);
            }
        }
        return overlays;
    }
}
