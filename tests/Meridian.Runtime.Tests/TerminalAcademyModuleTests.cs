using Meridian.Runtime.Execution;
using Meridian.Runtime.Hosting;
using Meridian.Runtime.Logging;
using Meridian.Runtime.Modules;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Values;
using Meridian.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Meridian.Runtime.Tests;

/// <summary>
/// samples/terminal-academy/module on a manual clock: XP and levels, streaks counted on UTC calendar days of the
/// reducer's timestamp, the leaderboard's ranks, and the owner check of delete_lab_state.
/// </summary>
public sealed class TerminalAcademyModuleTests : IAsyncLifetime
{
    private static readonly Identity Owner = Identity.FromClaims("localhost", "owner");
    private static readonly Identity Alice = Identity.FromClaims("localhost", "alice");
    private static readonly Identity Bob = Identity.FromClaims("localhost", "bob");
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 3, 9, 10, 0, 0, TimeSpan.Zero));
    private Database _db = null!;

    public async Task InitializeAsync()
    {
        var module = LoadedModule.Load("terminal-academy", TestModules.TerminalAcademy());
        _db = await Database.OpenAsync(
            "terminal-academy", Identity.FromClaims("localhost", "db"), Owner, Datastore.CreateInMemory(_clock), module, new ModuleLog(null),
            runInit: true, new DatabaseServices(_clock, NullLoggerFactory.Instance, null));
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private async Task<ReducerCallResult> Try(string reducer, Identity caller, Action<BsatnWriter> args)
    {
        var w = new BsatnWriter();
        args(w);
        return await _db.CallReducerAsync(reducer, w.ToArray(), caller, ConnectionId.Random());
    }

    private async Task Call(string reducer, Identity caller, Action<BsatnWriter> args)
    {
        var result = await Try(reducer, caller, args);
        Assert.True(result.Status == ReducerStatus.Committed, $"{reducer}: {result.Status} {result.Error}");
    }

    private Task CompleteLab(Identity who, string lab, ulong xp) => Call("CompleteLab", who, w => { w.WriteString(lab); w.WriteU64(xp); });

    /// <summary>The named columns of every row of <paramref name="sql"/>, as the owner sees them.</summary>
    private async Task<List<Dictionary<string, AlgebraicValue>>> Rows(string sql)
    {
        var result = Assert.Single(await _db.ExecuteSqlAsync(sql, Owner, ConnectionId.Random()));
        var names = result.Schema.Elements.Select(e => e.Name!).ToList();
        return result.Rows.Select(r => names.Select((n, i) => (n, r.Elements[i])).ToDictionary(p => p.n, p => p.Item2)).ToList();
    }

    private async Task<(uint Level, ulong Xp, uint Streak, uint Longest)> Learner(string username)
    {
        var row = Assert.Single(await Rows($"SELECT * FROM user WHERE username = '{username}'"));
        return (U32(row["level"]), U64(row["xp"]), U32(row["streak"]), U32(row["longest_streak"]));
    }

    private static uint U32(AlgebraicValue v) => ((PrimitiveValue<uint>)v).Value;

    private static ulong U64(AlgebraicValue v) => ((PrimitiveValue<ulong>)v).Value;

    [Fact]
    public async Task Xp_levels_and_streaks_follow_the_calendar_days_of_the_reducer_timestamp()
    {
        await Call("RegisterUser", Alice, w => w.WriteString("alice"));
        Assert.Equal((1u, 0ul, 0u, 0u), await Learner("alice"));

        await CompleteLab(Alice, "nav-1", 150); // the first lab starts a streak; level 2 needs 200 XP
        Assert.Equal((1u, 150ul, 1u, 1u), await Learner("alice"));

        _clock.Now = _clock.Now.AddHours(5); // same day: streak unchanged
        await CompleteLab(Alice, "nav-2", 100);
        Assert.Equal((2u, 250ul, 1u, 1u), await Learner("alice"));

        _clock.Now = new DateTimeOffset(2026, 3, 10, 0, 5, 0, TimeSpan.Zero); // next UTC day, 14 hours later
        await CompleteLab(Alice, "text-1", 50);
        Assert.Equal((3u, 300ul, 2u, 2u), await Learner("alice"));

        _clock.Now = new DateTimeOffset(2026, 3, 11, 23, 59, 0, TimeSpan.Zero); // and the day after
        await CompleteLab(Alice, "text-2", 1000);
        Assert.Equal((10u, 1300ul, 3u, 3u), await Learner("alice")); // level 10 at 1000 XP; 11 needs 500 more

        _clock.Now = _clock.Now.AddDays(3); // a gap: the streak starts again, the longest stays
        await CompleteLab(Alice, "perm-1", 10);
        Assert.Equal((10u, 1310ul, 1u, 3u), await Learner("alice"));
    }

    [Fact]
    public async Task A_lab_counts_once_and_bad_xp_changes_nothing()
    {
        await Call("RegisterUser", Alice, w => w.WriteString("alice"));
        await CompleteLab(Alice, "nav-1", 100);
        var again = await Try("CompleteLab", Alice, w => { w.WriteString("nav-1"); w.WriteU64(100); });
        Assert.Equal(ReducerStatus.Failed, again.Status);
        Assert.Contains("already completed", again.Error, StringComparison.Ordinal);
        var tooMuch = await Try("CompleteLab", Alice, w => { w.WriteString("nav-2"); w.WriteU64(5000); });
        Assert.Equal(ReducerStatus.Failed, tooMuch.Status);
        Assert.Equal(100ul, (await Learner("alice")).Xp);
        var taken = await Try("RegisterUser", Bob, w => w.WriteString("alice"));
        Assert.Equal(ReducerStatus.Failed, taken.Status);
        Assert.Contains("Username taken", taken.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_leaderboard_is_renumbered_by_xp()
    {
        await Call("RegisterUser", Alice, w => w.WriteString("alice"));
        await Call("RegisterUser", Bob, w => w.WriteString("bob"));
        await CompleteLab(Bob, "nav-1", 100);
        await CompleteLab(Alice, "nav-1", 300);

        var ranks = (await Rows("SELECT * FROM leaderboard_entry"))
            .ToDictionary(r => ((StringValue)r["username"]).Value, r => (Rank: U64(r["rank"]), Xp: U64(r["total_xp"])));
        Assert.Equal((1ul, 300ul), ranks["alice"]);
        Assert.Equal((2ul, 100ul), ranks["bob"]);
    }

    [Fact]
    public async Task Only_the_owner_deletes_a_lab_state()
    {
        await Call("RegisterUser", Alice, w => w.WriteString("alice"));
        await Call("StartLab", Alice, w => { w.WriteString("nav-1"); w.WriteString("{}"); });
        var id = U64(Assert.Single(await Rows("SELECT * FROM lab_state"))["id"]);

        var theft = await Try("DeleteLabState", Bob, w => w.WriteU64(id));
        Assert.Equal(ReducerStatus.Failed, theft.Status);
        Assert.Contains("Unauthorized", theft.Error, StringComparison.Ordinal);
        Assert.Single(await Rows("SELECT * FROM lab_state"));

        var missing = await Try("DeleteLabState", Alice, w => w.WriteU64(id + 1));
        Assert.Contains("State not found", missing.Error, StringComparison.Ordinal);

        await Call("DeleteLabState", Alice, w => w.WriteU64(id));
        Assert.Empty(await Rows("SELECT * FROM lab_state"));
    }

    [Fact]
    public async Task Registration_refuses_a_second_account_and_bad_usernames_and_changes_nothing()
    {
        await Call("RegisterUser", Alice, w => w.WriteString("alice"));
        var twice = await Try("RegisterUser", Alice, w => w.WriteString("alice2"));
        Assert.Equal(ReducerStatus.Failed, twice.Status);
        Assert.Contains("User already registered", twice.Error, StringComparison.Ordinal);
        foreach (var bad in new[] { "", new string('x', 31) })
        {
            var refused = await Try("RegisterUser", Bob, w => w.WriteString(bad));
            Assert.Equal(ReducerStatus.Failed, refused.Status);
            Assert.Contains("Invalid username", refused.Error, StringComparison.Ordinal);
        }
        await Call("RegisterUser", Bob, w => w.WriteString(new string('b', 30))); // 30 characters is allowed

        var names = (await Rows("SELECT * FROM user")).Select(r => ((StringValue)r["username"]).Value).Order(StringComparer.Ordinal);
        Assert.Equal(["alice", new string('b', 30)], names);
        Assert.Equal(2, (await Rows("SELECT * FROM user_progress")).Count);
        Assert.Equal(2, (await Rows("SELECT * FROM leaderboard_entry")).Count);
    }
}
