using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using Meridian.Storage.Devices;
using Meridian.Storage.Log;
using Meridian.Storage.Schema;

namespace Meridian.Storage.Tests.Durability;

/// <summary>
/// <see cref="Datastore.OnDurable"/>: a callback instead of a task per durability wait. It runs once, when the offset is
/// durable (and not before), or with the failure; it hurries an async fsync; it is never called for an offset already durable.
/// Also the wake-up rules of the log's thread that these waits and unwaited commits rely on.
/// </summary>
public class DurableCallbackTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20); // liveness bound only: a healthy run takes milliseconds

    private static readonly TableSchema Schema = new(
        "kv", AlgebraicType.Product(("k", AlgebraicType.U32), ("v", AlgebraicType.U64)), primaryKey: 0);

    private static byte[] Row(uint k, ulong v)
    {
        var w = new BsatnWriter();
        w.WriteU32(k);
        w.WriteU64(v);
        return w.ToArray();
    }

    private static ulong Insert(Datastore store, uint key)
    {
        using var tx = store.BeginTransaction();
        tx.Insert(new TableId(0), Row(key, key));
        return tx.Commit().Offset!.Value;
    }

    private static Datastore Open(IStorageDevice device, DurabilityMode mode, TimeSpan? interval = null)
    {
        var store = Datastore.Open(new DatastoreOptions
        {
            Device = device, Durability = mode, SnapshotInterval = 0, AsyncSyncInterval = interval ?? TimeSpan.FromMilliseconds(10),
        });
        using var tx = store.BeginTransaction();
        tx.CreateTable(Schema);
        store.WaitForDurable(tx.Commit().Offset!.Value);
        return store;
    }

    /// <summary>What one callback saw.</summary>
    private sealed class Observed
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public Exception? Failure { get; private set; }
        public object? State { get; private set; }
        public ulong? DurableWhenCalled { get; private set; }
        public int Calls => Volatile.Read(ref _calls);

        public Action<object?, Exception?> Callback(Datastore store) => (state, failure) =>
        {
            DurableWhenCalled = store.DurableOffset;
            State = state;
            Failure = failure;
            Interlocked.Increment(ref _calls);
            _done.TrySetResult();
        };

        public void AssertCalled()
        {
            Assert.True(_done.Task.Wait(Patience), "the callback was not called");
        }
    }

    [Theory]
    [InlineData(DurabilityMode.Sync)]
    [InlineData(DurabilityMode.Async)]
    public void The_callback_runs_once_the_offset_is_durable_with_its_state(DurabilityMode mode)
    {
        var memory = new MemoryStorageDevice();
        using var store = Open(memory, mode);
        var offset = Insert(store, 1);
        var observed = new Observed();
        var state = new object();
        var registered = store.OnDurable(offset, observed.Callback(store), state);
        if (registered)
        {
            observed.AssertCalled();
            Assert.Null(observed.Failure);
            Assert.Same(state, observed.State);
            Assert.True(observed.DurableWhenCalled >= offset, $"called at durable offset {observed.DurableWhenCalled}, before {offset}");
        }
        else
        {
            Assert.True(store.DurableOffset >= offset); // it may have been written meanwhile: then it is not registered
        }
        // Never for an offset already durable, and exactly once.
        store.WaitForDurable(offset);
        var late = new Observed();
        Assert.False(store.OnDurable(offset, late.Callback(store), null));
        store.Flush();
        Thread.Sleep(50);
        Assert.Equal(0, late.Calls);
        Assert.Equal(registered ? 1 : 0, observed.Calls);
    }

    [Fact]
    public void In_async_mode_the_callback_hurries_the_fsync()
    {
        // An interval far longer than the test's patience: only the hurried fsync can make it durable in time.
        var memory = new MemoryStorageDevice();
        using var store = Open(memory, DurabilityMode.Async, interval: TimeSpan.FromHours(1));
        var offset = Insert(store, 1);
        var observed = new Observed();
        Assert.True(store.OnDurable(offset, observed.Callback(store), null), "an hour-long interval cannot have synced it yet");
        observed.AssertCalled();
        Assert.Null(observed.Failure);
        Assert.True(store.DurableOffset >= offset);
    }

    [Fact]
    public void Callbacks_may_register_again_and_a_throwing_one_does_not_stop_the_log()
    {
        var memory = new MemoryStorageDevice();
        using var store = Open(memory, DurabilityMode.Async, interval: TimeSpan.FromHours(1));
        var thrown = 0;
        var first = Insert(store, 1);
        Assert.True(store.OnDurable(first, (_, _) =>
        {
            Interlocked.Increment(ref thrown);
            throw new InvalidOperationException("a buggy callback");
        }, null));

        // A chain: each callback commits the next transaction and registers for it, from the log's own thread.
        const int links = 20;
        var done = new ManualResetEventSlim();
        var seen = new List<ulong>();
        Exception? chainFailure = null;
        Action<object?, Exception?>? next = null;
        next = (state, failure) =>
        {
            if (failure is not null)
            {
                chainFailure = failure;
                done.Set();
                return;
            }
            var offset = (ulong)state!;
            lock (seen)
                seen.Add(offset);
            if (seen.Count == links)
            {
                done.Set();
                return;
            }
            var following = Insert(store, (uint)(100 + seen.Count));
            if (!store.OnDurable(following, next!, following))
                next!(following, null);
        };
        var start = Insert(store, 2);
        if (!store.OnDurable(start, next, start))
            next(start, null);
        Assert.True(done.Wait(Patience), $"the chain stopped after {seen.Count} links");
        Assert.Null(chainFailure);
        Assert.Equal(1, Volatile.Read(ref thrown));
        Assert.Null(store.Failure);
        Assert.Equal(seen.Order().ToList(), seen);
    }

    [Fact]
    public void A_failed_log_fails_the_registered_callbacks_and_refuses_new_ones()
    {
        var memory = new MemoryStorageDevice();
        var fault = new FaultInjectingDevice(memory);
        using var store = Datastore.Open(new DatastoreOptions
        {
            Device = fault, Durability = DurabilityMode.Async, AsyncSyncInterval = TimeSpan.FromHours(1), SnapshotInterval = 0, LogPreallocation = 0,
        });
        using (var tx = store.BeginTransaction())
        {
            tx.CreateTable(Schema);
            store.WaitForDurable(tx.Commit().Offset!.Value);
        }
        fault.FailSyncs = true;
        var offset = Insert(store, 1);
        var observed = new Observed();
        Assert.True(store.OnDurable(offset, observed.Callback(store), null));
        observed.AssertCalled();
        Assert.IsType<DatastoreFailedException>(observed.Failure);
        Assert.Equal(1, observed.Calls);
        Assert.Throws<DatastoreFailedException>(() => store.OnDurable(offset + 1, observed.Callback(store), null));
    }

    [Fact]
    public void An_in_memory_datastore_never_registers()
    {
        using var store = Datastore.CreateInMemory();
        using (var tx = store.BeginTransaction())
        {
            tx.CreateTable(Schema);
            tx.Commit();
        }
        var offset = Insert(store, 1);
        Assert.False(store.OnDurable(offset, (_, _) => throw new InvalidOperationException("must not run"), null));
    }

    [Fact]
    public void In_sync_mode_commits_nobody_waits_for_still_become_durable()
    {
        // The log's thread is not woken per commit in sync mode (the committer usually writes its own commit); it takes
        // commits left in the queue after a short delay. Nothing here waits or flushes.
        var memory = new MemoryStorageDevice();
        using var store = Open(memory, DurabilityMode.Sync);
        Thread.Sleep(CommitLog.ActiveSpan * 3); // let the log's thread go to sleep: the first commit must wake it
        ulong last = 0;
        for (uint k = 0; k < 10; k++)
            last = Insert(store, k);
        var deadline = DateTime.UtcNow + Patience;
        while (!(store.DurableOffset >= last) && DateTime.UtcNow < deadline)
            Thread.Sleep(1);
        Assert.True(store.DurableOffset >= last, $"durable offset {store.DurableOffset}, last commit {last}");
    }

    [Fact]
    public void In_sync_mode_a_long_queue_wakes_the_log_and_a_full_one_pushes_back()
    {
        var memory = new MemoryStorageDevice();
        var store = Datastore.Open(new DatastoreOptions
        {
            Device = memory, Durability = DurabilityMode.Sync, SnapshotInterval = 0, MaxQueuedCommits = 8,
        });
        using (var tx = store.BeginTransaction())
        {
            tx.CreateTable(Schema);
            tx.Commit();
        }
        ulong last = 0;
        for (uint k = 0; k < 2_000; k++)
            last = Insert(store, k);
        store.Flush();
        Assert.True(store.DurableOffset >= last);
        store.Dispose();
        memory.Crash();
        using var recovered = Datastore.Open(new DatastoreOptions { Device = memory });
        Assert.Equal(2_000, recovered.Committed.ReadAll(new TableId(0)).Count);
    }
}
