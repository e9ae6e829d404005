using Meridian.Runtime.Hosting;
using Meridian.Runtime.Execution;
using Meridian.Runtime.Logging;
using Meridian.Runtime.Modules;
using Meridian.Runtime.Subscriptions;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Values;
using Meridian.Storage;

namespace Meridian.Runtime.Tests;

public sealed class ScheduledReducerTests : IAsyncLifetime
{
    private static readonly Identity Owner = Identity.FromClaims("localhost", "owner");
    private Database _db = null!;

    public async Task InitializeAsync()
    {
        var module = LoadedModule.Load("scheduled", TestModules.Scheduled());
        _db = await Database.OpenAsync(
            "scheduled", Identity.FromClaims("localhost", "db"), Owner, Datastore.CreateInMemory(), module, new ModuleLog(null), runInit: true);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static byte[] Args(string label, long micros)
    {
        var w = new BsatnWriter();
        w.WriteString(label);
        w.WriteI64(micros);
        return w.ToArray();
    }

    private static byte[] Label(string label)
    {
        var w = new BsatnWriter();
        w.WriteString(label);
        return w.ToArray();
    }

    private List<ProductValue> Rows(string table)
    {
        var state = _db.Store.Committed;
        var schema = state.GetTable(table);
        var cursor = state.Scan(schema.Id);
        var rows = new List<ProductValue>();
        while (cursor.MoveNext())
            rows.Add(cursor.CurrentValue);
        return rows;
    }

    private static async Task<bool> Eventually(Func<bool> condition, int seconds = 10)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < until)
        {
            if (condition())
                return true;
            await Task.Delay(20);
        }
        return condition();
    }

    [Fact]
    public void The_schedule_is_read_from_the_module()
    {
        var schedule = Assert.Single(_db.Schema.Schedules);
        Assert.Equal("tick", schedule.Table.Name);
        Assert.Equal("run_tick", schedule.Reducer!.Name);
        Assert.False(schedule.Reducer.ClientCallable);
    }

    [Fact]
    public async Task A_one_shot_row_fires_once_with_its_row_and_is_then_deleted()
    {
        // 1 s ahead: on a loaded CI machine the awaited call itself can take longer than a shorter delay, and the
        // row would already have fired and gone before the first assertion looks at it.
        var call = await _db.CallReducerAsync("schedule_once", Args("once", 1_000_000), Owner, ConnectionId.Random());
        Assert.Equal(ReducerStatus.Committed, call.Status);
        Assert.Single(Rows("tick"));
        Assert.True(await Eventually(() => Rows("fired").Count == 1 && Rows("tick").Count == 0));
        var fired = Rows("fired").Single();
        Assert.Equal(AlgebraicValue.String("once"), fired[0]);
        var at = Timestamp.FromValue(fired[2]);
        Assert.True(at >= call.Timestamp + new TimeDuration(1_000_000), $"fired at {at}, scheduled for {call.Timestamp} + 1 s");
        await Task.Delay(200);
        Assert.Single(Rows("fired"));
    }

    [Fact]
    public async Task An_interval_row_keeps_firing_until_it_is_deleted()
    {
        await _db.CallReducerAsync("schedule_every", Args("every", 30_000), Owner, ConnectionId.Random());
        Assert.True(await Eventually(() => Rows("fired").Count >= 3));
        Assert.Single(Rows("tick"));
        var cancel = await _db.CallReducerAsync("cancel", Label("every"), Owner, ConnectionId.Random());
        Assert.Equal(ReducerStatus.Committed, cancel.Status);
        var count = Rows("fired").Count;
        await Task.Delay(300);
        Assert.Equal(count, Rows("fired").Count);
        Assert.Empty(Rows("tick"));
    }

    [Fact]
    public async Task A_row_deleted_before_it_is_due_never_fires()
    {
        await _db.CallReducerAsync("schedule_once", Args("never", 300_000), Owner, ConnectionId.Random());
        await _db.CallReducerAsync("cancel", Label("never"), Owner, ConnectionId.Random());
        await Task.Delay(600);
        Assert.Empty(Rows("fired"));
    }

    [Fact]
    public async Task A_failing_scheduled_reducer_rolls_back_is_logged_and_its_row_is_still_removed()
    {
        await _db.CallReducerAsync("schedule_once", Args("fail", 10_000), Owner, ConnectionId.Random());
        Assert.True(await Eventually(() => Rows("tick").Count == 0));
        Assert.Empty(Rows("fired"));
        Assert.Contains(_db.Log.Tail(null), r => r.Message.Contains("scheduled failure", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_join_subscription_follows_both_tables()
    {
        var client = new FakeSession(Owner);
        await _db.SubscribeAsync(client, 1, 1, ["SELECT f.* FROM fired f JOIN tick t ON f.tick_id = t.scheduled_id"]);
        Assert.Empty(Assert.Single(((ValueTuple<string, uint, uint, IReadOnlyList<TableRowsResult>>)Assert.Single(client.Messages)).Item4).Rows);

        await _db.CallReducerAsync("schedule_every", Args("joined", 30_000), Owner, ConnectionId.Random());
        // Each firing inserts a fired row whose tick still exists: it enters the join.
        Assert.True(await Eventually(() => Inserted(client) >= 2));
        await _db.CallReducerAsync("cancel", Label("joined"), Owner, ConnectionId.Random());
        // Deleting the tick takes every joined fired row out of the result.
        Assert.True(await Eventually(() => Deleted(client) == Inserted(client)));
        Assert.Equal(Rows("fired").Count, Inserted(client));
    }

    private static int Inserted(FakeSession client) => Updates(client).Sum(t => t.Inserts.Count);

    private static int Deleted(FakeSession client) => Updates(client).Sum(t => t.Deletes.Count);

    private static List<TableDelta> Updates(FakeSession client)
    {
        lock (client.Messages)
            return client.Messages.OfType<IReadOnlyList<QuerySetDelta>>().SelectMany(u => u).SelectMany(q => q.Tables).ToList();
    }

    [Fact]
    public async Task Scheduled_reducers_cannot_be_called_by_clients()
    {
        var result = await _db.CallReducerAsync("run_tick", [], Owner, ConnectionId.Random());
        Assert.Equal(ReducerNotRunReason.BadRequest, result.NotRunReason);
    }
}

public sealed class ScheduledRestartTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("meridian-scheduled-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Pending_rows_survive_a_restart_and_fire_afterwards()
    {
        var owner = Identity.FromClaims("localhost", "owner");
        await using (var registry = new DatabaseRegistry(_dir))
        {
            var db = (await registry.PublishAsync("sched", TestModules.Scheduled(), owner, clear: false)).Database;
            var w = new BsatnWriter();
            w.WriteString("later");
            w.WriteI64(400_000);
            Assert.Equal(ReducerStatus.Committed, (await db.CallReducerAsync("schedule_once", w.ToArray(), owner, ConnectionId.Random())).Status);
        }
        await using (var registry = new DatabaseRegistry(_dir))
        {
            Assert.Empty(await registry.LoadAllAsync());
            var db = registry.Find("sched")!;
            var fired = db.Store.Committed.GetTable("fired").Id;
            var until = DateTime.UtcNow.AddSeconds(10);
            while (db.Store.Committed.Count(fired) == 0 && DateTime.UtcNow < until)
                await Task.Delay(20);
            Assert.Equal(1, db.Store.Committed.Count(fired));
        }
    }
}
