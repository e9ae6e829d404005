using SpacetimeDB;

public static partial class Module
{
    [Table(Accessor = "Tick", Scheduled = nameof(RunTick), ScheduledAt = nameof(Tick.ScheduledAt))]
    public partial struct Tick
    {
        [PrimaryKey, AutoInc]
        public ulong ScheduledId;
        public ScheduleAt ScheduledAt;
        public string Label;
    }

    [Table(Accessor = "Fired", Public = true)]
    public partial struct Fired
    {
        public string Label;
        [SpacetimeDB.Index.BTree]
        public ulong TickId;
        public Timestamp At;
    }

    [Reducer]
    public static void RunTick(ReducerContext ctx, Tick tick)
    {
        ctx.Db.Fired.Insert(new Fired { Label = tick.Label, TickId = tick.ScheduledId, At = ctx.Timestamp });
        if (tick.Label == "fail")
            throw new InvalidOperationException("scheduled failure");
    }

    [Reducer]
    public static void ScheduleOnce(ReducerContext ctx, string label, long delayMicros) =>
        ctx.Db.Tick.Insert(new Tick { ScheduledAt = new ScheduleAt.Time(ctx.Timestamp + new TimeDuration(delayMicros)), Label = label });

    [Reducer]
    public static void ScheduleEvery(ReducerContext ctx, string label, long intervalMicros) =>
        ctx.Db.Tick.Insert(new Tick { ScheduledAt = new ScheduleAt.Interval(new TimeDuration(intervalMicros)), Label = label });

    [Reducer]
    public static void Cancel(ReducerContext ctx, string label)
    {
        foreach (var tick in ctx.Db.Tick.Iter())
        {
            if (tick.Label == label)
                ctx.Db.Tick.ScheduledId.Delete(tick.ScheduledId);
        }
    }
}
