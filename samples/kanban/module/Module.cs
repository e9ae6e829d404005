// Module.cs
using SpacetimeDB;

public static partial class Module
{
    [Reducer(ReducerKind.Init)]
    public static void Init(ReducerContext ctx)
    {
        Log.Info("DB initialised");

        // Not in the seed's excerpt: the roll-up of domains/Metrics.cs needs one timer row to run on schedule.
        ctx.Db.metric_timer.Insert(new MetricTimer { ScheduledAt = new ScheduleAt.Interval(TimeSpan.FromSeconds(MetricIntervalSeconds)) });
    }
}
