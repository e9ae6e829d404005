using Meridian.Runtime.Execution;
using Meridian.Runtime.Hosting;
using Meridian.Runtime.Logging;
using Meridian.Runtime.Modules;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Values;
using Meridian.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Meridian.Runtime.Tests;

/// <summary>
/// samples/terminal-academy/module's scheduled cleanup (every 60 s, offline after 120 s without a heartbeat) on a
/// fake clock that the test moves: the database's scheduler waits on that clock, so minutes pass at once.
/// </summary>
public sealed class TerminalAcademyCleanupTests : IAsyncLifetime
{
    private static readonly Identity Owner = Identity.FromClaims("localhost", "owner");
    private static readonly Identity Alice = Identity.FromClaims("localhost", "alice");
    private static readonly Identity Bob = Identity.FromClaims("localhost", "bob");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 9, 10, 0, 0, TimeSpan.Zero));
    private Database _db = null!;

    public async Task InitializeAsync()
    {
        var module = LoadedModule.Load("terminal-academy", TestModules.TerminalAcademy());
        _db = await Database.OpenAsync(
            "terminal-academy", Identity.FromClaims("localhost", "db"), Owner, Datastore.CreateInMemory(_clock), module, new ModuleLog(null),
            runInit: true, new DatabaseServices(_clock, NullLoggerFactory.Instance, null));
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task Call(string reducer, Identity caller, Action<BsatnWriter> args)
    {
        var w = new BsatnWriter();
        args(w);
        var result = await _db.CallReducerAsync(reducer, w.ToArray(), caller, ConnectionId.Random());
        Assert.True(result.Status == ReducerStatus.Committed, $"{reducer}: {result.Status} {result.Error}");
    }

    private async Task<Dictionary<string, bool>> Online()
    {
        var result = Assert.Single(await _db.ExecuteSqlAsync("SELECT * FROM user", Owner, ConnectionId.Random()));
        var names = result.Schema.Elements.Select(e => e.Name!).ToList();
        int username = names.IndexOf("username"), online = names.IndexOf("is_online");
        return result.Rows.ToDictionary(r => ((StringValue)r.Elements[username]).Value, r => ((PrimitiveValue<bool>)r.Elements[online]).Value);
    }

    private async Task<int> PresenceRows() =>
        Assert.Single(await _db.ExecuteSqlAsync("SELECT * FROM online_presence", Owner, ConnectionId.Random())).Rows.Count;

    // The scheduler runs on its own task once the clock moves: wait (in real time) until it has done its work.
    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"still not true after 15 s: {what}");
            await Task.Delay(20);
        }
    }

    // A scheduled run reads the clock when it runs, which may be after the test moved it again: every assertion
    // below holds for any run at or before the clock's current time.
    [Fact]
    public async Task The_cleanup_every_minute_takes_offline_only_who_missed_heartbeats_for_two_minutes()
    {
        await Call("RegisterUser", Alice, w => w.WriteString("alice")); // t = 0, then silent
        _clock.Advance(TimeSpan.FromSeconds(100));
        await Call("RegisterUser", Bob, w => w.WriteString("bob"));     // t = 100
        Assert.Equal(new Dictionary<string, bool> { ["alice"] = true, ["bob"] = true }, await Online());

        _clock.Advance(TimeSpan.FromSeconds(80)); // t = 180: the run due now sees alice silent for 180 s, bob for 80 s
        await Eventually(async () => !(await Online())["alice"], "alice offline after the run at t = 180");
        Assert.True((await Online())["bob"]);
        Assert.Equal(1, await PresenceRows());

        await Call("Heartbeat", Bob, w => w.WriteSumTag(1)); // t = 180, no lab open (option none)
        _clock.Advance(TimeSpan.FromSeconds(120)); // t = 300: without the heartbeat, the run at t = 240 took bob offline
        Assert.True((await Online())["bob"]);
        _clock.Advance(TimeSpan.FromSeconds(60)); // t = 360: silent since t = 180
        await Eventually(async () => !(await Online())["bob"], "bob offline after the run at t = 360");
        Assert.Equal(0, await PresenceRows());
    }
}
