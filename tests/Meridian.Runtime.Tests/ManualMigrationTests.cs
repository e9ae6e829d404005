using Meridian.Runtime.Execution;
using Meridian.Runtime.Hosting;
using Meridian.Runtime.Migrations;
using Meridian.Runtime.Sql;
using Meridian.Sats;
using Meridian.Sats.Bsatn;

namespace Meridian.Runtime.Tests;

/// <summary>
/// Module-written migrations ([Migration], tests/Modules/MigrateManual and MigrateManualMismatch over MigrateV1):
/// rows rewritten and moved in the migration's transaction, checked row by row after the publish and
/// after a restart; a throwing migration and a mismatched old-row type change nothing and say why.
/// </summary>
public sealed class ManualMigrationTests : IDisposable
{
    private static readonly Identity Owner = Identity.FromClaims("localhost", "owner");
    private static readonly MigrationOptions BreakClients = new() { BreakClients = true };
    private readonly string _dir = Directory.CreateTempSubdirectory("meridian-manual-migrations-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task Call(Database db, string reducer, Action<BsatnWriter> args)
    {
        var w = new BsatnWriter();
        args(w);
        var result = await db.CallReducerAsync(reducer, w.ToArray(), Owner, ConnectionId.Random());
        Assert.True(result.Status == ReducerStatus.Committed, $"{reducer}: {result.Status} {result.Error}");
    }

    private static async Task<Database> PublishV1(DatabaseRegistry registry, params string[] players)
    {
        var db = (await registry.PublishAsync("game", TestModules.Migration("MigrateV1"), Owner, clear: false)).Database;
        var level = 1u;
        foreach (var name in players)
            await Call(db, "add_player", w => { w.WriteString(name); w.WriteU32(level++); w.WriteString($"{name}@{name}.example"); });
        await Call(db, "add_log", w => w.WriteString("first"));
        await Call(db, "add_log", w => w.WriteString("second"));
        return db;
    }

    private static List<string> Rows(Database db, string table, Func<BsatnReader, string> read)
    {
        var state = db.Store.Committed;
        var rows = new List<string>();
        var cursor = state.Scan(state.GetTable(table).Id);
        while (cursor.MoveNext())
            rows.Add(read(new BsatnReader(cursor.Current)));
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    private static List<string> V1Players(Database db) => Rows(db, "player", r => $"{r.ReadU64()} {r.ReadString()} {r.ReadU32()} {r.ReadString()}");

    private static List<string> MigratedPlayers(Database db) => Rows(db, "player", r => $"{r.ReadU64()} {r.ReadString()} {r.ReadU64()} {r.ReadString()}");

    private static List<string> Journal(Database db) => Rows(db, "journal", r => $"{r.ReadU64()} {r.ReadString()}");

    [Fact]
    public async Task A_module_migration_rewrites_and_moves_rows_in_the_migration_transaction_and_survives_a_restart()
    {
        await using (var registry = new DatabaseRegistry(_dir))
        {
            var db = await PublishV1(registry, "ann", "bob");

            var plan = await registry.PlanPublishAsync("game", TestModules.Migration("MigrateManual"), Owner);
            Assert.True(plan.IsAutomatic, plan.Describe());
            var manual = plan.Steps.Where(s => s.Kind == MigrationStepKind.ManualMigration).ToDictionary(s => s.Subject);
            Assert.Contains("MigratePlayer runs once per old row (2)", manual["player"].Description, StringComparison.Ordinal);
            Assert.False(manual["player"].BreaksClients);
            Assert.Contains("MoveLog", manual["log"].Description, StringComparison.Ordinal);
            Assert.True(manual["log"].BreaksClients); // the log table disappears
            Assert.DoesNotContain(plan.Steps, s => s.Kind == MigrationStepKind.AddReducer && s.Subject.Contains("migrate", StringComparison.Ordinal));
            // The dry run ran the migration and rolled it back.
            Assert.Equal(["1 ann 1 ann@ann.example", "2 bob 2 bob@bob.example"], V1Players(db));

            await registry.PublishAsync("game", TestModules.Migration("MigrateManual"), Owner, clear: false, BreakClients);
            Assert.Equal(["1 ann 10 ann.example", "2 bob 20 bob.example"], MigratedPlayers(db));
            Assert.Equal(["1 FIRST", "2 SECOND"], Journal(db));
            Assert.False(db.Store.Committed.TryGetTable("log", out _));
            Assert.Equal(["id", "name", "level", "domain"], db.Store.Committed.GetTable("player").RowType.Elements.Select(e => e.Name));

            // Clients cannot call a migration; the sequence continues after the migrated ids.
            var call = await db.CallReducerAsync("migrate_player", [], Owner, ConnectionId.Random());
            Assert.NotEqual(ReducerStatus.Committed, call.Status);
            await Call(db, "add_player", w => { w.WriteString("cy"); w.WriteU64(7); w.WriteString("cy.example"); });
            Assert.Contains("3 cy 7 cy.example", MigratedPlayers(db));

            // Publishing the same module again: the table has the new shape, so the migration does not run again.
            var again = await registry.PlanPublishAsync("game", TestModules.Migration("MigrateManual"), Owner);
            Assert.True(again.IsEmpty, again.Describe());
        }
        await using (var registry = new DatabaseRegistry(_dir))
        {
            Assert.Empty(await registry.LoadAllAsync());
            var db = registry.Find("game")!;
            Assert.Equal(["1 ann 10 ann.example", "2 bob 20 bob.example", "3 cy 7 cy.example"], MigratedPlayers(db));
            Assert.Equal(["1 FIRST", "2 SECOND"], Journal(db));
            Assert.False(db.Store.Committed.TryGetTable("log", out _));
        }
    }

    [Fact]
    public async Task Sql_as_of_an_offset_before_a_migration_reads_the_tables_as_they_were_then()
    {
        await using var registry = new DatabaseRegistry(_dir);
        var db = await PublishV1(registry, "ann", "bob");
        var before = db.LastCommittedOffset!.Value;
        await registry.PublishAsync("game", TestModules.Migration("MigrateManual"), Owner, clear: false, BreakClients);

        static List<string> Text(SqlStatementResult result) =>
            [.. result.Rows.Select(r => string.Join(" ", r.Elements.Select(v =>
                v.Kind == Meridian.Sats.Types.AlgebraicTypeTag.String ? v.AsString() : v.ToString())))
                .Order(StringComparer.Ordinal)];

        // Then: player had an email and a u32 level, and log existed (the migration moved its rows to journal).
        var then = await db.QueryAsOfAsync("SELECT * FROM player; SELECT * FROM log; SELECT * FROM player WHERE level = 2", before, Owner);
        Assert.Equal(["id", "name", "level", "email"], then[0].Schema.Elements.Select(e => e.Name));
        Assert.Equal(Meridian.Sats.Types.AlgebraicTypeTag.U32, then[0].Schema.Elements[2].Type.Tag);
        Assert.Equal(["1 ann 1 ann@ann.example", "2 bob 2 bob@bob.example"], Text(then[0]));
        Assert.Equal(["first", "second"], Text(then[1]));
        Assert.Equal(["2 bob 2 bob@bob.example"], Text(then[2]));
        var journal = await Assert.ThrowsAsync<SqlStatementException>(() => db.QueryAsOfAsync("SELECT * FROM journal", before, Owner));
        Assert.Contains("journal", journal.Message, StringComparison.Ordinal);

        // Now: the migrated shape.
        var now = await db.QueryAsOfAsync("SELECT * FROM player", db.LastCommittedOffset!.Value, Owner);
        Assert.Equal(["id", "name", "level", "domain"], now[0].Schema.Elements.Select(e => e.Name));
        Assert.Equal(["1 ann 10 ann.example", "2 bob 20 bob.example"], Text(now[0]));
    }

    [Fact]
    public async Task A_migration_that_throws_rolls_everything_back_names_the_row_and_the_old_module_keeps_running()
    {
        await using var registry = new DatabaseRegistry(_dir);
        var db = await PublishV1(registry, "ann", "crash");
        var offset = db.LastCommittedOffset;

        var plan = await registry.PlanPublishAsync("game", TestModules.Migration("MigrateManual"), Owner);
        Assert.False(plan.IsAutomatic);
        Assert.Contains("player 2 cannot be migrated", Assert.Single(plan.Refused).Description, StringComparison.Ordinal);

        var e = await Assert.ThrowsAsync<PublishException>(
            () => registry.PublishAsync("game", TestModules.Migration("MigrateManual"), Owner, clear: false, BreakClients));
        Assert.Equal(
            "Database update rejected: The module's migration MigratePlayer of table 'player' failed on the old row "
                + "(id = 2, name = \"crash\", level = 2, email = \"crash@crash.example\"): player 2 cannot be migrated. "
                + "The migration was rolled back; the old module and its data are unchanged.",
            e.Message);
        Assert.Equal(offset, db.LastCommittedOffset);
        Assert.Equal(["1 ann 1 ann@ann.example", "2 crash 2 crash@crash.example"], V1Players(db));
        Assert.True(db.Store.Committed.TryGetTable("log", out _));
        Assert.False(db.Store.Committed.TryGetTable("journal", out _));
        Assert.NotNull(db.Schema.FindReducer("old_reducer"));
        await Call(db, "add_note", w => w.WriteString("still running"));
        Assert.False(File.Exists(Path.Combine(_dir, "databases", "game", "module.next.dll")));
    }

    [Fact]
    public async Task A_migration_whose_old_row_type_does_not_fit_the_stored_rows_is_refused_saying_how()
    {
        await using var registry = new DatabaseRegistry(_dir);
        var db = await PublishV1(registry, "ann");

        var plan = await registry.PlanPublishAsync("game", TestModules.Migration("MigrateManualMismatch"), Owner);
        Assert.False(plan.IsAutomatic);
        var mismatch = Assert.Single(plan.Refused, s => s.Kind == MigrationStepKind.ManualMigration);
        Assert.Contains("MigratePlayer does not fit the stored rows of table 'player'", mismatch.Description, StringComparison.Ordinal);
        Assert.Contains("from 4 to 3 field(s)", mismatch.Description, StringComparison.Ordinal);
        Assert.Contains("email: String", mismatch.Description, StringComparison.Ordinal);

        var e = await Assert.ThrowsAsync<PublishException>(
            () => registry.PublishAsync("game", TestModules.Migration("MigrateManualMismatch"), Owner, clear: false));
        Assert.Contains("does not fit the stored rows", e.Message, StringComparison.Ordinal);
        Assert.Equal(["1 ann 1 ann@ann.example"], V1Players(db));
    }
}
