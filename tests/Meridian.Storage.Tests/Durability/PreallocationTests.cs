using Meridian.Storage.Devices;
using Meridian.Storage.Log;
using Meridian.Storage.Schema;
using static Meridian.Storage.Tests.TestSchemas;

namespace Meridian.Storage.Tests.Durability;

/// <summary>The commit log writes zeros ahead of its commits, syncs commits with fdatasync, and recovery reads the zeros as free space.</summary>
public class PreallocationTests
{
    private const long Preallocation = 64 * 1024;

    private static DatastoreOptions Options(IStorageDevice device, long preallocation = Preallocation) => new()
    {
        Device = device,
        SnapshotInterval = 0,
        LogPreallocation = preallocation,
    };

    private static TableId CreateAndInsert(Datastore store, int rows, uint firstId)
    {
        TableId t;
        using (var tx = store.BeginTransaction())
        {
            t = tx.TryGetTable("person", out var s) ? s.Id : tx.CreateTable(Person());
            tx.Commit();
        }
        for (var i = 0; i < rows; i++)
        {
            using var tx = store.BeginTransaction();
            tx.Insert(t, PersonRow(firstId + (uint)i, (ulong)i, "n" + i));
            tx.Commit();
        }
        return t;
    }

    private static string Segment(MemoryStorageDevice device) => device.ListFiles().Single(n => n.EndsWith(LogFormat.Extension, StringComparison.Ordinal));

    [Fact]
    public void After_a_crash_the_zeros_written_ahead_are_a_clean_end_and_writing_goes_on()
    {
        var device = new MemoryStorageDevice();
        TableId t;
        using (var store = Datastore.Open(Options(device)))
        {
            t = CreateAndInsert(store, 10, 1);
            store.Flush();
            device.Crash(); // power loss: nothing trims the preallocated zeros
        }
        var crashed = device.ReadAllBytes(Segment(device));
        Assert.True(crashed.Length >= Preallocation, $"segment is {crashed.Length} bytes: nothing was preallocated");
        Assert.Equal(0, crashed[^1]);

        using (var store = Datastore.Open(Options(device)))
        {
            Assert.Equal(10, store.Committed.Count(t));
            Assert.Null(store.Recovery!.TruncatedTail);
            Assert.Null(store.Recovery.Repaired);
            Assert.True(device.ReadAllBytes(Segment(device)).Length < crashed.Length, "recovery left the zero tail in place");
            CreateAndInsert(store, 5, 100);
            store.Flush();
        }
        using (var store = Datastore.Open(Options(device)))
            Assert.Equal(15, store.Committed.Count(t));
    }

    [Fact]
    public void A_clean_close_cuts_the_zeros_so_the_segment_ends_at_its_last_commit()
    {
        var withZeros = new MemoryStorageDevice();
        var without = new MemoryStorageDevice();
        using (var store = Datastore.Open(Options(withZeros)))
            CreateAndInsert(store, 10, 1);
        using (var store = Datastore.Open(Options(without, preallocation: 0)))
            CreateAndInsert(store, 10, 1);
        var a = withZeros.ReadAllBytes(Segment(withZeros));
        var b = without.ReadAllBytes(Segment(without));
        Assert.Equal(b.Length, a.Length);
    }

    [Fact]
    public async Task Commits_into_preallocated_space_are_synced_with_fdatasync()
    {
        var counting = new SyncCountingDevice(new MemoryStorageDevice());
        using (var store = Datastore.Open(Options(counting)))
        {
            var t = CreateAndInsert(store, 1, 1);
            store.Flush(); // the first commits zero the first stretch (a full fsync)
            var (fullBefore, dataBefore) = (counting.FullSyncs, counting.DataSyncs);
            for (var i = 0; i < 20; i++)
            {
                using var tx = store.BeginTransaction();
                tx.Insert(t, PersonRow(500 + (uint)i, 1, "x"));
                var offset = tx.Commit().Offset!.Value;
                await store.WaitForDurableAsync(offset);
            }
            // 20 commits of ~60 bytes fit in 64 KiB of zeros: none needs a new stretch or a full fsync.
            Assert.Equal(fullBefore, counting.FullSyncs);
            Assert.True(counting.DataSyncs - dataBefore >= 20, $"{counting.DataSyncs - dataBefore} data syncs for 20 waited commits");
        }
    }

    [Fact]
    public void A_commit_larger_than_the_preallocation_grows_the_segment_and_recovers()
    {
        var device = new MemoryStorageDevice();
        TableId t;
        using (var store = Datastore.Open(Options(device, preallocation: 256)))
        {
            using (var tx = store.BeginTransaction())
            {
                t = tx.CreateTable(Person());
                for (var i = 0; i < 200; i++)
                    tx.Insert(t, PersonRow((uint)i, (ulong)i, new string('y', 40)));
                tx.Commit();
            }
            store.Flush();
            device.Crash();
        }
        using var reopened = Datastore.Open(Options(device, preallocation: 256));
        Assert.Equal(200, reopened.Committed.Count(t));
        Assert.Null(reopened.Recovery!.TruncatedTail);
    }

    [Fact]
    public void A_torn_commit_inside_the_zeros_is_cut_as_a_torn_tail()
    {
        var device = new MemoryStorageDevice();
        TableId t;
        using (var store = Datastore.Open(Options(device)))
        {
            t = CreateAndInsert(store, 4, 1);
        }
        // A clean close ends the segment at its last commit; after it go 20 bytes of a commit (as a torn
        // write leaves them) and then zeros written ahead.
        var name = Segment(device);
        var bytes = device.ReadAllBytes(name);
        device.WriteAllBytes(name, [.. bytes, .. bytes.AsSpan(bytes.Length - 40, 20), .. new byte[4096]]);
        using var reopened = Datastore.Open(Options(device));
        Assert.Equal(4, reopened.Committed.Count(t));
        Assert.NotNull(reopened.Recovery!.TruncatedTail);
    }

    private sealed class SyncCountingDevice(IStorageDevice inner) : IStorageDevice
    {
        private int _full;
        private int _data;

        public int FullSyncs => Volatile.Read(ref _full);

        public int DataSyncs => Volatile.Read(ref _data);

        public IReadOnlyList<string> ListFiles() => inner.ListFiles();

        public bool Exists(string name) => inner.Exists(name);

        public IStorageFile Open(string name, bool create) => new File(this, inner.Open(name, create));

        public void Delete(string name) => inner.Delete(name);

        public void Rename(string from, string to) => inner.Rename(from, to);

        public void SyncDirectory() => inner.SyncDirectory();

        private sealed class File(SyncCountingDevice device, IStorageFile file) : IStorageFile
        {
            public long Length => file.Length;

            public int Read(long position, Span<byte> buffer) => file.Read(position, buffer);

            public void Write(long position, ReadOnlySpan<byte> data) => file.Write(position, data);

            public void Sync()
            {
                Interlocked.Increment(ref device._full);
                file.Sync();
            }

            public void SyncData()
            {
                Interlocked.Increment(ref device._data);
                file.SyncData();
            }

            public void SetLength(long length) => file.SetLength(length);

            public void Dispose() => file.Dispose();
        }
    }
}
