// domains/Metrics.cs
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

    /// <summary>Cards in the done column per day (UTC), as of the latest roll-up.</summary>
    [Table(Name = "metric", Public = true)]
    public partial struct Metric
    {
        [PrimaryKey] public string Day;
        public uint CardsCompleted;
        public Timestamp RolledUpAt;
    }

    /// <summary>How often the roll-up runs.</summary>
    public const int MetricIntervalSeconds = 10;

    [Reducer]
    public static void RollupMetrics(ReducerContext ctx, MetricTimer timerId)
    {
        // The seed's excerpt leaves 'today' out: the UTC day of the roll-up, one row per day (the latest count).
        var today = ctx.Timestamp.ToStd().UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        ctx.Db.metric.Day.Delete(today);

        // This runs on schedule, inside the database
        uint done = 0;
        foreach (var card in ctx.Db.card.Iter())
        {
            if (card.State == "done") done++;
        }

        ctx.Db.metric.Insert(new Metric { Day = today, CardsCompleted = done, RolledUpAt = ctx.Timestamp });
    }
}
