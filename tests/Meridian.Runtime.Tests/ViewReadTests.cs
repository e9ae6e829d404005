using Meridian.Query.Sql;
using Meridian.Runtime.Diagnostics;
using Meridian.Runtime.Execution;
using Meridian.Runtime.Hosting;
using Meridian.Runtime.Logging;
using Meridian.Runtime.Modules;
using Meridian.Runtime.Sql;
using Meridian.Runtime.Subscriptions;
using Meridian.Runtime.Tests.LiveGrammar;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Storage;

namespace Meridian.Runtime.Tests;

/// <summary>
/// One-time reads of views (one-off queries and ad-hoc SQL, whole or filtered) as any other read: the
/// non-owner's row_limit, the slow log's outcome, one parse per query; and a view's duplicate rows.
/// </summary>
public sealed class ViewReadTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly Identity Owner = Identity.FromClaims("localhost", "view-read-owner");
    private static readonly Identity Alice = Identity.FromClaims("localhost", "view-read-alice");
    private Database _db = null!;

    public async Task InitializeAsync()
    {
        var services = DatabaseServices.Default with { SlowLog = new SlowLogOptions { QueryThreshold = TimeSpan.Zero, Capacity = 100 } };
        _db = await Database.OpenAsync(
            "viewreads", Identity.FromClaims("localhost", "view-read-db"), Owner, Datastore.CreateInMemory(),
            LoadedModule.Load("views", TestModules.Views()), new ModuleLog(null), runInit: true, services);
        foreach (var (name, score) in new[] { ("a", 1500UL), ("b", 2500UL), ("c", 2600UL) })
        {
            var w = new BsatnWriter();
            Identity.FromClaims("localhost", name).WriteBsatn(w);
            w.WriteString(name);
            w.WriteU64(score);
            w.WriteU32(1);
            var result = await _db.CallReducerAsync("add_player", w.ToArray(), Owner, ConnectionId.Random()).WaitAsync(Timeout);
            Assert.True(result.Status == ReducerStatus.Committed, result.Error);
        }
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<(IReadOnlyList<TableRowsResult>? Rows, string? Error)> OneOff(Identity who, string sql)
    {
        var session = new FakeSession(who);
        await _db.OneOffQueryAsync(session, 1, sql).WaitAsync(Timeout);
        var (_, rows, error) = ((string, IReadOnlyList<TableRowsResult>?, string?))Assert.Single(session.Messages);
        return (rows, error);
    }

    [Fact]
    public async Task A_non_owners_row_limit_applies_to_view_reads_whole_or_filtered_and_not_to_the_owner()
    {
        await _db.ExecuteSqlAsync("SET row_limit = 2", Owner, ConnectionId.Zero).WaitAsync(Timeout);
        // high_scorers has 3 rows for everyone: a read scans them all, whatever its WHERE keeps.
        foreach (var sql in new[] { "SELECT * FROM high_scorers", "SELECT * FROM high_scorers WHERE score > 2550",
                     "SELECT * FROM high_scorers WHERE score > 2000 ORDER BY score LIMIT 1" })
        {
            var (rows, error) = await OneOff(Alice, sql);
            Assert.Null(rows);
            Assert.Contains("row_limit", error, StringComparison.Ordinal);
            var adHoc = await Assert.ThrowsAsync<SqlStatementException>(() => _db.ExecuteSqlAsync(sql, Alice, ConnectionId.Zero));
            Assert.Contains("row_limit", adHoc.Message, StringComparison.Ordinal);
            Assert.Null((await OneOff(Owner, sql)).Error);
        }
        var projected = await Assert.ThrowsAsync<SqlStatementException>(() => _db.ExecuteSqlAsync("SELECT name FROM high_scorers", Alice, ConnectionId.Zero));
        Assert.Contains("row_limit", projected.Message, StringComparison.Ordinal);

        var session = new FakeSession(Alice);
        await _db.SubscribeAsync(session, 1, 1, ["SELECT * FROM high_scorers WHERE score > 2550"]).WaitAsync(Timeout);
        var refused = ((string, uint?, uint, string))Assert.Single(session.Messages);
        Assert.Equal("error", refused.Item1);
        Assert.Contains("row_limit", refused.Item4, StringComparison.Ordinal);

        // Under the limit, the same reads work.
        await _db.ExecuteSqlAsync("SET row_limit = 3", Owner, ConnectionId.Zero).WaitAsync(Timeout);
        Assert.Single(Assert.Single((await OneOff(Alice, "SELECT * FROM high_scorers WHERE score > 2550")).Rows!).Rows);
    }

    [Fact]
    public async Task Ad_hoc_and_one_off_reads_of_views_are_logged_with_their_real_outcome()
    {
        string[] reads = ["SELECT * FROM high_scorers", "SELECT * FROM high_scorers WHERE score > 2000", "SELECT name FROM all_players ORDER BY name"];
        foreach (var sql in reads)
        {
            await _db.ExecuteSqlAsync(sql, Alice, ConnectionId.Zero).WaitAsync(Timeout);
            Assert.Null((await OneOff(Alice, sql.Replace("SELECT name", "SELECT *", StringComparison.Ordinal))).Error);
        }
        await Assert.ThrowsAsync<SqlStatementException>(() => _db.ExecuteSqlAsync("SELECT * FROM high_scorers WHERE nope = 1", Alice, ConnectionId.Zero));

        var logged = _db.SlowLog.Entries.Where(e => e.Kind == "query").Select(e => (e.Name, e.Outcome)).ToList();
        foreach (var sql in reads)
        {
            Assert.Contains((sql, "ok"), logged);
            Assert.Contains((sql.Replace("SELECT name", "SELECT *", StringComparison.Ordinal), "ok"), logged);
        }
        Assert.Contains(("SELECT * FROM high_scorers WHERE nope = 1", "error"), logged);
        Assert.Equal(2 * reads.Length + 1, logged.Count);
    }

    [Theory]
    // (A query view also parses the SQL it returns, which is another text: not counted here.)
    [InlineData("SELECT * FROM player WHERE score > 2000")]
    [InlineData("SELECT * FROM high_scorers")]
    [InlineData("SELECT * FROM high_scorers WHERE score > 2000")]
    [InlineData("SELECT * FROM high_scorers WHERE score > 2000 ORDER BY score LIMIT 1")]
    [InlineData("SELECT * FROM my_notes WHERE id > 1")]
    public void A_one_off_query_is_parsed_once(string sql)
    {
        var session = new FakeSession(Alice);
        var before = SqlParser.ParsesOnThisThread;
        // Runs on this thread up to its answer (a one-off query reads without the writer).
        var done = _db.OneOffQueryAsync(session, 1, sql);
        Assert.Equal(1, SqlParser.ParsesOnThisThread - before);
        Assert.True(done.IsCompletedSuccessfully);
        var (_, _, error) = ((string, IReadOnlyList<TableRowsResult>?, string?))Assert.Single(session.Messages);
        Assert.Null(error);
    }
}

/// <summary>A view that returns the same row more than once: its rows are a set, as upstream stores them.</summary>
public sealed class ViewDuplicateRowTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly Identity Owner = Identity.FromClaims("localhost", "view-dup-owner");
    private Database _db = null!;

    // One row per item's group: items 1 and 2 in group 1 give the row {grp: 1} twice; a tagged item once per tag.
    private const string Source = """
        using SpacetimeDB;

        [Table(Accessor = "item", Public = true)]
        public partial struct Item
        {
            [PrimaryKey] public ulong id;
            [SpacetimeDB.Index.BTree] public uint grp;
        }

        [Table(Accessor = "tag", Public = true)]
        public partial struct Tag
        {
            [PrimaryKey] public ulong id;
            [SpacetimeDB.Index.BTree] public ulong item_id;
        }

        [Type]
        public partial struct Group
        {
            public uint grp;
        }

        public static partial class Module
        {
            [Reducer]
            public static void add(ReducerContext ctx, ulong id, uint grp) => ctx.Db.item.Insert(new Item { id = id, grp = grp });

            [Reducer]
            public static void remove(ReducerContext ctx, ulong id) => ctx.Db.item.id.Delete(id);

            [Reducer]
            public static void tag(ReducerContext ctx, ulong id, ulong item_id) => ctx.Db.tag.Insert(new Tag { id = id, item_id = item_id });

            [Reducer]
            public static void untag(ReducerContext ctx, ulong id) => ctx.Db.tag.id.Delete(id);

            // A query view over a join: an item once per tag in the query, once in the view.
            [View(Accessor = "tagged", Public = true)]
            public static IQuery<Item> tagged(AnonymousViewContext ctx) =>
                ctx.From.tag().RightSemijoin(ctx.From.item(), (t, i) => t.item_id.Eq(i.id));

            [View(Accessor = "groups", Public = true)]
            public static List<Group> groups(AnonymousViewContext ctx) =>
                ctx.Db.item.grp.Filter((uint.MinValue, uint.MaxValue)).Select(i => new Group { grp = i.grp }).ToList();
        }
        """;

    public async Task InitializeAsync()
    {
        _db = await Database.OpenAsync(
            "viewdups", Identity.FromClaims("localhost", "view-dup-db"), Owner, Datastore.CreateInMemory(),
            LoadedModule.Load("ViewDuplicates", RandomModule.Compile("ViewDuplicates", Source)), new ModuleLog(null), runInit: true);
        await Add(1, 1);
        await Add(2, 1);
        await Add(3, 2);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task Call(string reducer, Action<BsatnWriter> args)
    {
        var w = new BsatnWriter();
        args(w);
        var result = await _db.CallReducerAsync(reducer, w.ToArray(), Owner, ConnectionId.Random()).WaitAsync(Timeout);
        Assert.True(result.Status == ReducerStatus.Committed, result.Error);
    }

    private Task Add(ulong id, uint grp) => Call("add", w =>
    {
        w.WriteU64(id);
        w.WriteU32(grp);
    });

    private Task Remove(ulong id) => Call("remove", w => w.WriteU64(id));

    private static uint Group(ReadOnlyMemory<byte> row) => BitConverter.ToUInt32(row.Span);

    // The groups a client holds, from what it was sent (fails on an error or a delete of a row it does not hold).
    private static List<uint> Held(FakeSession session) => Held(session, Group);

    private static List<T> Held<T>(FakeSession session, Func<ReadOnlyMemory<byte>, T> decode)
    {
        var rows = new List<T>();
        lock (session.Messages)
        {
            foreach (var m in session.Messages)
            {
                switch (m)
                {
                    case (string kind, uint, uint, IReadOnlyList<TableRowsResult> applied) when kind == "applied":
                        rows.AddRange(applied.SelectMany(t => t.Rows).Select(decode));
                        break;
                    case (string kind, _, uint, string message) when kind == "error":
                        Assert.Fail(message);
                        break;
                    case IReadOnlyList<QuerySetDelta> update:
                        foreach (var t in update.SelectMany(s => s.Tables))
                        {
                            foreach (var d in t.Deletes)
                                Assert.True(rows.Remove(decode(d)), "a delete of a row the client does not hold");
                            rows.AddRange(t.Inserts.Select(decode));
                        }
                        break;
                }
            }
        }
        rows.Sort();
        return rows;
    }

    private async Task<List<uint>> OneOff(string sql)
    {
        var session = new FakeSession(Owner);
        await _db.OneOffQueryAsync(session, 1, sql).WaitAsync(Timeout);
        var (_, rows, error) = ((string, IReadOnlyList<TableRowsResult>?, string?))Assert.Single(session.Messages);
        Assert.True(error is null, error);
        return Assert.Single(rows!).Rows.Select(Group).Order().ToList();
    }

    [Fact]
    public async Task A_row_returned_twice_is_one_row_for_subscriptions_and_reads_alike()
    {
        var whole = new FakeSession(Owner);
        await _db.SubscribeAsync(whole, 1, 1, ["SELECT * FROM groups"]).WaitAsync(Timeout);
        var filtered = new FakeSession(Owner);
        await _db.SubscribeAsync(filtered, 1, 1, ["SELECT * FROM groups WHERE grp = 1"]).WaitAsync(Timeout);
        Assert.Equal([1u, 2u], Held(whole));
        Assert.Equal([1u], Held(filtered));
        Assert.Equal([1u, 2u], await OneOff("SELECT * FROM groups"));
        Assert.Equal([1u], await OneOff("SELECT * FROM groups WHERE grp = 1"));
        Assert.Equal([2u], await OneOff("SELECT * FROM groups WHERE grp > 0 ORDER BY grp DESC LIMIT 1"));
        Assert.Equal(2, Assert.Single(await _db.ExecuteSqlAsync("SELECT * FROM groups", Owner, ConnectionId.Zero).WaitAsync(Timeout)).Rows.Count);
        Assert.Equal(2, Assert.Single(await _db.ExecuteSqlAsync("SELECT grp FROM groups", Owner, ConnectionId.Zero).WaitAsync(Timeout)).Rows.Count);

        // Group 1 stays while one item holds it; it leaves with the last; it comes back with a new one.
        var messages = whole.Messages.Count;
        await Remove(1);
        Assert.Equal(messages, whole.Messages.Count);
        await Remove(2);
        Assert.Equal([2u], Held(whole));
        Assert.Empty(Held(filtered));
        await Add(4, 1);
        await Add(5, 1);
        Assert.Equal([1u, 2u], Held(whole));
        Assert.Equal([1u], Held(filtered));
        Assert.Equal(await OneOff("SELECT * FROM groups"), Held(whole));
    }

    private Task Tag(ulong id, ulong item) => Call("tag", w =>
    {
        w.WriteU64(id);
        w.WriteU64(item);
    });

    // An item row (id u64, grp u32) as its id.
    private static ulong Item(ReadOnlyMemory<byte> row) => BitConverter.ToUInt64(row.Span);

    [Fact]
    public async Task A_query_view_over_a_join_holds_a_row_once_however_many_rows_it_matches()
    {
        await Tag(10, 1);
        await Tag(11, 1);
        await Tag(12, 3);
        var whole = new FakeSession(Owner);
        await _db.SubscribeAsync(whole, 1, 1, ["SELECT * FROM tagged"]).WaitAsync(Timeout);
        var filtered = new FakeSession(Owner);
        await _db.SubscribeAsync(filtered, 1, 1, ["SELECT * FROM tagged WHERE grp = 1"]).WaitAsync(Timeout);

        async Task Check(ulong[] all, ulong[] groupOne)
        {
            Assert.Equal(all, Held(whole, Item));
            Assert.Equal(groupOne, Held(filtered, Item));
            var session = new FakeSession(Owner);
            await _db.OneOffQueryAsync(session, 1, "SELECT * FROM tagged").WaitAsync(Timeout);
            var (_, rows, _) = ((string, IReadOnlyList<TableRowsResult>?, string?))Assert.Single(session.Messages);
            Assert.Equal(all, Assert.Single(rows!).Rows.Select(Item).Order().ToArray());
        }

        await Check([1, 3], [1]);
        var messages = whole.Messages.Count;
        await Tag(13, 1); // a third tag of item 1: nothing changes
        await Call("untag", w => w.WriteU64(10));
        Assert.Equal(messages, whole.Messages.Count);
        await Call("untag", w => w.WriteU64(11));
        await Check([1, 3], [1]);
        await Call("untag", w => w.WriteU64(13)); // item 1's last tag
        await Check([3], []);
        await Tag(14, 2);
        await Tag(15, 2);
        await Check([2, 3], [2]);
    }
}
