using Meridian.Sats;
using Meridian.Sats.Values;
using Microsoft.Extensions.Time.Testing;

namespace Meridian.Runtime.Tests;

/// <summary>
/// samples/kanban/module's scheduled roll-up (seed 004's <c>metric_timer</c> and <c>RollupMetrics</c>, every 10 s from the
/// timer row <c>Init</c> inserts) on a fake clock: the cards in done, one <c>metric</c> row per UTC day.
/// </summary>
public sealed class KanbanMetricsRollupTests()
    : InMemoryModuleTests("kanban", TestModules.KanbanSample, new FakeTimeProvider(new DateTimeOffset(2026, 3, 9, 23, 59, 35, TimeSpan.Zero)))
{
    private static readonly Identity Alice = Identity.FromClaims("localhost", "alice");

    private async Task<List<ulong>> CardIds() =>
        (await OwnerSql("SELECT * FROM card")).Rows.Select(r => ((PrimitiveValue<ulong>)r.Elements[0]).Value).Order().ToList();

    private async Task<Dictionary<string, uint>> Metrics()
    {
        var result = await OwnerSql("SELECT * FROM metric");
        var names = result.Schema.Elements.Select(e => e.Name!).ToList();
        int day = names.IndexOf("day"), done = names.IndexOf("cards_completed");
        return result.Rows.ToDictionary(r => ((StringValue)r.Elements[day]).Value, r => ((PrimitiveValue<uint>)r.Elements[done]).Value);
    }

    [Fact]
    public async Task The_roll_up_counts_the_done_cards_every_ten_seconds_in_one_row_per_utc_day()
    {
        await Call("CreateBoard", Alice, w => w.WriteString("launch"));
        foreach (var title in new[] { "write", "review", "ship" })
            await Call("AddCard", Alice, w => { w.WriteU64(1); w.WriteString(title); });
        var cards = await CardIds();
        Assert.Equal(3, cards.Count);
        await Call("MoveCard", Alice, w => { w.WriteU64(cards[0]); w.WriteString("done"); });
        await Call("MoveCard", Alice, w => { w.WriteU64(cards[1]); w.WriteString("doing"); });
        Assert.Empty(await Metrics()); // nothing rolled up before the first interval

        Clock.Advance(TimeSpan.FromSeconds(10)); // 23:59:45: the first run
        await Eventually(async () => (await Metrics()).GetValueOrDefault("2026-03-09") == 1, "the first roll-up of March 9th");

        await Call("MoveCard", Alice, w => { w.WriteU64(cards[1]); w.WriteString("done"); });
        Clock.Advance(TimeSpan.FromSeconds(10)); // 23:59:55: the day's row is replaced, not added to
        await Eventually(async () => (await Metrics()).GetValueOrDefault("2026-03-09") == 2, "the next roll-up of March 9th");
        Assert.Single(await Metrics());

        await Call("MoveCard", Alice, w => { w.WriteU64(cards[2]); w.WriteString("done"); });
        Clock.Advance(TimeSpan.FromSeconds(10)); // 00:00:05 UTC: a new day, a new row; yesterday's stays
        await Eventually(async () => (await Metrics()).ContainsKey("2026-03-10"), "the first roll-up of March 10th");
        Assert.Equal(new Dictionary<string, uint> { ["2026-03-09"] = 2, ["2026-03-10"] = 3 }, await Metrics());
    }
}
