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
/// samples/kanban/module's scheduled roll-up (seed 004's <c>metric_timer</c> and <c>RollupMetrics</c>, every 10 s from the
/// timer row <c>Init</c> inserts) on a fake clock: the cards in done, one <c>metric</c> row per UTC day.
/// </summary>
public sealed class KanbanMetricsRollupTests : IAsyncLifetime
{
    private static readonly Identity Owner = Identity.FromClaims("localhost", "owner");
    private static readonly Identity Alice = Identity.FromClaims("localhost", "alice");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 9, 23, 59, 35, TimeSpan.Zero));
    private Database _db = null!;

    public async Task InitializeAsync()
    {
        var module = LoadedModule.Load("kanban", TestModules.KanbanSample());
        _db = await Database.OpenAsync(
            "kanban", Identity.FromClaims("localhost", "db"), Owner, Datastore.CreateInMemory(_clock), module, new ModuleLog(null),
            runInit: true, new DatabaseServices(_clock, NullLoggerFactory.Instance, null));
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task Call(string reducer, Action<BsatnWriter> args)
    {
        var w = new BsatnWriter();
        args(w);
        var result = await _db.CallReducerAsync(reducer, w.ToArray(), Alice, ConnectionId.Random());
        Assert.True(result.Status == ReducerStatus.Committed, $"{reducer}: {result.Status} {result.Error}");
    }

    private async Task<List<ulong>> CardIds()
    {
        var result = Assert.Single(await _db.ExecuteSqlAsync("SELECT * FROM card", Owner, ConnectionId.Random()));
        return result.Rows.Select(r => ((PrimitiveValue<ulong>)r.Elements[0]).Value).Order().ToList();
    }

    private async Task<Dictionary<string, uint>> Metrics()
    {
        var result = Assert.Single(await _db.ExecuteSqlAsync("SELECT * FROM metric", Owner, ConnectionId.Random()));
        var names = result.Schema.Elements.Select(e => e.Name!).ToList();
        int day = names.IndexOf("day"), done = names.IndexOf("cards_completed");
        return result.Rows.ToDictionary(r => ((StringValue)r.Elements[day]).Value, r => ((PrimitiveValue<uint>)r.Elements[done]).Value);
    }

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"still not true after 15 s: {what}");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task The_roll_up_counts_the_done_cards_every_ten_seconds_in_one_row_per_utc_day()
    {
        await Call("CreateBoard", w => w.WriteString("launch"));
        foreach (var title in new[] { "write", "review", "ship" })
            await Call("AddCard", w => { w.WriteU64(1); w.WriteString(title); });
        var cards = await CardIds();
        Assert.Equal(3, cards.Count);
        await Call("MoveCard", w => { w.WriteU64(cards[0]); w.WriteString("done"); });
        await Call("MoveCard", w => { w.WriteU64(cards[1]); w.WriteString("doing"); });
        Assert.Empty(await Metrics()); // nothing rolled up before the first interval

        _clock.Advance(TimeSpan.FromSeconds(10)); // 23:59:45: the first run
        await Eventually(async () => (await Metrics()).GetValueOrDefault("2026-03-09") == 1, "the first roll-up of March 9th");

        await Call("MoveCard", w => { w.WriteU64(cards[1]); w.WriteString("done"); });
        _clock.Advance(TimeSpan.FromSeconds(10)); // 23:59:55: the day's row is replaced, not added to
        await Eventually(async () => (await Metrics()).GetValueOrDefault("2026-03-09") == 2, "the next roll-up of March 9th");
        Assert.Single(await Metrics());

        await Call("MoveCard", w => { w.WriteU64(cards[2]); w.WriteString("done"); });
        _clock.Advance(TimeSpan.FromSeconds(10)); // 00:00:05 UTC: a new day, a new row; yesterday's stays
        await Eventually(async () => (await Metrics()).ContainsKey("2026-03-10"), "the first roll-up of March 10th");
        Assert.Equal(new Dictionary<string, uint> { ["2026-03-09"] = 2, ["2026-03-10"] = 3 }, await Metrics());
    }
}
