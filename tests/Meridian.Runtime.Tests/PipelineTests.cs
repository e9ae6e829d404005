using System.Globalization;
using System.Text;
using Meridian.Runtime.Execution;
using Meridian.Runtime.Logging;
using Meridian.Runtime.Modules;
using Meridian.Runtime.Subscriptions;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Storage;

namespace Meridian.Runtime.Tests;

/// <summary>The writer, the commit pipeline and reads that do not take the writer.</summary>
public sealed class PipelineTests : IAsyncLifetime
{
    private static readonly Identity Owner = Identity.FromClaims("localhost", "owner");
    private static readonly Identity Alice = Identity.FromClaims("localhost", "alice");
    private static readonly Identity Bob = Identity.FromClaims("localhost", "bob");
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
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

    private async Task InsertMessagesAsync(int count)
    {
        var sql = new StringBuilder("INSERT INTO message (sender, sent, text) VALUES ");
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
                sql.Append(", ");
            sql.Append(CultureInfo.InvariantCulture, $"(0x{Owner.ToHexString()}, {i}, 'message {i}')");
        }
        var result = Assert.Single(await _db.ExecuteSqlAsync(sql.ToString(), Owner, ConnectionId.Zero));
        Assert.Equal((ulong)count, result.RowsInserted);
    }

    [Fact]
    public async Task A_reducer_commits_while_a_large_initial_subscription_is_being_evaluated()
    {
        await InsertMessagesAsync(50_000);
        var evaluating = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _db.Subscriptions.InitialEvaluationGate = async () =>
        {
            evaluating.TrySetResult();
            await release.Task;
        };
        var alice = new FakeSession(Alice);
        var subscribing = _db.SubscribeAsync(alice, 1, 1, ["SELECT * FROM message"]);
        await evaluating.Task.WaitAsync(Timeout);

        // The initial result is being evaluated (and held there): the writer keeps committing.
        var during = await _db.CallReducerAsync("send_message", StringArg("sent during evaluation"), Bob, ConnectionId.Random()).WaitAsync(Timeout);
        Assert.Equal(ReducerStatus.Committed, during.Status);
        Assert.False(subscribing.IsCompleted);
        Assert.Empty(alice.Messages); // no update for a set that is not live yet

        release.SetResult();
        await subscribing.WaitAsync(Timeout);
        var applied = ((string, uint, uint, IReadOnlyList<TableRowsResult>))Assert.Single(alice.Messages);
        var rows = Assert.Single(applied.Item4).Rows;
        // The commit that landed meanwhile is folded into the initial rows, not sent apart.
        Assert.Equal(50_001, rows.Count);
        Assert.Contains(rows, r => Encoding.UTF8.GetString(r.Span).Contains("sent during evaluation", StringComparison.Ordinal));

        // From here on the set is live like any other.
        await _db.CallReducerAsync("send_message", StringArg("after"), Bob, ConnectionId.Random());
        var update = Assert.IsAssignableFrom<IReadOnlyList<QuerySetDelta>>(alice.Messages[1]);
        Assert.Single(Assert.Single(Assert.Single(update).Tables).Inserts);
    }

    [Fact]
    public async Task A_large_initial_subscription_returns_every_row()
    {
        await InsertMessagesAsync(20_000);
        var alice = new FakeSession(Alice);
        await _db.SubscribeAsync(alice, 1, 1, ["SELECT * FROM message"]).WaitAsync(Timeout);
        var applied = ((string, uint, uint, IReadOnlyList<TableRowsResult>))Assert.Single(alice.Messages);
        Assert.Equal(20_000, Assert.Single(applied.Item4).Rows.Count);
    }

    [Fact]
    public async Task A_call_queued_behind_a_busy_writer_is_delivered_and_later_calls_still_run()
    {
        var alice = new FakeSession(Alice);
        await _db.SubscribeAsync(alice, 1, 1, ["SELECT * FROM message"]).WaitAsync(Timeout);
        using var busy = new ManualResetEventSlim();
        var occupied = _db.Writer.RunAsync(() => busy.Wait(Timeout));
        // Submitted while the writer runs something else: queued, then run by the writer's drain loop,
        // which must hand the commit to the pipeline rather than keep the idle pipeline for itself.
        var queued = _db.CallReducerAsync("send_message", StringArg("queued"), Bob, ConnectionId.Random());
        Assert.False(queued.IsCompleted);
        busy.Set();
        Assert.True(await occupied.WaitAsync(Timeout));
        Assert.Equal(ReducerStatus.Committed, (await queued.WaitAsync(Timeout)).Status);

        // The writer and the pipeline are idle again: the next calls run inline and are delivered too.
        for (var i = 0; i < 3; i++)
        {
            var after = await _db.CallReducerAsync("send_message", StringArg($"after {i}"), Bob, ConnectionId.Random()).WaitAsync(Timeout);
            Assert.Equal(ReducerStatus.Committed, after.Status);
        }
        var inserts = alice.Messages.Skip(1).OfType<IReadOnlyList<QuerySetDelta>>()
            .Sum(update => update.Sum(set => set.Tables.Sum(t => t.Inserts.Count)));
        Assert.Equal(4, inserts);
    }

    [Fact]
    public async Task Reads_do_not_wait_for_a_busy_writer()
    {
        await _db.CallReducerAsync("send_message", StringArg("hello"), Bob, ConnectionId.Random());
        using var busy = new ManualResetEventSlim();
        var occupied = _db.Writer.RunAsync(() => busy.Wait(Timeout));
        try
        {
            var alice = new FakeSession(Alice);
            await _db.OneOffQueryAsync(alice, 1, "SELECT * FROM message").WaitAsync(Timeout);
            var oneOff = ((string, IReadOnlyList<TableRowsResult>?, string?))Assert.Single(alice.Messages);
            Assert.Single(Assert.Single(oneOff.Item2!).Rows);

            var select = Assert.Single(await _db.ExecuteSqlAsync("SELECT * FROM message", Alice, ConnectionId.Zero).WaitAsync(Timeout));
            Assert.Single(select.Rows);

            await _db.SubscribeAsync(alice, 2, 1, ["SELECT * FROM message"]).WaitAsync(Timeout);
            Assert.Equal(2, alice.Messages.Count);
            Assert.False(occupied.IsCompleted);
        }
        finally
        {
            busy.Set();
        }
        Assert.True(await occupied);
    }

    [Fact]
    public async Task Commit_observers_see_every_commit_in_order()
    {
        var alice = new FakeSession(Alice);
        await _db.SubscribeAsync(alice, 1, 1, ["SELECT * FROM message"]);
        var calls = Enumerable.Range(0, 50).Select(i => _db.CallReducerAsync("send_message", StringArg($"m{i}"), Bob, ConnectionId.Random())).ToList();
        await Task.WhenAll(calls).WaitAsync(Timeout);
        var offsets = alice.Messages.Skip(1).Cast<IReadOnlyList<QuerySetDelta>>().Count();
        Assert.Equal(50, offsets);
        // The writer ran the calls in the order they were queued, and clients saw them in that order.
        var texts = alice.Messages.Skip(1).Cast<IReadOnlyList<QuerySetDelta>>()
            .Select(u => Encoding.UTF8.GetString(Assert.Single(Assert.Single(u).Tables).Inserts[0].Span)).ToList();
        for (var i = 0; i < 50; i++)
            Assert.EndsWith($"m{i}", texts[i], StringComparison.Ordinal);
        var committed = calls.Select(c => c.Result.Offset!.Value).ToList();
        Assert.Equal(committed.Order(), committed);
    }
}
