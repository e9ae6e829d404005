using SpacetimeDB;

public static partial class Module
{
    /// <summary>The cleanup runs this often.</summary>
    public static readonly TimeDuration CleanupInterval = TimeDuration.FromSeconds(60);

    /// <summary>A learner with no heartbeat for this long is offline.</summary>
    public static readonly TimeDuration OfflineAfter = TimeDuration.FromSeconds(120);

    [Reducer(ReducerKind.Init)]
    public static void Init(ReducerContext ctx)
    {
        ctx.Db.cleanup_schedule.Insert(new CleanupSchedule { ScheduledAt = new ScheduleAt.Interval(CleanupInterval) });
    }

    [Reducer]
    public static void RegisterUser(ReducerContext ctx, string username)
    {
        if (ctx.Db.user.Identity.Find(ctx.Sender) is not null)
            throw new Exception("User already registered");
        username = username.Trim();
        if (username.Length is 0 or > 30)
            throw new Exception("Invalid username");
        if (ctx.Db.user.Username.Find(username) is not null)
            throw new Exception("Username taken");

        ctx.Db.user.Insert(new User
        {
            Identity = ctx.Sender,
            Username = username,
            Level = 1,
            LastActivity = ctx.Timestamp,
            IsOnline = true,
            CreatedAt = ctx.Timestamp,
        });
        ctx.Db.user_progress.Insert(new UserProgress
        {
            Identity = ctx.Sender,
            CompletedLabs = [],
            CompletedModules = [],
            UnlockedModules = [1], // start with module 1
            Achievements = [],
            ActivityLog = [new ActivityEntry { Kind = "registered", Detail = username, At = ctx.Timestamp }],
        });
        UpdateLeaderboard(ctx, ctx.Sender);
        Touch(ctx, null);
    }

    [Reducer(ReducerKind.ClientConnected)]
    public static void ClientConnected(ReducerContext ctx) => Touch(ctx, null);

    [Reducer(ReducerKind.ClientDisconnected)]
    public static void ClientDisconnected(ReducerContext ctx) => GoOffline(ctx, ctx.Sender);

    /// <summary>The client's "still here" every 30 s, with the lab it has open.</summary>
    [Reducer]
    public static void Heartbeat(ReducerContext ctx, string? currentLab) => Touch(ctx, currentLab);

    /// <summary>Marks offline everyone whose last heartbeat is older than <see cref="OfflineAfter"/>.</summary>
    [Reducer]
    public static void CleanupOfflineUsers(ReducerContext ctx, CleanupSchedule schedule)
    {
        var threshold = ctx.Timestamp - OfflineAfter;
        foreach (var presence in ctx.Db.online_presence.Iter())
        {
            if (presence.LastSeen < threshold)
                GoOffline(ctx, presence.Identity);
        }
    }

    private static void Touch(ReducerContext ctx, string? currentLab)
    {
        var presence = new OnlinePresence { Identity = ctx.Sender, LastSeen = ctx.Timestamp, CurrentLab = currentLab };
        if (ctx.Db.online_presence.Identity.Find(ctx.Sender) is null)
            ctx.Db.online_presence.Insert(presence);
        else
            ctx.Db.online_presence.Identity.Update(presence);

        // Heartbeats do not move LastActivity: streaks count completed labs, not open tabs.
        if (ctx.Db.user.Identity.Find(ctx.Sender) is User user && !user.IsOnline)
        {
            user.IsOnline = true;
            ctx.Db.user.Identity.Update(user);
        }
    }

    private static void GoOffline(ReducerContext ctx, Identity identity)
    {
        ctx.Db.online_presence.Identity.Delete(identity);
        if (ctx.Db.user.Identity.Find(identity) is User user && user.IsOnline)
        {
            user.IsOnline = false;
            ctx.Db.user.Identity.Update(user);
        }
    }
}
