using Meridian.Sats;
using Meridian.Sats.Values;
using Microsoft.Extensions.Time.Testing;

namespace Meridian.Runtime.Tests;

/// <summary>
/// samples/terminal-academy/module's scheduled cleanup (every 60 s, offline after 120 s without a heartbeat) on a
/// fake clock that the test moves: the database's scheduler waits on that clock, so minutes pass at once.
/// </summary>
public sealed class TerminalAcademyCleanupTests()
    : InMemoryModuleTests("terminal-academy", TestModules.TerminalAcademy, new FakeTimeProvider(new DateTimeOffset(2026, 3, 9, 10, 0, 0, TimeSpan.Zero)))
{
    private static readonly Identity Alice = Identity.FromClaims("localhost", "alice");
    private static readonly Identity Bob = Identity.FromClaims("localhost", "bob");

    private async Task<Dictionary<string, bool>> Online()
    {
        var result = await OwnerSql("SELECT * FROM user");
        var names = result.Schema.Elements.Select(e => e.Name!).ToList();
        int username = names.IndexOf("username"), online = names.IndexOf("is_online");
        return result.Rows.ToDictionary(r => ((StringValue)r.Elements[username]).Value, r => ((PrimitiveValue<bool>)r.Elements[online]).Value);
    }

    private async Task<int> PresenceRows() => (await OwnerSql("SELECT * FROM online_presence")).Rows.Count;

    // A scheduled run reads the clock when it runs, which may be after the test moved it again: every assertion
    // below holds for any run at or before the clock's current time.
    [Fact]
    public async Task The_cleanup_every_minute_takes_offline_only_who_missed_heartbeats_for_two_minutes()
    {
        await Call("RegisterUser", Alice, w => w.WriteString("alice")); // t = 0, then silent
        Clock.Advance(TimeSpan.FromSeconds(100));
        await Call("RegisterUser", Bob, w => w.WriteString("bob"));     // t = 100
        Assert.Equal(new Dictionary<string, bool> { ["alice"] = true, ["bob"] = true }, await Online());

        Clock.Advance(TimeSpan.FromSeconds(80)); // t = 180: the run due now sees alice silent for 180 s, bob for 80 s
        await Eventually(async () => !(await Online())["alice"], "alice offline after the run at t = 180");
        Assert.True((await Online())["bob"]);
        Assert.Equal(1, await PresenceRows());

        await Call("Heartbeat", Bob, w => w.WriteSumTag(1)); // t = 180, no lab open (option none)
        Clock.Advance(TimeSpan.FromSeconds(120)); // t = 300: without the heartbeat, the run at t = 240 took bob offline
        Assert.True((await Online())["bob"]);
        Clock.Advance(TimeSpan.FromSeconds(60)); // t = 360: silent since t = 180
        await Eventually(async () => !(await Online())["bob"], "bob offline after the run at t = 360");
        Assert.Equal(0, await PresenceRows());
    }
}
