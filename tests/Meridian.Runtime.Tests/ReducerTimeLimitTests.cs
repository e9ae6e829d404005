using Meridian.Runtime.Execution;
using Meridian.Runtime.Hosting;
using Meridian.Runtime.Logging;
using Meridian.Runtime.Modules;
using Meridian.Runtime.Tests.LiveGrammar;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Storage;

namespace Meridian.Runtime.Tests;

/// <summary>
/// The reducer time limit: a reducer still running past it is stopped at its next call into the database, its
/// transaction rolled back and the caller told why, even when the module catches the exception; the database keeps serving.
/// </summary>
public sealed class ReducerTimeLimitTests : IAsyncLifetime
{
    private const string Source = """
        using SpacetimeDB;
        public static partial class Module
        {
            [Table(Accessor = "item", Public = true)]
            public partial struct Item { [PrimaryKey] public ulong id; }

            [Reducer]
            public static void add(ReducerContext ctx, ulong id) => ctx.Db.item.Insert(new Item { id = id });

            // Never returns on its own: every iteration calls into the database.
            [Reducer]
            public static void spin(ReducerContext ctx)
            {
                for (ulong i = 1_000_000; ; i++)
                    ctx.Db.item.Insert(new Item { id = i });
            }

            // Catches the time-limit error and returns normally: the call must still fail and write nothing.
            [Reducer]
            public static void spin_catching(ReducerContext ctx)
            {
                var caught = 0;
                for (ulong i = 2_000_000; caught < 3; i++)
                {
                    try { ctx.Db.item.Insert(new Item { id = i }); }
                    catch (Exception) { caught++; }
                }
            }

            [Procedure]
            public static ulong spin_in_tx(ProcedureContext ctx) => ctx.WithTx(tx =>
            {
                for (ulong i = 3_000_000; ; i++)
                    tx.Db.item.Insert(new Item { id = i });
                #pragma warning disable CS0162
                return 0UL;
                #pragma warning restore CS0162
            });
        }
        """;

    private static readonly Identity Owner = Identity.FromClaims("localhost", "owner");
    private static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(200);
    private Database _db = null!;

    public async Task InitializeAsync()
    {
        var module = LoadedModule.Load("timelimit", RandomModule.Compile("TimeLimit", Source));
        _db = await Database.OpenAsync(
            "timelimit", Identity.FromClaims("localhost", "db"), Owner, Datastore.CreateInMemory(), module, new ModuleLog(null), runInit: true,
            DatabaseServices.Default with { ReducerTimeLimit = Limit });
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private long Rows()
    {
        var state = _db.Store.Committed;
        return state.Count(state.GetTable("item").Id);
    }

    private Task<ReducerCallResult> Call(string reducer, ulong? id = null)
    {
        var w = new BsatnWriter();
        if (id is { } v)
            w.WriteU64(v);
        return _db.CallReducerAsync(reducer, w.ToArray(), Owner, ConnectionId.Random());
    }

    [Theory]
    [InlineData("spin")]
    [InlineData("spin_catching")]
    public async Task A_reducer_past_the_limit_fails_rolls_back_and_the_database_keeps_serving(string reducer)
    {
        Assert.Equal(ReducerStatus.Committed, (await Call("add", 1)).Status);
        var result = await Call(reducer);
        Assert.Equal(ReducerStatus.Failed, result.Status);
        Assert.Contains($"'{reducer}' ran past the time limit of 200 ms", result.Error, StringComparison.Ordinal);
        Assert.Contains("rolled back", result.Error, StringComparison.Ordinal);
        Assert.True(result.Duration >= Limit, $"stopped after {result.Duration}");
        Assert.Equal(1L, Rows());
        Assert.Equal(ReducerStatus.Committed, (await Call("add", 2)).Status);
        Assert.Equal(2L, Rows());
    }

    [Fact]
    public async Task A_procedure_transaction_past_the_limit_is_rolled_back()
    {
        var result = await _db.CallProcedureAsync("spin_in_tx", [], Owner, ConnectionId.Random());
        Assert.NotEqual(ProcedureCallStatus.Returned, result.Status);
        Assert.Contains("time limit", result.Error, StringComparison.Ordinal);
        Assert.Equal(0L, Rows());
        Assert.Equal(ReducerStatus.Committed, (await Call("add", 3)).Status);
    }
}
