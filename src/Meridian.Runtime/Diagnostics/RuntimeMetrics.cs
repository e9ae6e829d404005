using System.Diagnostics;
using System.Diagnostics.Metrics;
using Meridian.Runtime.Execution;

namespace Meridian.Runtime.Diagnostics;

/// <summary>
/// The runtime's instruments (System.Diagnostics.Metrics), named <c>meridian.&lt;area&gt;.&lt;what&gt;</c> and
/// tagged with the database: exported by whatever listens (the server exposes them over HTTP).
/// </summary>
public sealed class RuntimeMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Meridian.Runtime";

    private readonly Counter<long> _reducerCalls;
    private readonly Histogram<double> _reducerDuration;
    private readonly Counter<long> _commits;
    private readonly Counter<long> _rowsChanged;
    private readonly Histogram<double> _subscriptionEvaluation;
    private readonly Counter<long> _subscriptionRows;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/> (or a meter of its own when null).</summary>
    public RuntimeMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _reducerCalls = meter.CreateCounter<long>("meridian.reducer.calls", "{call}", "Reducer calls, by database, reducer and outcome.");
        _reducerDuration = meter.CreateHistogram<double>("meridian.reducer.duration", "s", "How long reducers ran, by database and reducer.");
        _commits = meter.CreateCounter<long>("meridian.transaction.commits", "{transaction}", "Transactions committed to the log, by database.");
        _rowsChanged = meter.CreateCounter<long>(
            "meridian.transaction.rows", "{row}", "Rows inserted and deleted by committed transactions, by database and kind.");
        _subscriptionEvaluation = meter.CreateHistogram<double>(
            "meridian.subscription.evaluation.duration", "s", "Time to evaluate live queries, by database and kind (initial or delta).");
        _subscriptionRows = meter.CreateCounter<long>("meridian.subscription.rows", "{row}", "Rows live queries produced for clients, by database and kind.");
    }

    internal void ReducerCalled(string database, string reducer, ReducerStatus status, TimeSpan duration)
    {
        // Tags are built only when something listens: a call must not allocate for metrics nobody reads.
        if (_reducerCalls.Enabled)
        {
            var outcome = status switch
            {
                ReducerStatus.Committed => "committed",
                ReducerStatus.Failed => "failed",
                _ => "notrun",
            };
            _reducerCalls.Add(1, new TagList { { "database", database }, { "reducer", reducer }, { "outcome", outcome } });
        }
        if (_reducerDuration.Enabled)
            _reducerDuration.Record(
            duration.TotalSeconds, new KeyValuePair<string, object?>("database", database), new KeyValuePair<string, object?>("reducer", reducer));
    }

    /// <summary>Whether anything listens to the commit counters (when nothing does, a commit need not be counted at all).</summary>
    internal bool CommitsObserved => _commits.Enabled || _rowsChanged.Enabled;

    internal void Committed(string database, int inserted, int deleted)
    {
        _commits.Add(1, new KeyValuePair<string, object?>("database", database));
        if (inserted > 0)
            _rowsChanged.Add(inserted, new KeyValuePair<string, object?>("database", database), new KeyValuePair<string, object?>("kind", "insert"));
        if (deleted > 0)
            _rowsChanged.Add(deleted, new KeyValuePair<string, object?>("database", database), new KeyValuePair<string, object?>("kind", "delete"));
    }

    internal void SubscriptionEvaluated(string database, string kind, TimeSpan duration, int rows)
    {
        var db = new KeyValuePair<string, object?>("database", database);
        var k = new KeyValuePair<string, object?>("kind", kind);
        _subscriptionEvaluation.Record(duration.TotalSeconds, db, k);
        if (rows > 0)
            _subscriptionRows.Add(rows, db, k);
    }
}
