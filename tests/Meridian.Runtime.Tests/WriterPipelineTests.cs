using System.Collections.Concurrent;
using System.Text;
using Meridian.Runtime.Execution;
using Meridian.Runtime.Logging;
using Meridian.Runtime.Modules;
using Meridian.Runtime.Subscriptions;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Storage;
using Xunit.Abstractions;

namespace Meridian.Runtime.Tests;

/// <summary>
/// The writer and the commit pipeline under concurrency: calls that run inline on their caller's thread mixed with
/// calls queued behind a busy writer, callers with a synchronization context, failing reducers, and disposal with
/// work still queued. Every wait has a timeout, so a hang fails the test that hung instead of the run.
/// </summary>
public sealed class WriterPipelineTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly Identity Owner = Identity.FromClaims("localhost", "owner");
    private static readonly Identity Alice = Identity.FromClaims("localhost", "alice");
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private Database _db = null!;

    public async Task InitializeAsync() => _db = await OpenAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync().AsTask().WaitAsync(Timeout);

    private static Task<Database> OpenAsync() =>
        Database.OpenAsync(
            "chat", Identity.FromClaims("localhost", "db"), Owner, Datastore.CreateInMemory(), LoadedModule.Load("chat", TestModules.Chat()),
            new ModuleLog(null), runInit: true);

    private static byte[] Text(string s)
    {
        var w = new BsatnWriter();
        w.WriteString(s);
        return w.ToArray();
    }

    private Random Seeded()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        return new Random(seed);
    }

    // The texts of the messages a subscriber was sent, in the order it was sent them.
    private static List<string> InsertedTexts(FakeSession session)
    {
        lock (session.Messages)
        {
            return session.Messages.OfType<IReadOnlyList<QuerySetDelta>>()
                .SelectMany(update => update.SelectMany(set => set.Tables.SelectMany(t => t.Inserts)))
                .Select(row => MessageText(row.Span))
                .ToList();
        }
    }

    // A chat message row ends with its text (a BSATN string: u32 length, UTF-8 bytes).
    private static string MessageText(ReadOnlySpan<byte> row)
    {
        for (var start = row.Length - 4; start >= 0; start--)
        {
            var length = BitConverter.ToUInt32(row.Slice(start, 4));
            if (start + 4 + length == row.Length)
                return Encoding.UTF8.GetString(row[(start + 4)..]);
        }
        throw new InvalidOperationException("not a message row");
    }

    private async Task<FakeSession> SubscribedAsync()
    {
        var watcher = new FakeSession(Alice);
        await _db.SubscribeAsync(watcher, 1, 1, ["SELECT * FROM message"]).WaitAsync(Timeout);
        return watcher;
    }

    [Fact]
    public async Task Many_concurrent_callers_commit_in_one_order_that_every_answer_and_subscriber_follows()
    {
        var random = Seeded();
        var watcher = await SubscribedAsync();
        const int callers = 8;
        const int callsEach = 150;
        var seeds = Enumerable.Range(0, callers).Select(_ => random.Next()).ToArray();
        var committed = new ConcurrentBag<(string Text, ulong Offset)>();

        async Task CallerAsync(int caller)
        {
            var rng = new Random(seeds[caller]);
            var session = new RecordingSession(Identity.FromClaims("localhost", $"caller{caller}"));
            ulong last = 0;
            for (var i = 0; i < callsEach; i++)
            {
                // An empty message fails in the module; a failed call commits nothing and is still answered in order.
                var text = rng.Next(10) == 0 ? "" : $"c{caller}-{i}";
                var result = await _db.CallReducerAsync("send_message", Text(text), session.Identity, session.ConnectionId, session, (uint)i)
                    .WaitAsync(Timeout);
                if (text.Length == 0)
                {
                    Assert.Equal(ReducerStatus.Failed, result.Status);
                }
                else
                {
                    Assert.Equal(ReducerStatus.Committed, result.Status);
                    Assert.True(result.Offset > last, $"caller {caller}: offset {result.Offset} after {last}");
                    last = result.Offset!.Value;
                    committed.Add((text, last));
                }
                switch (rng.Next(4))
                {
                    case 0:
                        await Task.Yield();
                        break;
                    case 1:
                        Thread.SpinWait(rng.Next(2_000));
                        break;
                }
            }
            // Every call of this caller was answered once, in the order it was made.
            Assert.Equal(Enumerable.Range(0, callsEach).Select(i => (uint)i), session.Answered);
        }

        await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(() => CallerAsync(c)))).WaitAsync(Timeout);

        // The subscriber saw every commit once, in commit (offset) order.
        var byOffset = committed.OrderBy(c => c.Offset).Select(c => c.Text).ToList();
        Assert.Equal(byOffset, InsertedTexts(watcher));
        Assert.Equal(committed.Count, committed.Select(c => c.Offset).Distinct().Count());
    }

    [Fact]
    public async Task Calls_queued_behind_a_busy_writer_and_calls_run_inline_afterwards_keep_submission_order()
    {
        var random = Seeded();
        var watcher = await SubscribedAsync();
        for (var round = 0; round < 20; round++)
        {
            using var busy = new ManualResetEventSlim();
            var occupied = _db.Writer.RunAsync(() => busy.Wait(Timeout));
            var queued = Enumerable.Range(0, random.Next(1, 20))
                .Select(i => _db.CallReducerAsync("send_message", Text($"r{round}-q{i}"), Owner, ConnectionId.Zero))
                .ToList();
            Assert.All(queued, q => Assert.False(q.IsCompleted));
            busy.Set();
            // Inline calls race the drain loop: each runs inline only once the queue is empty, so after the queued ones.
            for (var i = 0; i < random.Next(1, 5); i++)
            {
                var inline = await _db.CallReducerAsync("send_message", Text($"r{round}-i{i}"), Owner, ConnectionId.Zero).WaitAsync(Timeout);
                Assert.Equal(ReducerStatus.Committed, inline.Status);
            }
            Assert.True(await occupied.WaitAsync(Timeout));
            Assert.All(await Task.WhenAll(queued).WaitAsync(Timeout), r => Assert.Equal(ReducerStatus.Committed, r.Status));
            var offsets = queued.Select(q => q.Result.Offset!.Value).ToList();
            Assert.Equal(offsets.Order(), offsets);
        }
        var texts = InsertedTexts(watcher);
        var expected = texts.OrderBy(t => t, Comparer<string>.Create(CompareRoundThenKind)).ToList();
        Assert.Equal(expected, texts);
    }

    // r{round}-q{i} before r{round}-i{j}; rounds in order; within a kind, by index.
    private static int CompareRoundThenKind(string a, string b)
    {
        static (int Round, int Kind, int Index) Parse(string s)
        {
            var dash = s.IndexOf('-', StringComparison.Ordinal);
            return (int.Parse(s[1..dash], System.Globalization.CultureInfo.InvariantCulture), s[dash + 1] == 'q' ? 0 : 1,
                int.Parse(s[(dash + 2)..], System.Globalization.CultureInfo.InvariantCulture));
        }
        return Parse(a).CompareTo(Parse(b));
    }

    [Fact]
    public async Task A_reducer_that_throws_inline_or_queued_changes_nothing_and_the_writer_keeps_serving()
    {
        var watcher = await SubscribedAsync();
        var session = new RecordingSession(Alice);
        var failedInline = await _db.CallReducerAsync("send_message", Text(""), Alice, session.ConnectionId, session, 1).WaitAsync(Timeout);
        Assert.Equal(ReducerStatus.Failed, failedInline.Status);

        using var busy = new ManualResetEventSlim();
        var occupied = _db.Writer.RunAsync(() => busy.Wait(Timeout));
        var failedQueued = _db.CallReducerAsync("send_message", Text(""), Alice, session.ConnectionId, session, 2);
        var failedNoSession = _db.CallReducerAsync("send_message", Text(""), Alice, session.ConnectionId);
        var okQueued = _db.CallReducerAsync("send_message", Text("after failures"), Alice, session.ConnectionId, session, 3);
        busy.Set();
        await occupied.WaitAsync(Timeout);
        Assert.Equal(ReducerStatus.Failed, (await failedQueued.WaitAsync(Timeout)).Status);
        Assert.Equal(ReducerStatus.Failed, (await failedNoSession.WaitAsync(Timeout)).Status);
        Assert.Equal(ReducerStatus.Committed, (await okQueued.WaitAsync(Timeout)).Status);
        var ok = await _db.CallReducerAsync("send_message", Text("inline after"), Alice, session.ConnectionId, session, 4).WaitAsync(Timeout);
        Assert.Equal(ReducerStatus.Committed, ok.Status);

        Assert.Equal(["after failures", "inline after"], InsertedTexts(watcher));
        Assert.Equal([1u, 2u, 3u, 4u], session.Answered);
        var rows = Assert.Single(await _db.ExecuteSqlAsync("SELECT * FROM message", Owner, ConnectionId.Zero).WaitAsync(Timeout)).Rows;
        Assert.Equal(2, rows.Count);
    }

    [Fact]
    public async Task Work_submitted_from_a_writer_item_runs_after_it_and_nothing_waits_on_itself()
    {
        // A writer item that submits a call: the call is queued (the writer is busy), not run inside the item.
        Task<ReducerCallResult>? inner = null;
        var sawIncomplete = await _db.Writer.RunAsync(() =>
        {
            inner = _db.CallReducerAsync("send_message", Text("from the writer"), Owner, ConnectionId.Zero);
            return !inner.IsCompleted;
        }).WaitAsync(Timeout);
        Assert.True(sawIncomplete);
        Assert.Equal(ReducerStatus.Committed, (await inner!.WaitAsync(Timeout)).Status);
    }

    [Fact]
    public async Task A_caller_with_a_synchronization_context_never_runs_module_code_and_resumes_on_its_context()
    {
        var watcher = await SubscribedAsync();
        var context = new CountingContext();
        var session = new RecordingSession(Alice);
        var callerThread = -1;
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            SynchronizationContext.SetSynchronizationContext(context);
            callerThread = Environment.CurrentManagedThreadId;
            var call = _db.CallReducerAsync("send_message", Text("from a UI thread"), Alice, session.ConnectionId, session, 7);
            // The continuation is posted to the caller's context, which here runs it on the pool.
            call.ContinueWith(
                t => done.TrySetResult(t.Result.Status == ReducerStatus.Committed ? context.Posts : -1),
                CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.FromCurrentSynchronizationContext());
        });
        thread.Start();
        Assert.True(thread.Join(Timeout));
        Assert.True(await done.Task.WaitAsync(Timeout) >= 1);
        // The answer was delivered by the pipeline, not on the caller's thread.
        Assert.Equal([7u], session.Answered);
        Assert.DoesNotContain(callerThread, session.Threads);
        Assert.Equal(["from a UI thread"], InsertedTexts(watcher));
    }

    [Fact]
    public async Task Disposing_with_queued_calls_completes_or_refuses_each_and_never_hangs()
    {
        var random = Seeded();
        for (var round = 0; round < 10; round++)
        {
            await using var db = await OpenAsync();
            var watcher = new FakeSession(Alice);
            await db.SubscribeAsync(watcher, 1, 1, ["SELECT * FROM message"]).WaitAsync(Timeout);
            using var busy = new ManualResetEventSlim();
            var occupied = db.Writer.RunAsync(() => busy.Wait(Timeout));
            var calls = new List<Task<ReducerCallResult>>();
            for (var i = 0; i < random.Next(1, 50); i++)
                calls.Add(db.CallReducerAsync("send_message", Text($"q{i}"), Owner, ConnectionId.Zero, watcher, (uint)i));
            // Callers keep calling from other threads while the database closes.
            using var stop = new CancellationTokenSource();
            var racing = Enumerable.Range(0, 2).Select(t => Task.Run(async () =>
            {
                var outcomes = new List<string>();
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        var r = await db.CallReducerAsync("send_message", Text($"t{t}"), Owner, ConnectionId.Zero).WaitAsync(Timeout);
                        outcomes.Add(r.Status.ToString());
                    }
                    catch (DatabaseClosedException)
                    {
                        outcomes.Add("closed");
                        break;
                    }
                }
                return outcomes;
            })).ToList();
            var disposing = db.DisposeAsync().AsTask();
            if (random.Next(2) == 0)
                await Task.Delay(random.Next(3));
            busy.Set();
            await disposing.WaitAsync(Timeout);
            stop.Cancel();
            foreach (var outcomes in await Task.WhenAll(racing).WaitAsync(Timeout))
                Assert.All(outcomes, o => Assert.True(o is "Committed" or "closed", o));
            Assert.True(await occupied.WaitAsync(Timeout));
            // Queued before the database closed: each one runs and is delivered.
            foreach (var call in calls)
                Assert.Equal(ReducerStatus.Committed, (await call.WaitAsync(Timeout)).Status);
            await Assert.ThrowsAsync<DatabaseClosedException>(() => db.CallReducerAsync("send_message", Text("late"), Owner, ConnectionId.Zero));
        }
    }

    [Fact]
    public async Task Subscribing_between_commits_under_load_misses_and_repeats_nothing()
    {
        var random = Seeded();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 3).Select(t => Task.Run(async () =>
        {
            var n = 0;
            while (!stop.IsCancellationRequested)
                await _db.CallReducerAsync("send_message", Text($"w{t}-{n++}"), Owner, ConnectionId.Zero).WaitAsync(Timeout);
            return n;
        })).ToList();
        var sessions = new List<FakeSession>();
        for (var i = 0; i < 20; i++)
        {
            var session = new FakeSession(Alice);
            await _db.SubscribeAsync(session, 1, 1, ["SELECT * FROM message"]).WaitAsync(Timeout);
            sessions.Add(session);
            await Task.Delay(random.Next(3));
        }
        stop.Cancel();
        var written = (await Task.WhenAll(writers).WaitAsync(Timeout)).Sum();
        var all = Assert.Single(await _db.ExecuteSqlAsync("SELECT * FROM message", Owner, ConnectionId.Zero).WaitAsync(Timeout)).Rows;
        Assert.Equal(written, all.Count);
        var everything = all.Select(r => r[2].AsString()).Order().ToList();
        foreach (var session in sessions)
        {
            // Initial rows plus every later insert is exactly the table: no commit missed, none seen twice.
            List<string> initial;
            lock (session.Messages)
            {
                var applied = ((string, uint, uint, IReadOnlyList<TableRowsResult>))session.Messages[0];
                initial = Assert.Single(applied.Item4).Rows.Select(r => MessageText(r.Span)).ToList();
            }
            Assert.Equal(everything, initial.Concat(InsertedTexts(session)).Order().ToList());
        }
    }

    private sealed class CountingContext : SynchronizationContext
    {
        private int _posts;

        public int Posts => Volatile.Read(ref _posts);

        public override void Post(SendOrPostCallback d, object? state)
        {
            Interlocked.Increment(ref _posts);
            ThreadPool.QueueUserWorkItem(_ => d(state));
        }
    }

    // Records the request ids of the answers a caller gets, in order, and the threads they were delivered on.
    private sealed class RecordingSession(Identity identity) : IClientSession
    {
        private readonly List<uint> _answered = [];

        public ConcurrentBag<int> Threads { get; } = [];

        public List<uint> Answered
        {
            get
            {
                lock (_answered)
                    return [.. _answered];
            }
        }

        public Identity Identity { get; } = identity;

        public ConnectionId ConnectionId { get; } = ConnectionId.Random();

        public void OnSubscribeApplied(uint requestId, uint querySetId, IReadOnlyList<TableRowsResult> rows, ulong? offset)
        {
        }

        public void OnUnsubscribeApplied(uint requestId, uint querySetId, IReadOnlyList<TableRowsResult>? rows, ulong? offset)
        {
        }

        public void OnSubscriptionError(uint? requestId, uint querySetId, string message)
        {
        }

        public void OnTransactionUpdate(ulong? offset, IReadOnlyList<QuerySetDelta> querySets) => Threads.Add(Environment.CurrentManagedThreadId);

        public void OnReducerResult(uint requestId, ReducerCallResult result)
        {
            Threads.Add(Environment.CurrentManagedThreadId);
            lock (_answered)
                _answered.Add(requestId);
        }

        public void OnOneOffQueryResult(uint requestId, IReadOnlyList<TableRowsResult>? rows, string? error, ulong? offset)
        {
        }
    }
}
