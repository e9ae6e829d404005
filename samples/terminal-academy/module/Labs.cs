using SpacetimeDB;

public static partial class Module
{
    /// <summary>The most XP one lab can award.</summary>
    public const ulong MaxLabXp = 1000;

    /// <summary>XP needed to reach <paramref name="level"/>: 100 per level up to 10, then 500 more per level.</summary>
    public static ulong XpForLevel(uint level) => level <= 10 ? level * 100UL : 1000UL + (level - 10) * 500UL;

    /// <summary>The level reached with <paramref name="xp"/>, starting from <paramref name="level"/>.</summary>
    public static uint LevelFor(ulong xp, uint level)
    {
        while (xp >= XpForLevel(level + 1))
            level++;
        return level;
    }

    /// <summary>
    /// The streak after activity on <paramref name="today"/>, the last activity having been on <paramref name="last"/>:
    /// the same day keeps it (at least 1), the next day adds one, a longer gap starts again at 1.
    /// </summary>
    public static uint NextStreak(uint streak, DateOnly last, DateOnly today)
    {
        var days = today.DayNumber - last.DayNumber;
        if (days <= 0)
            return Math.Max(streak, 1);
        return days == 1 ? streak + 1 : 1;
    }

    /// <summary>The UTC calendar day of a timestamp.</summary>
    public static DateOnly Day(Timestamp t) => DateOnly.FromDateTime(t.ToStd().UtcDateTime);

    [Reducer]
    public static void CompleteLab(ReducerContext ctx, string labId, ulong xpEarned)
    {
        if (string.IsNullOrWhiteSpace(labId))
            throw new Exception("Invalid lab");
        if (xpEarned is 0 or > MaxLabXp)
            throw new Exception($"A lab awards 1 to {MaxLabXp} XP");
        var user = ctx.Db.user.Identity.Find(ctx.Sender) ?? throw new Exception("User not found");
        var progress = ctx.Db.user_progress.Identity.Find(ctx.Sender) ?? throw new Exception("Progress not found");
        if (progress.CompletedLabs.Contains(labId))
            throw new Exception("Lab already completed");

        user.Xp += xpEarned;
        var before = user.Level;
        user.Level = LevelFor(user.Xp, user.Level);
        ApplyStreak(ctx, ref user);
        ctx.Db.user.Identity.Update(user);

        progress.CompletedLabs.Add(labId);
        progress.ActivityLog.Add(new ActivityEntry { Kind = "lab", Detail = $"{labId} +{xpEarned} XP", At = ctx.Timestamp });
        if (user.Level > before)
            progress.ActivityLog.Add(new ActivityEntry { Kind = "level", Detail = $"level {user.Level}", At = ctx.Timestamp });
        if (progress.CompletedLabs.Count == 1)
            progress.Achievements.Add("first-lab");
        if (user.Streak >= 7 && !progress.Achievements.Contains("week-streak"))
            progress.Achievements.Add("week-streak");
        ctx.Db.user_progress.Identity.Update(progress);

        foreach (var state in ctx.Db.lab_state.UserIdentity.Filter(ctx.Sender))
        {
            if (state.LabId == labId && state.CompletedAt is null)
                ctx.Db.lab_state.Id.Update(state with { CompletedAt = ctx.Timestamp, Verified = true });
        }
        UpdateLeaderboard(ctx, ctx.Sender);
    }

    /// <summary>The seed's update_streak: counts today against the day of the last activity.</summary>
    [Reducer]
    public static void UpdateStreak(ReducerContext ctx)
    {
        var user = ctx.Db.user.Identity.Find(ctx.Sender) ?? throw new Exception("User not found");
        ApplyStreak(ctx, ref user);
        ctx.Db.user.Identity.Update(user);
    }

    private static void ApplyStreak(ReducerContext ctx, ref User user)
    {
        user.Streak = NextStreak(user.Streak, Day(user.LastActivity), Day(ctx.Timestamp));
        user.LongestStreak = Math.Max(user.LongestStreak, user.Streak);
        user.LastActivity = ctx.Timestamp;
    }

    [Reducer]
    public static void StartLab(ReducerContext ctx, string labId, string vfsSnapshot)
    {
        if (ctx.Db.user.Identity.Find(ctx.Sender) is null)
            throw new Exception("User not found");
        ctx.Db.lab_state.Insert(new LabState
        {
            UserIdentity = ctx.Sender,
            LabId = labId,
            VfsSnapshot = vfsSnapshot,
            StartedAt = ctx.Timestamp,
        });
    }

    [Reducer]
    public static void SaveLabState(ReducerContext ctx, ulong stateId, string vfsSnapshot, uint currentStep)
    {
        var state = OwnLabState(ctx, stateId);
        ctx.Db.lab_state.Id.Update(state with { VfsSnapshot = vfsSnapshot, CurrentStep = currentStep });
    }

    [Reducer]
    public static void DeleteLabState(ReducerContext ctx, ulong stateId)
    {
        OwnLabState(ctx, stateId);
        ctx.Db.lab_state.Id.Delete(stateId);
    }

    private static LabState OwnLabState(ReducerContext ctx, ulong stateId)
    {
        var state = ctx.Db.lab_state.Id.Find(stateId) ?? throw new Exception("State not found");
        if (state.UserIdentity != ctx.Sender)
            throw new Exception("Unauthorized");
        return state;
    }

    /// <summary>Writes the learner's entry and renumbers the ranks (most XP first; ties by who got there first).</summary>
    private static void UpdateLeaderboard(ReducerContext ctx, Identity identity)
    {
        if (ctx.Db.user.Identity.Find(identity) is not User user)
            return;
        var entry = new LeaderboardEntry
        {
            Identity = identity,
            Username = user.Username,
            Rank = 0,
            TotalXp = user.Xp,
            Level = user.Level,
            UpdatedAt = ctx.Timestamp,
        };
        if (ctx.Db.leaderboard_entry.Identity.Find(identity) is LeaderboardEntry old)
            ctx.Db.leaderboard_entry.Identity.Update(entry with { Rank = old.Rank });
        else
            ctx.Db.leaderboard_entry.Insert(entry);

        var ordered = ctx.Db.leaderboard_entry.Iter()
            .OrderByDescending(e => e.TotalXp)
            .ThenBy(e => e.UpdatedAt)
            .ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            var rank = (ulong)i + 1;
            if (ordered[i].Rank != rank)
                ctx.Db.leaderboard_entry.Identity.Update(ordered[i] with { Rank = rank });
        }
    }
}
