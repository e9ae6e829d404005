using SpacetimeDB;

public static partial class Module
{
    [Table(Name = "metric_timer",
           Scheduled = nameof(RollupMetrics),
           ScheduledAt = nameof(ScheduledAt))]
    public partial struct MetricTimer
    {
        [PrimaryKey, AutoInc] public ulong TimerId;
        public ScheduleAt ScheduledAt;
    }

    [Table(Name = "metric", Public = true)]
    public partial struct Metric
    {
        [PrimaryKey] public string Day;
        public uint CardsCompleted;
    }

    [Reducer]
    public static void RollupMetrics(ReducerContext ctx, MetricTimer timerId)
    {
        // This runs on schedule, inside the database
        uint done = 0;
        foreach (var card in ctx.Db.card.Iter())
        {
            if (card.State == "done") done++;
        }
        var today = ctx.Timestamp.ToStd().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        ctx.Db.metric.Day.Delete(today);
        ctx.Db.metric.Insert(new Metric { Day = today, CardsCompleted = done });
    }
}
