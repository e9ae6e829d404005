using Meridian.Runtime.Execution;
using Meridian.Runtime.Logging;
using Meridian.Runtime.Modules;
using Meridian.Runtime.Tests.LiveGrammar;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Storage;
using Meridian.Storage.Devices;
using Meridian.Storage.Log;

namespace Meridian.Runtime.Tests;

/// <summary>
/// A reducer call that writes nothing changes nothing: as upstream, it commits no transaction, takes no offset and is not in
/// the history, yet its caller is answered as usual. Calls that write, fail, or are lifecycle hooks are still logged.
/// </summary>
public sealed class EmptyCallTests : IAsyncLifetime
{
    private const string Source = """
        using SpacetimeDB;
        public static partial class Module
        {
            [Table(Accessor = "item", Public = true)]
            public partial struct Item { [PrimaryKey] public ulong id; }

            [Reducer]
            public static void add(ReducerContext ctx, ulong id) => ctx.Db.item.Insert(new Item { id = id });

            // Reads only.
            [Reducer]
            public static void look(ReducerContext ctx, ulong id) => _ = ctx.Db.item.id.Find(id);

            // Writes, then takes the write back: the transaction asked for writes, so it is logged like any other.
            [Reducer]
            public static void add_and_remove(ReducerContext ctx, ulong id)
            {
                ctx.Db.item.Insert(new Item { id = id });
                ctx.Db.item.id.Delete(id);
            }

            // Fails without writing: history shows failed calls.
            [Reducer]
            public static void refuse(ReducerContext ctx) => throw new System.InvalidOperationException("no");

            // Does nothing: lifecycle calls are always logged.
            [Reducer(ReducerKind.ClientConnected)]
            public static void connected(ReducerContext ctx)
            {
            }
        }
        """;

    private static readonly Identity Owner = Identity.FromClaims("localhost", "owner");
    private Database _db = null!;

    public async Task InitializeAsync()
    {
        var store = Datastore.Open(new DatastoreOptions { Device = new MemoryStorageDevice(), Durability = DurabilityMode.Sync, Name = "empty" });
        var module = LoadedModule.Load("empty", RandomModule.Compile("EmptyCalls", Source));
        _db = await Database.OpenAsync("empty", Identity.FromClaims("localhost", "db"), Owner, store, module, new ModuleLog(null), runInit: true);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private Task<ReducerCallResult> Call(string reducer, ulong? id = null, FakeSession? session = null, uint requestId = 0)
    {
        var w = new BsatnWriter();
        if (id is { } v)
            w.WriteU64(v);
        return _db.CallReducerAsync(reducer, w.ToArray(), Owner, ConnectionId.Random(), session, requestId);
    }

    private async Task<List<HistoryEntry>> CallsInHistory() =>
        [.. (await _db.ReadHistoryAsync(0, 1_000)).Where(e => e.Reducer is not null && e.SchemaChanges.Count == 0)];

    [Fact]
    public async Task A_call_that_writes_nothing_commits_without_an_offset_and_stays_out_of_the_history()
    {
        var added = await Call("add", 1);
        Assert.Equal(ReducerStatus.Committed, added.Status);
        Assert.NotNull(added.Offset);
        var before = _db.Store.Committed.LastOffset;

        var looked = await Call("look", 1);

        Assert.Equal(ReducerStatus.Committed, looked.Status);
        Assert.Null(looked.Error);
        Assert.Null(looked.Offset);
        Assert.Equal(before, _db.Store.Committed.LastOffset);
        var calls = await CallsInHistory();
        Assert.DoesNotContain(calls, e => e.Reducer == "look");
        Assert.Single(calls, e => e.Reducer == "add");
    }

    [Fact]
    public async Task A_session_calling_a_reducer_that_writes_nothing_is_answered_in_order_with_its_other_calls()
    {
        var session = new FakeSession(Owner);
        var calls = new[] { Call("add", 1, session, 1), Call("look", 1, session, 2), Call("add", 2, session, 3), Call("look", 9, session, 4) };
        var results = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(results, r => Assert.Equal(ReducerStatus.Committed, r.Status));
        List<ReducerCallResult> answers;
        lock (session.Messages)
            answers = [.. session.Messages.OfType<ReducerCallResult>()];
        Assert.Equal(4, answers.Count);
        Assert.Equal([true, false, true, false], answers.Select(a => a.Offset is not null));
    }

    [Fact]
    public async Task Calls_that_write_fail_or_are_lifecycle_hooks_are_still_logged()
    {
        Assert.Equal(ReducerStatus.Committed, (await Call("add_and_remove", 5)).Status);
        var refused = await Call("refuse");
        Assert.Equal(ReducerStatus.Failed, refused.Status);
        Assert.NotNull(refused.Offset);
        await _db.ConnectAsync(Owner, ConnectionId.Random());

        var calls = await CallsInHistory();

        Assert.Single(calls, e => e.Reducer == "add_and_remove");
        Assert.Single(calls, e => e.Reducer == "refuse" && e.Error == "no");
        Assert.Contains(calls, e => e.Reducer == "connected");
        var state = _db.Store.Committed;
        Assert.Equal(0L, state.Count(state.GetTable("item").Id));
    }
}
