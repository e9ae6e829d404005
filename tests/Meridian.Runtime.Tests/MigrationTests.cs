using Meridian.Runtime.Execution;
using Meridian.Runtime.Hosting;
using Meridian.Runtime.Migrations;
using Meridian.Sats;
using Meridian.Sats.Bsatn;

namespace Meridian.Runtime.Tests;

/// <summary>
/// Publishing a new module over a database with data (tests/Modules/MigrateV1 → V2 → V3, and
/// MigrateRefused): every automatic rule, each refusal, a fault half-way, client-breaking changes,
/// with rows checked one by one after the migration and after a restart.
/// </summary>
public sealed class MigrationTests : IDisposable
{
    private static readonly Identity Owner = Identity.FromClaims("localhost", "owner");
    private readonly string _dir = Directory.CreateTempSubdirectory("meridian-migrations-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Args(Action<BsatnWriter> write)
    {
        var w = new BsatnWriter();
        write(w);
        return w.ToArray();
    }

    private static async Task Call(Database db, string reducer, Action<BsatnWriter>? args = null)
    {
        var result = await db.CallReducerAsync(reducer, args is null ? [] : Args(args), Owner, ConnectionId.Random());
        Assert.True(result.Status == ReducerStatus.Committed, $"{reducer}: {result.Status} {result.Error}");
    }

    private static Task AddPlayer(Database db, string name, uint level) =>
        Call(db, "add_player", w => { w.WriteString(name); w.WriteU32(level); w.WriteString(name + "@example.com"); });

    // V1 data: two players, two items (ids 7 and 2), a note, two badges with distinct codes, a log line.
    private static async Task SeedV1(Database db, string secondPlayer = "bob")
    {
        await AddPlayer(db, "ann", 3);
        await AddPlayer(db, secondPlayer, 5);
        await Call(db, "add_item", w => { w.WriteU32(7); w.WriteString("ann"); });
        await Call(db, "add_item", w => { w.WriteU32(2); w.WriteString("bob"); });
        await Call(db, "add_note", w => w.WriteString("hello"));
        await Call(db, "add_badge", w => { w.WriteString("gold"); w.WriteU32(1); });
        await Call(db, "add_log", w => w.WriteString("line"));
    }

    private static List<string> Players(Database db)
    {
        var state = db.Store.Committed;
        var table = state.GetTable("player");
        var rows = new List<string>();
        var cursor = state.Scan(table.Id);
        while (cursor.MoveNext())
        {
            var r = new BsatnReader(cursor.Current);
            var text = $"{r.ReadU64()} {r.ReadString()} {r.ReadU32()} {r.ReadString()}";
            if (table.ColumnCount == 6)
                text += $" {r.ReadI32()} tier{r.ReadU8()}";
            rows.Add(text);
        }
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    private static List<string> Items(Database db)
    {
        var state = db.Store.Committed;
        var rows = new List<string>();
        var cursor = state.Scan(state.GetTable("item").Id);
        while (cursor.MoveNext())
        {
            var r = new BsatnReader(cursor.Current);
            rows.Add($"{r.ReadU32()} {r.ReadString()} kind{r.ReadU8()}");
        }
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    private static void AssertV2State(Database db)
    {
        Assert.Equal(
            ["1 ann 3 ann@example.com 100 tier1", "2 bob 5 bob@example.com 100 tier1"],
            Players(db));
        var player = db.Store.Committed.GetTable("player");
        Assert.Equal(["id", "name", "level", "email", "score", "tier"], player.RowType.Elements.Select(e => e.Name));
        Assert.Contains(player.Indexes, i => i.Columns.SequenceEqual([3]) && !i.IsUnique);
        Assert.DoesNotContain(player.Indexes, i => i.Columns.SequenceEqual([2]));
        Assert.Contains(player.Indexes, i => i.Columns.SequenceEqual([1]) && i.IsUnique);
        var item = db.Store.Committed.GetTable("item");
        Assert.Equal(0, item.PrimaryKey);
        Assert.Single(item.Sequences);
        Assert.Equal(Storage.Schema.TableAccess.Public, db.Store.Committed.GetTable("note").Access);
        Assert.Empty(db.Store.Committed.GetTable("badge").UniqueConstraints);
        Assert.True(db.Store.Committed.TryGetTable("extra", out _));
        Assert.Null(db.Schema.FindReducer("old_reducer"));
        Assert.NotNull(db.Schema.FindReducer("new_reducer"));
    }

    [Fact]
    public async Task Every_automatic_rule_keeps_the_data_and_the_migrated_database_survives_a_restart()
    {
        await using (var registry = new DatabaseRegistry(_dir))
        {
            var db = (await registry.PublishAsync("game", TestModules.Migration("MigrateV1"), Owner, clear: false)).Database;
            await SeedV1(db);
            var client = new FakeSession(Identity.FromClaims("localhost", "client"));
            await db.ConnectAsync(client.Identity, client.ConnectionId);
            await db.SubscribeAsync(client, 1, 10, ["SELECT * FROM player"]);
            await db.SubscribeAsync(client, 2, 20, ["SELECT * FROM badge WHERE holder = 2"]);
            await db.SubscribeAsync(client, 3, 30, ["SELECT * FROM scratch"]);

            var plan = await registry.PlanPublishAsync("game", TestModules.Migration("MigrateV2"), Owner);
            Assert.True(plan.IsAutomatic, plan.Describe());
            Assert.False(plan.BreaksClients);
            var kinds = plan.Steps.Select(s => s.Kind).ToHashSet();
            foreach (var kind in new[]
            {
                MigrationStepKind.AddTable, MigrationStepKind.AddColumns, MigrationStepKind.WidenColumnType, MigrationStepKind.AddIndex,
                MigrationStepKind.RemoveIndex, MigrationStepKind.AddUniqueConstraint, MigrationStepKind.RemoveUniqueConstraint,
                MigrationStepKind.AddSequence, MigrationStepKind.ChangePrimaryKey, MigrationStepKind.ChangeAccess, MigrationStepKind.AddReducer,
                MigrationStepKind.RemoveReducer, MigrationStepKind.ChangeReducer,
            })
            {
                Assert.True(kinds.Contains(kind), $"{kind} missing from:\n{plan.Describe()}");
            }
            Assert.Contains("every existing row gets score = 100", plan.Describe(), StringComparison.Ordinal);
            // Planning changed nothing.
            Assert.Equal(4, db.Store.Committed.GetTable("player").ColumnCount);

            var before = client.Messages.Count;
            await registry.PublishAsync("game", TestModules.Migration("MigrateV2"), Owner, clear: false);
            AssertV2State(db);
            Assert.Equal(["2 bob kind1", "7 ann kind1"], Items(db));

            // The player subscription ended (its rows changed shape); the others stay live.
            var error = Assert.Single(client.Messages.Skip(before).OfType<(string, uint?, uint, string)>());
            Assert.Equal(("error", (uint?)1, 10u), (error.Item1, error.Item2, error.Item3));
            Assert.Contains("'player'", error.Item4, StringComparison.Ordinal);
            Assert.Contains("subscribe again", error.Item4, StringComparison.Ordinal);
            await Call(db, "add_badge", w => { w.WriteString("gold"); w.WriteU32(2); }); // the unique constraint on code is gone
            Assert.True(client.Messages[^1] is IReadOnlyList<Subscriptions.QuerySetDelta>, string.Join("\n", client.Messages.Skip(before)));
            var update = (IReadOnlyList<Subscriptions.QuerySetDelta>)client.Messages[^1];
            Assert.Equal(20u, Assert.Single(update).QuerySetId);

            // The new sequence continues after the largest id present; new columns work.
            await Call(db, "add_item", w => w.WriteString("cy"));
            Assert.Contains("8 cy kind2", Items(db));
            await AddPlayer(db, "dee", 9);
            Assert.Contains("3 dee 9 dee@example.com 1 tier2", Players(db));
        }
        await using (var registry = new DatabaseRegistry(_dir))
        {
            await registry.LoadAllAsync();
            var db = registry.Find("game")!;
            Assert.Equal(
                ["1 ann 3 ann@example.com 100 tier1", "2 bob 5 bob@example.com 100 tier1", "3 dee 9 dee@example.com 1 tier2"],
                Players(db));
            Assert.Equal(["2 bob kind1", "7 ann kind1", "8 cy kind2"], Items(db));
            await Call(db, "add_item", w => w.WriteString("eve"));
            Assert.Contains("9 eve kind2", Items(db));
            Assert.Equal(0, db.Store.Committed.GetTable("item").PrimaryKey);
        }
    }

    [Fact]
    public async Task A_new_unique_constraint_the_data_breaks_is_refused_naming_the_value_and_the_old_module_keeps_running()
    {
        await using var registry = new DatabaseRegistry(_dir);
        var db = (await registry.PublishAsync("game", TestModules.Migration("MigrateV1"), Owner, clear: false)).Database;
        await SeedV1(db, secondPlayer: "ann");

        var plan = await registry.PlanPublishAsync("game", TestModules.Migration("MigrateV2"), Owner);
        Assert.False(plan.IsAutomatic);
        var conflict = Assert.Single(plan.Refused);
        Assert.Equal(MigrationStepKind.DataConflict, conflict.Kind);
        Assert.Contains("\"ann\"", conflict.Description, StringComparison.Ordinal);

        var e = await Assert.ThrowsAsync<PublishException>(() => registry.PublishAsync("game", TestModules.Migration("MigrateV2"), Owner, clear: false));
        Assert.Contains("\"ann\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("unique", e.Message, StringComparison.Ordinal);
        Assert.Equal(["1 ann 3 ann@example.com", "2 ann 5 ann@example.com"], Players(db));
        Assert.NotNull(db.Schema.FindReducer("old_reducer"));
        await Call(db, "old_reducer");
    }

    [Fact]
    public async Task Each_refused_change_is_named_with_its_reason_and_nothing_changes()
    {
        await using var registry = new DatabaseRegistry(_dir);
        var db = (await registry.PublishAsync("game", TestModules.Migration("MigrateV1"), Owner, clear: false)).Database;
        await SeedV1(db);
        var offset = db.LastCommittedOffset;

        var plan = await registry.PlanPublishAsync("game", TestModules.Migration("MigrateRefused"), Owner);
        var refused = plan.Refused.ToDictionary(s => s.Kind);
        Assert.Contains("'email'", refused[MigrationStepKind.RemoveColumns].Description, StringComparison.Ordinal);
        Assert.Contains("'weight'", refused[MigrationStepKind.AddColumnWithoutDefault].Description, StringComparison.Ordinal);
        Assert.Contains("'text'", refused[MigrationStepKind.ChangeColumnType].Description, StringComparison.Ordinal);
        Assert.Contains("'badge'", refused[MigrationStepKind.ReorderColumns].Description, StringComparison.Ordinal);
        Assert.Contains("1 row(s)", refused[MigrationStepKind.RemoveTable].Description, StringComparison.Ordinal);
        Assert.All(refused.Values, s => Assert.Contains("--delete-data", s.Description, StringComparison.Ordinal));

        var e = await Assert.ThrowsAsync<PublishException>(() => registry.PublishAsync("game", TestModules.Migration("MigrateRefused"), Owner, clear: false));
        Assert.Contains("Remove column(s) 'email'", e.Message, StringComparison.Ordinal);
        Assert.Equal(offset, db.LastCommittedOffset);
        Assert.Equal(["1 ann 3 ann@example.com", "2 bob 5 bob@example.com"], Players(db));

        // --delete-data starts over with the new module.
        var cleared = (await registry.PublishAsync("game", TestModules.Migration("MigrateRefused"), Owner, clear: true)).Database;
        Assert.Empty(Players(cleared));
    }

    [Fact]
    public async Task A_fault_half_way_rolls_the_whole_migration_back_also_across_a_restart()
    {
        await using (var registry = new DatabaseRegistry(_dir))
        {
            var db = (await registry.PublishAsync("game", TestModules.Migration("MigrateV1"), Owner, clear: false)).Database;
            await SeedV1(db);
            var offset = db.LastCommittedOffset;
            var steps = 0;
            db.MigrationFaultHook = step =>
            {
                steps = step;
                if (step == 3)
                    throw new InvalidOperationException("injected fault");
            };
            var e = await Assert.ThrowsAsync<PublishException>(() => registry.PublishAsync("game", TestModules.Migration("MigrateV2"), Owner, clear: false));
            Assert.Contains("injected fault", e.Message, StringComparison.Ordinal);
            Assert.Equal(3, steps);
            Assert.Equal(offset, db.LastCommittedOffset);
            Assert.Equal(["1 ann 3 ann@example.com", "2 bob 5 bob@example.com"], Players(db));
            Assert.Equal(["2 bob kind1", "7 ann kind1"], Items(db));
            Assert.Null(db.Store.Committed.GetTable("item").PrimaryKey);
            Assert.False(db.Store.Committed.TryGetTable("extra", out _));
            await Call(db, "old_reducer");
        }
        await using (var registry = new DatabaseRegistry(_dir))
        {
            await registry.LoadAllAsync();
            var db = registry.Find("game")!;
            Assert.Equal(["1 ann 3 ann@example.com", "2 bob 5 bob@example.com"], Players(db));
            Assert.NotNull(db.Schema.FindReducer("old_reducer"));
        }
    }

    [Fact]
    public async Task Removing_an_empty_table_needs_break_clients_and_then_disconnects_clients_with_the_reason()
    {
        await using var registry = new DatabaseRegistry(_dir);
        var db = (await registry.PublishAsync("game", TestModules.Migration("MigrateV1"), Owner, clear: false)).Database;
        await SeedV1(db);
        await registry.PublishAsync("game", TestModules.Migration("MigrateV2"), Owner, clear: false);

        var plan = await registry.PlanPublishAsync("game", TestModules.Migration("MigrateV3"), Owner);
        Assert.True(plan.IsAutomatic);
        Assert.True(plan.BreaksClients);
        Assert.Equal(MigrationStepKind.RemoveEmptyTable, Assert.Single(plan.Steps, s => s.BreaksClients).Kind);

        var broken = db.ClientsBroken;
        var e = await Assert.ThrowsAsync<PublishException>(() => registry.PublishAsync("game", TestModules.Migration("MigrateV3"), Owner, clear: false));
        Assert.Contains("--break-clients", e.Message, StringComparison.Ordinal);
        Assert.True(db.Store.Committed.TryGetTable("scratch", out _));
        Assert.False(broken.IsCancellationRequested);

        await registry.PublishAsync("game", TestModules.Migration("MigrateV3"), Owner, clear: false, new MigrationOptions { BreakClients = true });
        Assert.True(broken.IsCancellationRequested);
        Assert.Contains("scratch", db.ClientBreakReason, StringComparison.Ordinal);
        Assert.False(db.Store.Committed.TryGetTable("scratch", out _));
        Assert.False(db.ClientsBroken.IsCancellationRequested); // clients connecting now are not affected
        Assert.Equal(2, Players(db).Count);
    }

    [Fact]
    public async Task Views_and_procedures_are_planned_and_the_new_code_serves_view_subscriptions()
    {
        await using var registry = new DatabaseRegistry(_dir);
        var db = (await registry.PublishAsync("game", TestModules.Migration("MigrateV1"), Owner, clear: false)).Database;
        await SeedV1(db);
        await Call(db, "add_note", w => w.WriteString("hi")); // V2's notes view keeps only "hello"
        var client = new FakeSession(Identity.FromClaims("localhost", "client"));
        await db.ConnectAsync(client.Identity, client.ConnectionId);
        await db.SubscribeAsync(client, 1, 10, ["SELECT * FROM notes"]);
        var initial = client.Messages.OfType<(string, uint, uint, IReadOnlyList<Subscriptions.TableRowsResult>)>().Single(m => m.Item3 == 10);
        Assert.Equal(2, initial.Item4.Sum(t => t.Rows.Count));

        var plan = await registry.PlanPublishAsync("game", TestModules.Migration("MigrateV2"), Owner);
        Assert.True(plan.IsAutomatic, plan.Describe());
        Assert.False(plan.BreaksClients, plan.Describe());
        string Step(MigrationStepKind kind) => Assert.Single(plan.Steps, s => s.Kind == kind).Description;
        Assert.Equal("Add view 'new_view'", Step(MigrationStepKind.AddView));
        Assert.Equal("Remove view 'old_view'", Step(MigrationStepKind.RemoveView));
        Assert.Equal("Change view 'top_player' (its row type)", Step(MigrationStepKind.ChangeView));
        Assert.Equal("Compute view(s) 'notes' with the new module's code", Step(MigrationStepKind.RecomputeViews));
        Assert.Equal("Add procedure 'new_proc'", Step(MigrationStepKind.AddProcedure));
        Assert.Equal("Remove procedure 'old_proc'", Step(MigrationStepKind.RemoveProcedure));
        Assert.Equal("Change the parameters and return type of procedure 'echo'", Step(MigrationStepKind.ChangeProcedure));

        var before = client.Messages.Count;
        await registry.PublishAsync("game", TestModules.Migration("MigrateV2"), Owner, clear: false);
        // notes is a query view, taken to read every table, and player's rows changed shape: its subscription ends.
        var ended = Assert.Single(client.Messages.Skip(before).OfType<(string, uint?, uint, string)>(), m => m.Item3 == 10);
        Assert.Contains("subscribe again", ended.Item4, StringComparison.Ordinal);

        // Subscribing again gets the new code's rows; the removed view is gone; procedures changed.
        await db.SubscribeAsync(client, 2, 20, ["SELECT * FROM notes"]);
        var again = client.Messages.OfType<(string, uint, uint, IReadOnlyList<Subscriptions.TableRowsResult>)>().Single(m => m.Item3 == 20);
        Assert.Equal(1, again.Item4.Sum(t => t.Rows.Count));
        await db.SubscribeAsync(client, 3, 30, ["SELECT * FROM old_view"]);
        Assert.Contains("old_view", Assert.Single(client.Messages.OfType<(string, uint?, uint, string)>(), m => m.Item3 == 30).Item4, StringComparison.Ordinal);
        var w = new BsatnWriter();
        w.WriteString("back");
        var echo = await db.CallProcedureAsync("echo", w.ToArray(), Owner, ConnectionId.Random());
        Assert.Equal("back", new BsatnReader(Assert.IsType<byte[]>(echo.ReturnValue)).ReadString());
        Assert.NotEqual(ProcedureCallStatus.Returned, (await db.CallProcedureAsync("old_proc", [], Owner, ConnectionId.Random())).Status);

        // The same module again: nothing to do, and view subscriptions stay.
        var same = await registry.PlanPublishAsync("game", TestModules.Migration("MigrateV2"), Owner);
        Assert.True(same.IsEmpty, same.Describe());
        before = client.Messages.Count;
        await registry.PublishAsync("game", TestModules.Migration("MigrateV2"), Owner, clear: false);
        Assert.Empty(client.Messages.Skip(before).OfType<(string, uint?, uint, string)>());
    }
}
