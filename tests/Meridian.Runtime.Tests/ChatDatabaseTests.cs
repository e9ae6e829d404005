using Meridian.Runtime.Execution;
using Meridian.Runtime.Logging;
using Meridian.Runtime.Modules;
using Meridian.Runtime.Subscriptions;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using Meridian.Sats.Values;
using Meridian.Storage;

namespace Meridian.Runtime.Tests;

public sealed class ChatDatabaseTests : IAsyncLifetime
{
    private static readonly Identity Owner = Identity.FromClaims("localhost", "owner");
    private static readonly Identity Alice = Identity.FromClaims("localhost", "alice");
    private static readonly Identity Bob = Identity.FromClaims("localhost", "bob");
    private Database _db = null!;

    public async Task InitializeAsync()
    {
        var module = LoadedModule.Load("chat", TestModules.Chat());
        _db = await Database.OpenAsync(
            "chat", Identity.FromClaims("localhost", "db"), Owner, Datastore.CreateInMemory(), module, new ModuleLog(null), runInit: true);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static byte[] StringArg(string s)
    {
        var w = new BsatnWriter();
        w.WriteString(s);
        return w.ToArray();
    }

    private ProductValue Decode(string table, ReadOnlyMemory<byte> row)
    {
        var t = _db.Schema.Tables.Single(x => x.Name == table).Schema;
        return (ProductValue)AlgebraicValue.FromBsatn(row.Span, t.RowType, t.Typespace);
    }

    [Fact]
    public void The_schema_uses_canonical_names()
    {
        Assert.Equal(["user", "message"], _db.Schema.Tables.Select(t => t.Name).OrderByDescending(n => n));
        var user = _db.Schema.Tables.Single(t => t.Name == "user").Schema;
        Assert.Equal(["identity", "name", "online"], user.RowType.Elements.Select(e => e.Name));
        Assert.Equal(0, user.PrimaryKey);
        Assert.NotNull(_db.Schema.FindReducer("set_name"));
        Assert.NotNull(_db.Schema.FindReducer("send_message"));
        Assert.False(_db.Schema.FindReducer("client_connected")?.ClientCallable ?? true);
    }

    [Fact]
    public void Init_ran_on_first_open() =>
        Assert.Contains(_db.Log.Tail(null), r => r.Message.Contains("Chat module initialised", StringComparison.Ordinal));

    [Fact]
    public async Task Connecting_clients_see_each_other_and_updates_reach_subscribers()
    {
        var alice = new FakeSession(Alice);
        var bob = new FakeSession(Bob);
        await _db.ConnectAsync(Alice, alice.ConnectionId);
        await _db.SubscribeAsync(alice, 1, 7, ["SELECT * FROM user"]);
        var applied = ((string, uint, uint, IReadOnlyList<TableRowsResult>))Assert.Single(alice.Messages);
        var initial = Assert.Single(applied.Item4);
        Assert.Equal("user", initial.TableName);
        var aliceRow = Decode("user", Assert.Single(initial.Rows));
        Assert.Equal(Alice.ToValue(), aliceRow[0]);
        Assert.Equal(AlgebraicValue.Bool(true), aliceRow[2]);

        await _db.ConnectAsync(Bob, bob.ConnectionId);
        var update = Assert.IsAssignableFrom<IReadOnlyList<QuerySetDelta>>(alice.Messages[1]);
        var delta = Assert.Single(Assert.Single(update).Tables);
        Assert.Equal(Bob.ToValue(), Decode("user", Assert.Single(delta.Inserts))[0]);

        var result = await _db.CallReducerAsync("set_name", StringArg("Bobby"), Bob, bob.ConnectionId, bob, 5);
        Assert.Equal(ReducerStatus.Committed, result.Status);
        Assert.Same(result, Assert.Single(bob.Messages));
        var rename = Assert.Single(Assert.Single(Assert.IsAssignableFrom<IReadOnlyList<QuerySetDelta>>(alice.Messages[2])).Tables);
        Assert.Equal(AlgebraicValue.OptionNone, Decode("user", Assert.Single(rename.Deletes))[1]);
        Assert.Equal(AlgebraicValue.OptionSome(AlgebraicValue.String("Bobby")), Decode("user", Assert.Single(rename.Inserts))[1]);

        await _db.DisconnectAsync(Bob, bob.ConnectionId, bob);
        var offline = Assert.Single(Assert.Single(Assert.IsAssignableFrom<IReadOnlyList<QuerySetDelta>>(alice.Messages[3])).Tables);
        Assert.Equal(AlgebraicValue.Bool(false), Decode("user", Assert.Single(offline.Inserts))[2]);
    }

    [Fact]
    public async Task A_failing_reducer_rolls_back_and_reports_the_module_error()
    {
        var alice = new FakeSession(Alice);
        await _db.ConnectAsync(Alice, alice.ConnectionId);
        await _db.SubscribeAsync(alice, 1, 1, ["SELECT * FROM message"]);
        var result = await _db.CallReducerAsync("send_message", StringArg(""), Alice, alice.ConnectionId, alice, 2);
        Assert.Equal(ReducerStatus.Failed, result.Status);
        Assert.Equal("Messages must not be empty", result.Error);
        Assert.Equal(2, alice.Messages.Count);
        Assert.Equal(0, _db.Store.Committed.Count(_db.Store.Committed.GetTable("message").Id));
    }

    [Fact]
    public async Task The_caller_gets_its_own_updates_in_the_reducer_result_only()
    {
        var alice = new FakeSession(Alice);
        await _db.SubscribeAsync(alice, 1, 3, ["SELECT * FROM message WHERE text = 'hi'"]);
        var result = await _db.CallReducerAsync("send_message", StringArg("hi"), Alice, alice.ConnectionId, alice, 2);
        Assert.Equal(ReducerStatus.Committed, result.Status);
        Assert.Equal(2, alice.Messages.Count); // applied + result, no separate transaction update
        var own = Assert.Single(result.OwnUpdates);
        Assert.Equal(3u, own.QuerySetId);
        var row = Decode("message", Assert.Single(Assert.Single(own.Tables).Inserts));
        Assert.Equal(Alice.ToValue(), row[0]);
        Assert.Equal(AlgebraicValue.String("hi"), row[2]);

        var other = await _db.CallReducerAsync("send_message", StringArg("bye"), Alice, alice.ConnectionId, alice, 3);
        Assert.Empty(other.OwnUpdates);
    }

    [Fact]
    public async Task Calls_that_cannot_run_say_why()
    {
        var unknown = await _db.CallReducerAsync("nope", [], Alice, ConnectionId.Random());
        Assert.Equal(ReducerNotRunReason.NotFound, unknown.NotRunReason);
        Assert.Contains("No such reducer 'nope'", unknown.Error, StringComparison.Ordinal);
        var badArgs = await _db.CallReducerAsync("send_message", [1, 2], Alice, ConnectionId.Random());
        Assert.Equal(ReducerNotRunReason.BadRequest, badArgs.NotRunReason);
        Assert.Contains("Invalid arguments", badArgs.Error, StringComparison.Ordinal);
        var extra = await _db.CallReducerAsync("send_message", [.. StringArg("x"), 9], Alice, ConnectionId.Random());
        Assert.Equal(ReducerNotRunReason.BadRequest, extra.NotRunReason);
        var lifecycle = await _db.CallReducerAsync("client_connected", [], Alice, ConnectionId.Random());
        Assert.Equal(ReducerNotRunReason.BadRequest, lifecycle.NotRunReason);
    }

    [Fact]
    public async Task Subscription_errors_register_nothing()
    {
        var alice = new FakeSession(Alice);
        await _db.SubscribeAsync(alice, 1, 1, ["SELECT * FROM user", "SELECT * FROM nowhere"]);
        var error = ((string, uint?, uint, string))Assert.Single(alice.Messages);
        Assert.Contains("Unknown table 'nowhere'", error.Item4, StringComparison.Ordinal);
        await _db.ConnectAsync(Bob, ConnectionId.Random());
        Assert.Single(alice.Messages);
        await _db.UnsubscribeAsync(alice, 2, 1, sendDroppedRows: true);
        Assert.Contains("not subscribed", ((string, uint?, uint, string))alice.Messages[1] is var e ? e.Item4 : "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unsubscribe_returns_the_rows_and_stops_updates()
    {
        var alice = new FakeSession(Alice);
        await _db.ConnectAsync(Alice, alice.ConnectionId);
        await _db.SubscribeAsync(alice, 1, 1, ["SELECT * FROM user"]);
        await _db.UnsubscribeAsync(alice, 2, 1, sendDroppedRows: true);
        var unapplied = ((string, uint, uint, IReadOnlyList<TableRowsResult>?))alice.Messages[1];
        Assert.Single(Assert.Single(unapplied.Item4!).Rows);
        await _db.ConnectAsync(Bob, ConnectionId.Random());
        Assert.Equal(2, alice.Messages.Count);
    }

    [Fact]
    public async Task Sql_reads_for_anyone_and_writes_only_for_the_owner()
    {
        await _db.CallReducerAsync("send_message", StringArg("one"), Alice, ConnectionId.Random());
        await _db.CallReducerAsync("send_message", StringArg("two"), Bob, ConnectionId.Random());
        var results = await _db.ExecuteSqlAsync(
            "SELECT text FROM message WHERE sender = 0x" + Bob.ToHexString() + "; SELECT COUNT(*) AS n FROM message", Alice, ConnectionId.Zero);
        Assert.Equal(AlgebraicValue.String("two"), Assert.Single(results[0].Rows)[0]);
        Assert.Equal(AlgebraicValue.U64(2), Assert.Single(results[1].Rows)[0]);

        var denied = await Assert.ThrowsAsync<SqlStatementException>(() => _db.ExecuteSqlAsync("DELETE FROM message", Alice, ConnectionId.Zero));
        Assert.Contains("not authorized", denied.Message, StringComparison.Ordinal);

        var watcher = new FakeSession(Bob);
        await _db.SubscribeAsync(watcher, 1, 1, ["SELECT * FROM message"]);
        var deleted = await _db.ExecuteSqlAsync("DELETE FROM message WHERE text = 'one'", Owner, ConnectionId.Zero);
        Assert.Equal(1UL, Assert.Single(deleted).RowsDeleted);
        Assert.Single(Assert.Single(Assert.IsAssignableFrom<IReadOnlyList<QuerySetDelta>>(watcher.Messages[1])).Tables[0].Deletes);
    }

    [Fact]
    public async Task Ad_hoc_sql_joins_tables_with_qualified_names()
    {
        await _db.ConnectAsync(Alice, ConnectionId.Random());
        await _db.ConnectAsync(Bob, ConnectionId.Random());
        await _db.CallReducerAsync("set_name", StringArg("Alice"), Alice, ConnectionId.Random());
        await _db.CallReducerAsync("send_message", StringArg("hi from alice"), Alice, ConnectionId.Random());
        await _db.CallReducerAsync("send_message", StringArg("hi from bob"), Bob, ConnectionId.Random());
        await _db.CallReducerAsync("send_message", StringArg("again alice"), Alice, ConnectionId.Random());

        var results = await _db.ExecuteSqlAsync(
            "SELECT m.text AS said, u.name FROM message m JOIN user u ON m.sender = u.identity WHERE u.name = 'Alice'; " +
            "SELECT COUNT(*) AS n FROM message m JOIN user u ON m.sender = u.identity; " +
            "SELECT u.* FROM user u JOIN message m ON m.sender = u.identity WHERE m.text = 'hi from bob' LIMIT 5",
            Owner, ConnectionId.Zero);
        Assert.Equal(["said", "name"], results[0].Schema.Elements.Select(e => e.Name));
        Assert.Equal(["again alice", "hi from alice"], results[0].Rows.Select(r => r[0].AsString()).Order());
        Assert.All(results[0].Rows, r => Assert.Equal(AlgebraicValue.OptionSome(AlgebraicValue.String("Alice")), r[1]));
        Assert.Equal(AlgebraicValue.U64(3), Assert.Single(results[1].Rows)[0]);
        Assert.Equal(Bob.ToValue(), Assert.Single(results[2].Rows)[0]);

        var unqualified = await Assert.ThrowsAsync<SqlStatementException>(
            () => _db.ExecuteSqlAsync("SELECT text FROM message m JOIN user u ON m.sender = u.identity", Owner, ConnectionId.Zero));
        Assert.Contains("qualified", unqualified.Message, StringComparison.Ordinal);
        var star = await Assert.ThrowsAsync<SqlStatementException>(
            () => _db.ExecuteSqlAsync("SELECT * FROM message m JOIN user u ON m.sender = u.identity", Owner, ConnectionId.Zero));
        Assert.Contains("SELECT t.*", star.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Queries_on_the_same_sql_share_one_evaluation()
    {
        var a = new FakeSession(Alice);
        var b = new FakeSession(Bob);
        await _db.SubscribeAsync(a, 1, 1, ["SELECT * FROM message"]);
        await _db.SubscribeAsync(b, 1, 9, ["SELECT * FROM message"]);
        await _db.CallReducerAsync("send_message", StringArg("shared"), Owner, ConnectionId.Random());
        var da = Assert.Single(Assert.Single(Assert.IsAssignableFrom<IReadOnlyList<QuerySetDelta>>(a.Messages[1])).Tables);
        var db = Assert.Single(Assert.Single(Assert.IsAssignableFrom<IReadOnlyList<QuerySetDelta>>(b.Messages[1])).Tables);
        Assert.Same(da.Inserts, db.Inserts);
        Assert.Equal(1, await _db.LiveQueryCountAsync());

        await _db.SubscribeAsync(b, 2, 10, ["SELECT * FROM user"]);
        Assert.Equal(2, await _db.LiveQueryCountAsync());
        await _db.UnsubscribeAsync(a, 3, 1, sendDroppedRows: false);
        Assert.Equal(2, await _db.LiveQueryCountAsync());
        await _db.DisconnectAsync(Bob, b.ConnectionId, b);
        Assert.Equal(0, await _db.LiveQueryCountAsync());
    }

    [Fact]
    public async Task Subscribers_of_one_query_share_its_table_list_under_their_own_set_ids()
    {
        var a = new FakeSession(Alice);
        var b = new FakeSession(Bob);
        var c = new FakeSession(Identity.FromClaims("localhost", "carol"));
        await _db.SubscribeAsync(a, 1, 1, ["SELECT * FROM message"]);
        await _db.SubscribeAsync(b, 1, 9, ["SELECT * FROM message"]);
        await _db.SubscribeAsync(c, 1, 4, ["SELECT * FROM message", "SELECT * FROM user"]);
        await _db.CallReducerAsync("send_message", StringArg("shared"), Owner, ConnectionId.Random());

        static QuerySetDelta Update(FakeSession s) => Assert.Single(Assert.IsAssignableFrom<IReadOnlyList<QuerySetDelta>>(s.Messages[1]));
        var (ua, ub, uc) = (Update(a), Update(b), Update(c));
        Assert.Equal([1u, 9u, 4u], new[] { ua.QuerySetId, ub.QuerySetId, uc.QuerySetId });
        Assert.Same(ua.Tables, ub.Tables);
        Assert.NotSame(ua.Tables, uc.Tables);
        var row = Assert.Single(Assert.Single(uc.Tables).Inserts);
        Assert.Equal(AlgebraicValue.String("shared"), Decode("message", row)[2]);
        Assert.Same(Assert.Single(ua.Tables).Inserts, Assert.Single(uc.Tables).Inserts);
    }
}
