using Meridian.Runtime.Execution;
using Meridian.Runtime.Logging;
using Meridian.Runtime.Modules;
using Meridian.Runtime.Subscriptions;
using Meridian.Runtime.Tests.LiveGrammar;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Storage;

namespace Meridian.Runtime.Tests;

/// <summary>
/// A client subscribed to a view keeps it across the publish of a compatible new module version: its
/// subscription is not ended, and its rows follow the new module's view code from then on (the rows
/// that differ are sent as one update).
/// </summary>
public sealed class ViewMigrationTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly Identity Owner = Identity.FromClaims("localhost", "view-migration-owner");
    private static readonly Identity Alice = Identity.FromClaims("localhost", "view-migration-alice");
    private Database _db = null!;

    // The view returns the items of one group; V2 may change which group, and may add an index to the table.
    private static string Source(uint group, bool scoreIndex, bool extraReducer) => $$"""
        using SpacetimeDB;

        [Table(Accessor = "item", Public = true)]
        public partial struct Item
        {
            [PrimaryKey] public ulong id;
            [SpacetimeDB.Index.BTree] public uint grp;
            {{(scoreIndex ? "[SpacetimeDB.Index.BTree] " : "")}}public ulong score;
        }

        [Type]
        public partial struct GroupCount
        {
            public uint grp;
            public ulong n;
        }

        public static partial class Module
        {
            [Reducer]
            public static void add(ReducerContext ctx, ulong id, uint grp, ulong score) =>
                ctx.Db.item.Insert(new Item { id = id, grp = grp, score = score });

            {{(extraReducer ? "[Reducer]\n    public static void remove(ReducerContext ctx, ulong id) => ctx.Db.item.id.Delete(id);" : "")}}

            [View(Accessor = "chosen", Public = true, PrimaryKey = "id")]
            public static List<Item> chosen(AnonymousViewContext ctx) => ctx.Db.item.grp.Filter({{group}}u).ToList();

            [View(Accessor = "counts", Public = true, PrimaryKey = "grp")]
            public static List<GroupCount> counts(AnonymousViewContext ctx) =>
                ctx.Db.item.grp.Filter((uint.MinValue, uint.MaxValue)).GroupBy(i => i.grp)
                    .Select(g => new GroupCount { grp = g.Key, n = (ulong)g.Count() + {{(group == 1 ? 0 : 100)}} }).ToList();

            [View(Accessor = "all_items", Public = true)]
            public static IQuery<Item> all_items(ViewContext ctx) => ctx.From.item().Where(i => i.grp.Eq({{group}}u));
        }
        """;

    private static LoadedModule Module(string name, uint group, bool scoreIndex, bool extraReducer) =>
        LoadedModule.Load(name, RandomModule.Compile(name, Source(group, scoreIndex, extraReducer)));

    public async Task InitializeAsync()
    {
        _db = await Database.OpenAsync(
            "viewmigration", Identity.FromClaims("localhost", "view-migration-db"), Owner, Datastore.CreateInMemory(),
            Module("ViewMigrationV1", 1, scoreIndex: false, extraReducer: false), new ModuleLog(null), runInit: true);
        await Add(1, 1, 10);
        await Add(2, 1, 20);
        await Add(3, 2, 30);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task Add(ulong id, uint group, ulong score)
    {
        var w = new BsatnWriter();
        w.WriteU64(id);
        w.WriteU32(group);
        w.WriteU64(score);
        var result = await _db.CallReducerAsync("add", w.ToArray(), Owner, ConnectionId.Random()).WaitAsync(Timeout);
        Assert.True(result.Status == ReducerStatus.Committed, result.Error);
    }

    // The client's rows per table: what it was sent, with every update applied (fails on an error).
    private static Dictionary<string, List<string>> Replica(FakeSession session)
    {
        var tables = new Dictionary<string, List<string>>();
        List<string> Of(string t) => tables.TryGetValue(t, out var rows) ? rows : tables[t] = [];
        List<object> messages;
        lock (session.Messages)
            messages = session.Messages.ToList();
        foreach (var m in messages)
        {
            switch (m)
            {
                case (string kind, uint, uint, IReadOnlyList<TableRowsResult> rows) when kind == "applied":
                    foreach (var t in rows)
                        Of(t.TableName).AddRange(t.Rows.Select(r => Convert.ToHexString(r.Span)));
                    break;
                case (string kind, _, uint, string message) when kind == "error":
                    Assert.Fail($"the subscription ended: {message}");
                    break;
                case IReadOnlyList<QuerySetDelta> update:
                    foreach (var t in update.SelectMany(s => s.Tables))
                    {
                        foreach (var d in t.Deletes)
                            Assert.True(Of(t.TableName).Remove(Convert.ToHexString(d.Span)), $"{t.TableName}: the delete of a row the client does not hold");
                        Of(t.TableName).AddRange(t.Inserts.Select(r => Convert.ToHexString(r.Span)));
                    }
                    break;
            }
        }
        foreach (var rows in tables.Values)
            rows.Sort(StringComparer.Ordinal);
        return tables;
    }

    // The view's rows evaluated afresh (a one-off query) under the running module.
    private async Task<List<string>> Fresh(Identity who, string view)
    {
        var probe = new FakeSession(who);
        await _db.OneOffQueryAsync(probe, 1, $"SELECT * FROM {view}").WaitAsync(Timeout);
        var (_, rows, error) = ((string, IReadOnlyList<TableRowsResult>?, string?))Assert.Single(probe.Messages);
        Assert.Null(error);
        var list = Assert.Single(rows!).Rows.Select(r => Convert.ToHexString(r.Span)).ToList();
        list.Sort(StringComparer.Ordinal);
        return list;
    }

    private async Task<FakeSession> Subscribe(Identity who)
    {
        var session = new FakeSession(who);
        await _db.SubscribeAsync(session, 1, 1, ["SELECT * FROM chosen", "SELECT * FROM counts", "SELECT * FROM all_items"]).WaitAsync(Timeout);
        return session;
    }

    private async Task AssertReplicaIsFresh(FakeSession session)
    {
        var replica = Replica(session);
        foreach (var view in new[] { "chosen", "counts", "all_items" })
            Assert.Equal(await Fresh(session.Identity, view), replica.GetValueOrDefault(view) ?? []);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_view_subscription_survives_a_compatible_publish_and_follows_the_new_view_code(bool addIndex)
    {
        var session = await Subscribe(Alice);
        await AssertReplicaIsFresh(session);
        Assert.Equal(2, Replica(session)["chosen"].Count);

        // V2: the views choose group 2 (and count differently); with addIndex the table gains an index too.
        await _db.UpdateModuleAsync(Module(addIndex ? "ViewMigrationV2i" : "ViewMigrationV2", 2, scoreIndex: addIndex, extraReducer: true)).WaitAsync(Timeout);
        await AssertReplicaIsFresh(session);
        Assert.Single(Replica(session)["chosen"]);

        // Still live, now with the new code.
        await Add(4, 2, 40);
        await Add(5, 1, 50);
        await AssertReplicaIsFresh(session);
        Assert.Equal(2, Replica(session)["chosen"].Count);
        Assert.Equal(2, Replica(session)["all_items"].Count);
    }

    [Fact]
    public async Task A_filtered_view_subscription_survives_a_compatible_publish_and_keeps_its_filter()
    {
        string[] queries = ["SELECT * FROM chosen WHERE score > 15", "SELECT * FROM counts WHERE n > 1", "SELECT all_items.* FROM all_items WHERE score > 15"];
        var session = new FakeSession(Alice);
        await _db.SubscribeAsync(session, 1, 1, queries).WaitAsync(Timeout);

        async Task AssertFresh()
        {
            var replica = Replica(session);
            foreach (var sql in queries)
            {
                var probe = new FakeSession(Alice);
                await _db.OneOffQueryAsync(probe, 1, sql).WaitAsync(Timeout);
                var (_, rows, error) = ((string, IReadOnlyList<TableRowsResult>?, string?))Assert.Single(probe.Messages);
                Assert.Null(error);
                var table = Assert.Single(rows!);
                var expected = table.Rows.Select(r => Convert.ToHexString(r.Span)).Order(StringComparer.Ordinal).ToList();
                Assert.Equal(expected, replica.GetValueOrDefault(table.TableName) ?? []);
            }
        }

        await AssertFresh();
        Assert.Single(Replica(session)["chosen"]); // group 1 holds scores 10 and 20
        Assert.Single(Replica(session)["counts"]); // group 1 has 2 items, group 2 has 1

        // V2: the views choose group 2 and count 100 more; the filters stay and apply to the new code's rows.
        await _db.UpdateModuleAsync(Module("ViewMigrationFilteredV2", 2, scoreIndex: false, extraReducer: true)).WaitAsync(Timeout);
        await AssertFresh();
        Assert.Single(Replica(session)["chosen"]); // item 3 (score 30)
        Assert.Equal(2, Replica(session)["counts"].Count);

        await Add(4, 2, 5); // in the view, not in the filter
        await Add(5, 2, 50);
        await AssertFresh();
        Assert.Equal(2, Replica(session)["chosen"].Count);
        Assert.Equal(2, Replica(session)["all_items"].Count);
    }

    [Fact]
    public async Task A_subscription_joining_views_survives_a_compatible_publish_and_follows_the_new_view_code()
    {
        // A table joined with a procedural view, and the view's rows joined with a query view (both keyed by id).
        string[] queries =
        [
            "SELECT i.* FROM item i JOIN chosen c ON i.id = c.id WHERE i.score > 15",
            "SELECT c.* FROM chosen c JOIN all_items a ON c.id = a.id",
        ];
        var session = new FakeSession(Alice);
        await _db.SubscribeAsync(session, 1, 1, queries).WaitAsync(Timeout);

        async Task AssertFresh()
        {
            var replica = Replica(session);
            foreach (var sql in queries)
            {
                var probe = new FakeSession(Alice);
                await _db.OneOffQueryAsync(probe, 1, sql).WaitAsync(Timeout);
                var (_, rows, error) = ((string, IReadOnlyList<TableRowsResult>?, string?))Assert.Single(probe.Messages);
                Assert.Null(error);
                var table = Assert.Single(rows!);
                var expected = table.Rows.Select(r => Convert.ToHexString(r.Span)).Order(StringComparer.Ordinal).ToList();
                Assert.Equal(expected, replica.GetValueOrDefault(table.TableName) ?? []);
            }
        }

        await AssertFresh();
        Assert.Single(Replica(session)["item"]); // group 1, score over 15: item 2
        Assert.Equal(2, Replica(session)["chosen"].Count);

        // V2: the views choose group 2; the joins follow the new code's rows.
        await _db.UpdateModuleAsync(Module("ViewMigrationJoinV2", 2, scoreIndex: false, extraReducer: true)).WaitAsync(Timeout);
        await AssertFresh();
        Assert.Single(Replica(session)["item"]); // item 3
        Assert.Single(Replica(session)["chosen"]);

        await Add(4, 2, 50);
        await AssertFresh();
        Assert.Equal(2, Replica(session)["item"].Count);
        Assert.Equal(2, Replica(session)["chosen"].Count);
    }
}
