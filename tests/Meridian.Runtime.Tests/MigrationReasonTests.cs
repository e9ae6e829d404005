using Meridian.Runtime.Logging;
using Meridian.Runtime.Migrations;
using Meridian.Runtime.Modules;
using Meridian.Runtime.Tests.LiveGrammar;
using Meridian.Sats;
using Meridian.Storage;

namespace Meridian.Runtime.Tests;

/// <summary>What a subscription ended by a publish is told: the tables (and indexes) that changed, by name.</summary>
public sealed class MigrationReasonTests
{
    private static readonly Identity Owner = Identity.FromClaims("localhost", "reason-owner");

    private static LoadedModule Module(string name, bool pointsIndex, bool bonusColumn) =>
        LoadedModule.Load(name, RandomModule.Compile(name, $$"""
            using SpacetimeDB;

            [Table(Accessor = "score", Public = true)]
            public partial struct Score
            {
                [PrimaryKey] public ulong id;
                {{(pointsIndex ? "[SpacetimeDB.Index.BTree] " : "")}}public ulong points;
                {{(bonusColumn ? "[Default(7UL)] public ulong bonus;" : "")}}
            }
            """));

    private static async Task<MigrationPlan> Plan(LoadedModule next)
    {
        await using var db = await Database.OpenAsync(
            "reason", Identity.FromClaims("localhost", "reason-db"), Owner, Datastore.CreateInMemory(),
            Module("ReasonV1", pointsIndex: false, bonusColumn: false), new ModuleLog(null), runInit: true);
        return await db.PlanUpdateAsync(next);
    }

    [Fact]
    public async Task An_index_only_change_names_the_table_and_the_index()
    {
        var plan = await Plan(Module("ReasonIndex", pointsIndex: true, bonusColumn: false));
        var step = Assert.Single(plan.Steps);
        Assert.Equal(MigrationStepKind.AddIndex, step.Kind);
        var reason = plan.ResubscribeReason();
        Assert.Equal($"The database's module was updated ({step.Description}); subscribe again.", reason);
        Assert.Contains("of table 'score'", reason, StringComparison.Ordinal);
        Assert.Matches("index '[^']*points[^']*' on \\(points\\)", reason);
        Assert.DoesNotContain("table(s)  changed", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shape_change_names_the_table_and_other_changes_follow()
    {
        var shape = await Plan(Module("ReasonShape", pointsIndex: false, bonusColumn: true));
        Assert.Equal("The database's module was updated and table(s) 'score' changed shape; subscribe again.", shape.ResubscribeReason());

        var both = await Plan(Module("ReasonBoth", pointsIndex: true, bonusColumn: true));
        var index = Assert.Single(both.Steps, s => s.Kind == MigrationStepKind.AddIndex);
        Assert.Equal(
            $"The database's module was updated and table(s) 'score' changed shape (also: {index.Description}); subscribe again.",
            both.ResubscribeReason());
    }
}
