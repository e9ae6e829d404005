using Meridian.Storage.Changesets;
using Meridian.Storage.Devices;
using Meridian.Storage.Log;
using Meridian.Storage.Schema;
using static Meridian.Storage.Tests.TestSchemas;

namespace Meridian.Storage.Tests.Durability;

/// <summary>The commit log's durable append behind <see cref="IDurableLog"/>: a layer sees every commit in order and decides durability.</summary>
public class DurableLogLayerTests
{
    // Forwards to the local log, records what it is given, and holds durability until released
    // (what a replicated log does until replicas confirm).
    private sealed class HoldingLayer(IDurableLog local) : IDurableLog
    {
        private readonly object _lock = new();
        private readonly List<(ulong Offset, TaskCompletionSource Done)> _waiters = [];
        private long _released = -1;

        public List<ulong> Appended { get; } = [];

        public void Release(ulong offset)
        {
            List<TaskCompletionSource> ready;
            lock (_lock)
            {
                _released = (long)offset;
                ready = _waiters.Where(w => w.Offset <= offset).Select(w => w.Done).ToList();
                _waiters.RemoveAll(w => w.Offset <= offset);
            }
            foreach (var r in ready)
                r.TrySetResult();
        }

        public void Append(Changeset changeset)
        {
            lock (_lock)
                Appended.Add(changeset.Offset!.Value);
            local.Append(changeset);
        }

        public ulong? DurableOffset
        {
            get
            {
                lock (_lock)
                    return _released < 0 || local.DurableOffset is not { } d ? null : Math.Min((ulong)_released, d);
            }
        }

        public Exception? Failure => local.Failure;

        public void ThrowIfFailed() => local.ThrowIfFailed();

        public async Task WaitForDurableAsync(ulong offset, CancellationToken cancellationToken = default)
        {
            await local.WaitForDurableAsync(offset, cancellationToken);
            Task held;
            lock (_lock)
            {
                if (_released >= (long)offset)
                    return;
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((offset, done));
                held = done.Task;
            }
            await held.WaitAsync(cancellationToken);
        }

        public void Flush() => local.Flush();

        public void Dispose() => local.Dispose();
    }

    [Fact]
    public async Task A_layer_over_the_local_log_sees_every_commit_in_order_and_decides_when_it_is_durable()
    {
        HoldingLayer? layer = null;
        var device = new MemoryStorageDevice();
        using (var store = Datastore.Open(new DatastoreOptions { Device = device, DurableLog = local => layer = new HoldingLayer(local) }))
        {
            Assert.NotNull(layer);
            TableId t;
            using (var tx = store.BeginTransaction())
            {
                t = tx.CreateTable(Person());
                tx.Commit();
            }
            for (uint i = 1; i <= 3; i++)
            {
                using var tx = store.BeginTransaction();
                tx.Insert(t, PersonRow(i, i, "p" + i));
                tx.Commit();
            }
            Assert.Equal([0ul, 1, 2, 3], layer.Appended);

            var waiting = store.WaitForDurableAsync(3);
            store.Flush(); // the local log has it on disk...
            await Task.Delay(50);
            Assert.False(waiting.IsCompleted); // ...but the layer has not confirmed it
            Assert.Null(store.DurableOffset);

            layer.Release(2);
            Assert.Equal(2ul, store.DurableOffset);
            Assert.False(waiting.IsCompleted);
            layer.Release(3);
            await waiting.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(3ul, store.DurableOffset);
        }

        // What the local log wrote is what recovery reads.
        using var reopened = Datastore.Open(new DatastoreOptions { Device = device });
        Assert.Equal(3, reopened.Committed.Count(reopened.Committed.GetTable("person").Id));
    }
}
