using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using Meridian.Storage.Devices;
using Meridian.Storage.Log;
using Meridian.Storage.Schema;

namespace Meridian.Storage.Tests.Durability;

/// <summary>
/// Sync mode's <see cref="Datastore.WaitForDurable"/>: the waiting thread may write and fdatasync the queued commits
/// itself. Whichever thread does it, a commit it returned for survives power loss, and commits stay in order.
/// </summary>
public class CallerSyncTests
{
    private static readonly TableSchema Schema = new(
        "kv", AlgebraicType.Product(("k", AlgebraicType.U32), ("v", AlgebraicType.U64)), primaryKey: 0);

    private static byte[] Row(uint k, ulong v)
    {
        var w = new BsatnWriter();
        w.WriteU32(k);
        w.WriteU64(v);
        return w.ToArray();
    }

    [Fact]
    public void Commits_waited_for_from_several_threads_survive_power_loss_in_order()
    {
        var memory = new MemoryStorageDevice();
        var recording = new SyncThreadRecorder(memory);
        const int threads = 4;
        const int perThread = 60;
        var durableSeen = new List<(ulong Offset, uint Key)>();
        using (var store = Datastore.Open(new DatastoreOptions { Device = recording, Durability = DurabilityMode.Sync, SnapshotInterval = 0 }))
        {
            using (var tx = store.BeginTransaction())
            {
                tx.CreateTable(Schema);
                store.WaitForDurable(tx.Commit().Offset!.Value);
            }
            var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                for (var i = 0; i < perThread; i++)
                {
                    var key = (uint)(t * perThread + i);
                    ulong offset;
                    using (var tx = store.BeginTransaction())
                    {
                        tx.Insert(new TableId(0), Row(key, key * 3UL));
                        offset = tx.Commit().Offset!.Value;
                    }
                    store.WaitForDurable(offset);
                    Assert.True(store.DurableOffset >= offset, $"WaitForDurable({offset}) returned at durable offset {store.DurableOffset}");
                    lock (durableSeen)
                        durableSeen.Add((offset, key));
                }
            }) { Name = "committer " + t }).ToList();
            workers.ForEach(w => w.Start());
            workers.ForEach(w => w.Join());
        }
        Assert.Equal(threads * perThread, durableSeen.Count);
        Assert.Contains(recording.SyncThreads, name => name is not null && name.StartsWith("committer ", StringComparison.Ordinal));

        memory.Crash(); // everything not synced is lost
        using var recovered = Datastore.Open(new DatastoreOptions { Device = memory });
        var rows = recovered.Committed.ReadAll(new TableId(0)).Select(Convert.ToHexString).ToHashSet();
        foreach (var (offset, key) in durableSeen)
            Assert.True(rows.Contains(Convert.ToHexString(Row(key, key * 3UL))), $"row {key} committed at offset {offset} was lost");
        Assert.Equal((ulong)(1 + threads * perThread), recovered.NextOffset);
    }

    [Fact]
    public void A_failed_fdatasync_on_the_waiting_thread_fails_the_wait_and_the_log()
    {
        var memory = new MemoryStorageDevice();
        var fault = new FaultInjectingDevice(memory);
        ulong lastDurable = 0;
        var store = Datastore.Open(new DatastoreOptions { Device = fault, Durability = DurabilityMode.Sync, SnapshotInterval = 0, LogPreallocation = 0 });
        try
        {
            using (var tx = store.BeginTransaction())
            {
                tx.CreateTable(Schema);
                store.WaitForDurable(tx.Commit().Offset!.Value);
            }
            fault.FailSyncNumber = fault.Syncs + 3;
            DatastoreFailedException? failure = null;
            for (uint k = 0; k < 20 && failure is null; k++)
            {
                try
                {
                    using var tx = store.BeginTransaction();
                    tx.Insert(new TableId(0), Row(k, k));
                    var offset = tx.Commit().Offset!.Value;
                    store.WaitForDurable(offset);
                    lastDurable = offset;
                }
                catch (DatastoreFailedException e)
                {
                    failure = e;
                }
            }
            Assert.NotNull(failure);
            Assert.NotNull(store.Failure);
            Assert.Throws<DatastoreFailedException>(() => store.BeginTransaction().Commit());
        }
        finally
        {
            store.Dispose();
        }
        memory.Crash();
        using var recovered = Datastore.Open(new DatastoreOptions { Device = memory });
        Assert.True(recovered.NextOffset > lastDurable, $"offset {lastDurable} was reported durable but recovery ends at {(long)recovered.NextOffset - 1}");
    }

    [Fact]
    public void A_committer_that_syncs_itself_leaves_zeroing_ahead_to_the_log_thread()
    {
        // Zeroing the next stretch is a full fsync of megabytes: the committer whose commit was durable must not wait for it.
        var memory = new MemoryStorageDevice();
        var recording = new SyncThreadRecorder(memory);
        const int commits = 6_000; // about 70 bytes each: a dozen 32 KiB half-stretches
        var committer = new Thread(() =>
        {
            using var store = Datastore.Open(new DatastoreOptions
            {
                Device = recording, Durability = DurabilityMode.Sync, SnapshotInterval = 0, LogPreallocation = 64 << 10,
            });
            using (var tx = store.BeginTransaction())
            {
                tx.CreateTable(Schema);
                store.WaitForDurable(tx.Commit().Offset!.Value);
            }
            for (uint k = 0; k < commits; k++)
            {
                using var tx = store.BeginTransaction();
                tx.Insert(new TableId(0), Row(k, k));
                store.WaitForDurable(tx.Commit().Offset!.Value);
            }
        }) { Name = "committer" };
        committer.Start();
        committer.Join();
        Assert.Contains("committer", recording.SyncThreads); // it did sync its own commits
        var zeroing = recording.FullSyncThreads;
        var byLogThread = zeroing.Count(name => name == "Meridian commit log");
        var byCommitter = zeroing.Count(name => name == "committer");
        // The committer still zeroes the segment's first stretch (its first write needs it), the close (cutting the zeros
        // off) and a stretch its commits outran before the log thread got the lock; before, it zeroed every stretch.
        Assert.True(byLogThread >= 3 && byLogThread > byCommitter, $"the log thread zeroed {byLogThread} times, the committer {byCommitter}");
        using var recovered = Datastore.Open(new DatastoreOptions { Device = memory });
        Assert.Equal(commits, recovered.Committed.ReadAll(new TableId(0)).Count);
    }

    /// <summary>A device that records which thread made each data sync.</summary>
    private sealed class SyncThreadRecorder(IStorageDevice inner) : IStorageDevice
    {
        private readonly List<string?> _syncThreads = [];
        private readonly List<string?> _fullSyncThreads = []; // full fsyncs: the preallocated zeros (and segment ends)

        public IReadOnlyList<string?> FullSyncThreads
        {
            get
            {
                lock (_syncThreads)
                    return _fullSyncThreads.ToList();
            }
        }

        public IReadOnlyList<string?> SyncThreads
        {
            get
            {
                lock (_syncThreads)
                    return _syncThreads.ToList();
            }
        }

        public IReadOnlyList<string> ListFiles() => inner.ListFiles();

        public bool Exists(string name) => inner.Exists(name);

        public IStorageFile Open(string name, bool create) => new File(inner.Open(name, create), this);

        public void Delete(string name) => inner.Delete(name);

        public void Rename(string from, string to) => inner.Rename(from, to);

        public void SyncDirectory() => inner.SyncDirectory();

        private sealed class File(IStorageFile file, SyncThreadRecorder owner) : IStorageFile
        {
            public long Length => file.Length;

            public int Read(long position, Span<byte> buffer) => file.Read(position, buffer);

            public void Write(long position, ReadOnlySpan<byte> data) => file.Write(position, data);

            public void Sync()
            {
                lock (owner._syncThreads)
                    owner._fullSyncThreads.Add(Thread.CurrentThread.Name);
                file.Sync();
            }

            public void SyncData()
            {
                lock (owner._syncThreads)
                    owner._syncThreads.Add(Thread.CurrentThread.Name);
                file.SyncData();
            }

            public void SetLength(long length) => file.SetLength(length);

            public void Dispose() => file.Dispose();
        }
    }
}
