using SpacetimeDB;

/// <summary>A learner.</summary>
[Table(Name = "user", Public = true)]
public partial struct User
{
    [PrimaryKey] public Identity Identity;
    [Unique] public string Username;
    public string? DisplayName;
    public uint Level;
    public ulong Xp;
    /// <summary>Consecutive UTC days with a completed lab, up to the last one.</summary>
    public uint Streak;
    public uint LongestStreak;
    /// <summary>The last completed lab (what streaks count from).</summary>
    public Timestamp LastActivity;
    public string? AvatarUrl;
    public bool IsOnline;
    public Timestamp CreatedAt;
}

/// <summary>One line of a learner's activity log.</summary>
[SpacetimeDB.Type]
public partial struct ActivityEntry
{
    public string Kind;
    public string Detail;
    public Timestamp At;
}

[Table(Name = "user_progress", Public = true)]
public partial struct UserProgress
{
    [PrimaryKey] public Identity Identity;
    public List<string> CompletedLabs;
    public List<uint> CompletedModules;
    public List<uint> UnlockedModules;
    public List<string> Achievements;
    public List<ActivityEntry> ActivityLog;
}

/// <summary>The state of one lab for one learner.</summary>
[Table(Name = "lab_state", Public = true)]
public partial struct LabState
{
    [PrimaryKey, AutoInc] public ulong Id;
    [SpacetimeDB.Index.BTree] public Identity UserIdentity;
    public string LabId;
    /// <summary>The virtual filesystem as JSON.</summary>
    public string VfsSnapshot;
    public Timestamp StartedAt;
    public Timestamp? CompletedAt;
    public uint CurrentStep;
    public bool Verified;
}

[Table(Name = "leaderboard_entry", Public = true)]
public partial struct LeaderboardEntry
{
    [PrimaryKey] public Identity Identity;
    /// <summary>The learner's name, so a top-N subscription needs no second query.</summary>
    public string Username;
    public ulong Rank;
    [SpacetimeDB.Index.BTree] public ulong TotalXp;
    public uint Level;
    public Timestamp UpdatedAt;
}

[Table(Name = "message", Public = true)]
public partial struct Message
{
    [PrimaryKey, AutoInc] public ulong Id;
    public Identity Sender;
    public string Content;
    /// <summary>"global", "lab-5", ...</summary>
    [SpacetimeDB.Index.BTree] public string Channel;
    public Timestamp Timestamp;
    public Timestamp? Edited;
    public bool Deleted;
}

/// <summary>Who is online, and in which lab.</summary>
[Table(Name = "online_presence", Public = true)]
public partial struct OnlinePresence
{
    [PrimaryKey] public Identity Identity;
    public Timestamp LastSeen;
    public string? CurrentLab;
}

/// <summary>Runs <see cref="Module.CleanupOfflineUsers"/> every minute (the seed's <c>schedule(interval = 60)</c>).</summary>
[Table(Name = "cleanup_schedule", Scheduled = nameof(Module.CleanupOfflineUsers), ScheduledAt = nameof(ScheduledAt))]
public partial struct CleanupSchedule
{
    [PrimaryKey, AutoInc] public ulong Id;
    public ScheduleAt ScheduledAt;
}
