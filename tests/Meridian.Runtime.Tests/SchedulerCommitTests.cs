using Meridian.Sats.Bsatn;
using Microsoft.Extensions.Time.Testing;

namespace Meridian.Runtime.Tests;

/// <summary>
/// The scheduler skips commits that touch no scheduled table without taking its lock; a schedule table that was empty
/// until now must still be followed when it gets its first row.
/// </summary>
public sealed class SchedulerCommitTests()
    : InMemoryModuleTests("scheduled", TestModules.Scheduled, new FakeTimeProvider(new DateTimeOffset(2026, 3, 9, 10, 0, 0, TimeSpan.Zero)))
{
    private async Task<List<string>> Fired() =>
        (await OwnerSql("SELECT * FROM fired")).Rows.Select(r => r[0].AsString()).Order(StringComparer.Ordinal).ToList();

    private async Task<int> Ticks() => (await OwnerSql("SELECT * FROM tick")).Rows.Count;

    [Fact]
    public async Task After_commits_to_other_tables_the_first_row_of_a_schedule_table_still_fires_when_due()
    {
        Assert.Equal(0, await Ticks());
        // Commits that leave the schedule table alone: skipped by the scheduler.
        await OwnerSql("INSERT INTO fired VALUES ('by hand', 0, '2026-03-09T10:00:00Z')");
        await Call("cancel", Owner, w => w.WriteString("nothing"));

        await Call("schedule_once", Owner, w =>
        {
            w.WriteString("first");
            w.WriteI64(10_000_000);
        });
        Assert.Equal(1, await Ticks());
        Clock.Advance(TimeSpan.FromSeconds(5));
        await Task.Delay(100);
        Assert.Equal(["by hand"], await Fired()); // not due yet

        Clock.Advance(TimeSpan.FromSeconds(5));
        await Eventually(async () => (await Fired()).Contains("first"), "the first scheduled row fired");
        Assert.Equal(0, await Ticks());

        // And a table that emptied again is followed as well.
        await OwnerSql("INSERT INTO fired VALUES ('again by hand', 0, '2026-03-09T10:00:10Z')");
        await Call("schedule_once", Owner, w =>
        {
            w.WriteString("second");
            w.WriteI64(1_000_000);
        });
        Clock.Advance(TimeSpan.FromSeconds(1));
        await Eventually(async () => (await Fired()).Contains("second"), "the second scheduled row fired");
    }
}
