using Meridian.Sats;
using Meridian.Storage.Changesets;
using Meridian.Storage.Devices;
using Meridian.Storage.History;
using Meridian.Storage.Log;
using Meridian.Storage.Schema;
using static Meridian.Storage.Tests.TestSchemas;

namespace Meridian.Storage.Tests.Durability;

public class DurabilityTests
{
    private static DatastoreOptions Options(IStorageDevice device, long maxSegment = 1 << 30, ulong snapshotEvery = 0, bool repair = false) => new()
    {
        Device = device,
        MaxSegmentSize = maxSegment,
        SnapshotInterval = snapshotEvery,
        TruncateCorruptLog = repair,
    };

    private static TableId Seed(Datastore store, int rows, uint firstId = 1000)
    {
        TableId t;
        using (var tx = store.BeginTransaction())
        {
            t = tx.TryGetTable("person", out var s) ? s.Id : tx.CreateTable(Person(autoInc: true));
            tx.Commit();
        }
        for (var i = 0; i < rows; i++)
        {
            using var tx = store.BeginTransaction();
            tx.Insert(t, PersonRow(firstId + (uint)i + 1, (ulong)i, "n" + i));
            tx.Commit(new TransactionCall("add", new byte[] { (byte)i }, new Identity(7), new ConnectionId(9), new Timestamp(1000 + i)));
        }
        return t;
    }

    private static List<(uint, ulong, string)> Rows(Datastore store, TableId t) =>
        store.Committed.ReadAll(t).Select(r => ReadPerson(r)).OrderBy(r => r.Id).ToList();

    [Fact]
    public void Reopening_replays_the_log_with_schema_rows_and_sequences()
    {
        var device = new MemoryStorageDevice();
        List<(uint, ulong, string)> expected;
        TableId t;
        using (var store = Datastore.Open(Options(device)))
        {
            t = Seed(store, 20);
            using (var tx = store.BeginTransaction())
            {
                Assert.True(tx.Delete(t, PersonRow(1003, 2, "n2")));
                tx.Update(t, 0, PersonRow(1004, 100, "changed"));
                tx.Insert(t, PersonRow(0, 5, "auto"));
                tx.Commit();
            }
            store.Flush();
            Assert.Equal(store.NextOffset - 1, store.DurableOffset);
            expected = Rows(store, t);
        }
        using (var reopened = Datastore.Open(Options(device)))
        {
            Assert.Equal(expected, Rows(reopened, t));
            Assert.Equal(22ul, reopened.Recovery!.ReplayedTransactions);
            using var tx = reopened.BeginTransaction();
            // The sequence continues after the value handed out before the restart.
            Assert.Equal(2u, ReadPerson(tx.Insert(t, PersonRow(0, 1, "again"))).Id);
        }
    }

    [Fact]
    public void File_device_round_trip()
    {
        var dir = Path.Combine(Path.GetTempPath(), "meridian-storage-" + Guid.NewGuid().ToString("N"));
        try
        {
            TableId t;
            List<(uint, ulong, string)> expected;
            using (var store = Datastore.Open(Options(new FileStorageDevice(dir), maxSegment: 2048)))
            {
                t = Seed(store, 50);
                store.Flush();
                store.TakeSnapshot();
                Seed(store, 10, 5000);
                store.Flush();
                expected = Rows(store, t);
            }
            Assert.True(Directory.GetFiles(dir, "*.mlog").Length > 1);
            using var reopened = Datastore.Open(Options(new FileStorageDevice(dir), maxSegment: 2048));
            Assert.Equal(expected, Rows(reopened, t));
            Assert.Equal(50ul, reopened.Recovery!.SnapshotOffset);
            Assert.Equal(10ul, reopened.Recovery.ReplayedTransactions);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Torn_tail_is_cut_at_the_last_whole_commit()
    {
        var device = new MemoryStorageDevice();
        TableId t;
        using (var store = Datastore.Open(Options(device)))
        {
            t = Seed(store, 5);
            store.Flush();
        }
        var segment = device.ListFiles().Single(n => n.EndsWith(".mlog", StringComparison.Ordinal));
        var bytes = device.ReadAllBytes(segment);
        // Drop the last 7 bytes: the last commit is now partial.
        device.WriteAllBytes(segment, bytes[..^7]);
        using (var store = Datastore.Open(Options(device)))
        {
            Assert.Equal(4, store.Committed.Count(t));
            Assert.NotNull(store.Recovery!.TruncatedTail);
            Assert.Contains(segment, store.Recovery.TruncatedTail);
            // Writing continues after the cut.
            using var tx = store.BeginTransaction();
            tx.Insert(t, PersonRow(77, 7, "after"));
            tx.Commit();
            store.Flush();
        }
        using (var store = Datastore.Open(Options(device)))
        {
            Assert.Equal(5, store.Committed.Count(t));
            Assert.Null(store.Recovery!.TruncatedTail);
        }
    }

    [Fact]
    public void Garbage_after_the_last_commit_is_a_torn_tail()
    {
        var device = new MemoryStorageDevice();
        TableId t;
        using (var store = Datastore.Open(Options(device)))
        {
            t = Seed(store, 3);
            store.Flush();
        }
        var segment = device.ListFiles().Single(n => n.EndsWith(".mlog", StringComparison.Ordinal));
        // Not zeros: an all-zero tail is space the log preallocated (PreallocationTests).
        device.WriteAllBytes(segment, [.. device.ReadAllBytes(segment), .. Enumerable.Repeat((byte)0x5A, 100)]);
        using var reopened = Datastore.Open(Options(device));
        Assert.Equal(3, reopened.Committed.Count(t));
        Assert.Contains("100 byte(s)", reopened.Recovery!.TruncatedTail);
    }

    [Fact]
    public void Corruption_in_the_middle_stops_start_up_naming_file_and_offset_until_repair_is_asked()
    {
        var device = new MemoryStorageDevice();
        TableId t;
        using (var store = Datastore.Open(Options(device)))
        {
            t = Seed(store, 10);
            store.Flush();
        }
        var segment = device.ListFiles().Single(n => n.EndsWith(".mlog", StringComparison.Ordinal));
        var bytes = device.ReadAllBytes(segment);
        var position = bytes.Length / 2;
        bytes[position] ^= 0x40;
        device.WriteAllBytes(segment, bytes);
        var e = Assert.Throws<StorageCorruptionException>(() => Datastore.Open(Options(device)));
        Assert.Equal(segment, e.File);
        Assert.True(e.Offset <= position && e.Offset > 10);
        Assert.Contains(segment, e.Message);

        using var repaired = Datastore.Open(Options(device, repair: true));
        Assert.NotNull(repaired.Recovery!.Repaired);
        Assert.True(repaired.Committed.Count(t) < 10);
    }

    [Fact]
    public void Corruption_in_an_older_segment_is_fatal()
    {
        var device = new MemoryStorageDevice();
        using (var store = Datastore.Open(Options(device, maxSegment: 1024)))
        {
            Seed(store, 30);
            store.Flush();
        }
        var segments = device.ListFiles().Where(n => n.EndsWith(".mlog", StringComparison.Ordinal)).ToList();
        Assert.True(segments.Count >= 3);
        var bytes = device.ReadAllBytes(segments[1]);
        bytes[^3] ^= 1;
        device.WriteAllBytes(segments[1], bytes);
        var e = Assert.Throws<StorageCorruptionException>(() => Datastore.Open(Options(device, maxSegment: 1024)));
        Assert.Equal(segments[1], e.File);
    }

    [Fact]
    public void A_bad_snapshot_is_skipped_and_the_log_is_replayed()
    {
        var device = new MemoryStorageDevice();
        TableId t;
        using (var store = Datastore.Open(Options(device)))
        {
            t = Seed(store, 10);
            store.Flush();
            var name = store.TakeSnapshot();
            var bytes = device.ReadAllBytes(name);
            bytes[40] ^= 0xFF;
            device.WriteAllBytes(name, bytes);
        }
        using var reopened = Datastore.Open(Options(device));
        Assert.Equal(10, reopened.Committed.Count(t));
        Assert.Null(reopened.Recovery!.SnapshotOffset);
        Assert.Contains("checksum", Assert.Single(reopened.Recovery.SkippedSnapshots));
    }

    [Fact]
    public void Snapshots_are_taken_every_n_transactions_and_used_on_recovery()
    {
        var device = new MemoryStorageDevice();
        TableId t;
        using (var store = Datastore.Open(Options(device, snapshotEvery: 25)))
        {
            t = Seed(store, 60);
            store.Flush();
        }
        Assert.Contains(device.ListFiles(), n => n.EndsWith(".msnap", StringComparison.Ordinal));
        using var reopened = Datastore.Open(Options(device, snapshotEvery: 25));
        Assert.Equal(60, reopened.Committed.Count(t));
        Assert.NotNull(reopened.Recovery!.SnapshotOffset);
        Assert.True(reopened.Recovery.ReplayedTransactions < 60);
    }

    [Fact]
    public void A_snapshot_newer_than_the_log_is_ignored()
    {
        var device = new MemoryStorageDevice();
        TableId t;
        using (var store = Datastore.Open(Options(device)))
        {
            t = Seed(store, 10);
            store.Flush();
            store.TakeSnapshot();
        }
        // The log loses its tail (e.g. the snapshot was written before a crash lost unsynced commits).
        var segment = device.ListFiles().Single(n => n.EndsWith(".mlog", StringComparison.Ordinal));
        var bytes = device.ReadAllBytes(segment);
        device.WriteAllBytes(segment, bytes[..^30]);
        using var reopened = Datastore.Open(Options(device));
        Assert.Equal(9, reopened.Committed.Count(t));
        Assert.Contains("newer", Assert.Single(reopened.Recovery!.SkippedSnapshots));
    }

    [Fact]
    public async Task A_failed_fsync_stops_writes_with_a_clear_error_and_faults_waiters()
    {
        var fault = new FaultInjectingDevice(new MemoryStorageDevice());
        using var store = Datastore.Open(Options(fault));
        var t = Seed(store, 2);
        store.Flush();
        fault.FailSyncs = true;
        Changeset cs;
        using (var tx = store.BeginTransaction())
        {
            tx.Insert(t, PersonRow(50, 1, "x"));
            cs = tx.Commit();
        }
        var wait = store.WaitForDurableAsync(cs.Offset!.Value);
        await Assert.ThrowsAsync<DatastoreFailedException>(() => wait.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.NotNull(store.Failure);
        Assert.Throws<DatastoreFailedException>(() => store.BeginTransaction());
        Assert.True(store.DurableOffset < cs.Offset);
    }

    [Fact]
    public async Task A_failed_write_stops_writes()
    {
        var fault = new FaultInjectingDevice(new MemoryStorageDevice());
        using var store = Datastore.Open(Options(fault));
        var t = Seed(store, 1);
        store.Flush();
        fault.FailWrites = true;
        using (var tx = store.BeginTransaction())
        {
            tx.Insert(t, PersonRow(60, 1, "x"));
            var cs = tx.Commit();
            await Assert.ThrowsAsync<DatastoreFailedException>(() => store.WaitForDurableAsync(cs.Offset!.Value).WaitAsync(TimeSpan.FromSeconds(10)));
        }
        var error = Assert.Throws<DatastoreFailedException>(() => store.BeginTransaction());
        Assert.Contains("Injected fault", error.Message);
    }

    [Fact]
    public async Task Async_mode_becomes_durable_without_explicit_flush()
    {
        var device = new MemoryStorageDevice();
        using var store = Datastore.Open(
            new DatastoreOptions { Device = device, Durability = DurabilityMode.Async, AsyncSyncInterval = TimeSpan.FromMilliseconds(5) });
        Seed(store, 3);
        await store.WaitForDurableAsync(store.NextOffset - 1).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(store.NextOffset - 1, store.DurableOffset);
    }

    [Fact]
    public async Task In_async_mode_a_waiter_gets_its_fsync_at_once_and_an_observer_does_not_hurry_it()
    {
        // An interval of an hour: anything durable within the test was made so by a waiter.
        var device = new MemoryStorageDevice();
        using var store = Datastore.Open(
            new DatastoreOptions { Device = device, Durability = DurabilityMode.Async, AsyncSyncInterval = TimeSpan.FromHours(1) });
        Seed(store, 3);
        var last = store.NextOffset - 1;
        var observed = store.WhenDurableAsync(last);
        await Task.Delay(200);
        Assert.False(observed.IsCompleted);
        Assert.True(store.DurableOffset is null || store.DurableOffset < last);

        await store.WaitForDurableAsync(last).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(last, store.DurableOffset);
        await observed.WaitAsync(TimeSpan.FromSeconds(20));

        // Once no one waits (and the 10 ms after a wait, when the next waiter is expected, are over),
        // commits go back to the periodic fsync.
        await Task.Delay(100);
        Seed(store, 1, firstId: 2000);
        await Task.Delay(200);
        Assert.Equal(last, store.DurableOffset);
    }

    [Fact]
    public void History_lists_calls_and_rebuilds_past_states()
    {
        var device = new MemoryStorageDevice();
        TableId t;
        using (var store = Datastore.Open(Options(device)))
        {
            t = Seed(store, 10);
            using (var tx = store.BeginTransaction())
            {
                tx.Clear(t);
                tx.Commit();
            }
            store.Flush();
            store.TakeSnapshot();
            using (var tx = store.BeginTransaction())
            {
                tx.CommitFailure(new TransactionCall("explode", Array.Empty<byte>(), new Identity(1), default, new Timestamp(5), "kaboom"));
            }
            store.Flush();
        }
        var history = new HistoryReader(device);
        var list = history.List().ToList();
        Assert.Equal(13, list.Count);
        Assert.Equal(0ul, list[0].Offset);
        Assert.Equal("add", list[1].ReducerName);
        Assert.Equal(new Identity(7), list[1].Caller);
        Assert.Equal([("person", 1, 0)], list[1].Tables);
        Assert.Equal(("person", 0, 10), list[11].Tables.Single());
        Assert.Equal("kaboom", list[12].Error);
        var full = history.ReadTransactions(1).First();
        Assert.Equal(new byte[] { 0 }, full.Call!.Args.ToArray());
        Assert.Equal(new Timestamp(1000), full.Call.Timestamp);

        Assert.Equal(5, history.StateAt(5).Count(t));
        Assert.Equal(10, history.StateAt(10).Count(t));
        Assert.Equal(0, history.StateAt(12).Count(t));
        Assert.Throws<ArgumentOutOfRangeException>(() => history.StateAt(99));
    }

    [Fact]
    public void A_snapshot_written_to_a_stream_imports_into_a_datastore_that_continues_after_it()
    {
        var device = new MemoryStorageDevice();
        var target = new MemoryStorageDevice();
        TableId t;
        using var stream = new MemoryStream();
        using (var store = Datastore.Open(Options(device)))
        {
            t = Seed(store, 6);
            var version = store.Committed;
            Seed(store, 2, 5000); // commits after the version was taken are not in it
            Assert.Equal(version.WriteSnapshot(stream), stream.Length);
        }
        stream.Position = 0;
        var imported = Datastore.ImportSnapshot(target, stream);
        Assert.Equal(6ul, imported.LastOffset);
        Assert.Equal(6, imported.Count(t));
        using (var restored = Datastore.Open(Options(target)))
        {
            Assert.Equal(6, restored.Committed.Count(t));
            using var tx = restored.BeginTransaction();
            tx.Insert(t, PersonRow(77, 7, "after import"));
            Assert.Equal(7ul, tx.Commit().Offset);
            restored.Flush();
        }
        // The history of an imported datastore starts at its snapshot.
        var history = new HistoryReader(target);
        Assert.Equal(7, history.StateAt(7).Count(t));
        Assert.Equal(6, history.StateAt(6).Count(t));
        var before = Assert.Throws<ArgumentOutOfRangeException>(() => history.StateAt(3));
        Assert.Contains("The history before offset 7 is not kept", before.Message);
    }

    [Fact]
    public void A_damaged_or_truncated_snapshot_is_not_imported_and_leaves_the_device_empty()
    {
        using var stream = new MemoryStream();
        using (var store = Datastore.CreateInMemory())
        {
            Seed(store, 4);
            store.Committed.WriteSnapshot(stream);
        }
        var bytes = stream.ToArray();
        var damaged = (byte[])bytes.Clone();
        damaged[bytes.Length / 2] ^= 0x01;
        foreach (var bad in new[] { damaged, bytes[..^1], bytes[..10], "not a snapshot at all, but long enough"u8.ToArray() })
        {
            var target = new MemoryStorageDevice();
            Assert.Throws<StorageCorruptionException>(() => Datastore.ImportSnapshot(target, new MemoryStream(bad)));
            Assert.Empty(target.ListFiles());
        }
        var notEmpty = new MemoryStorageDevice();
        notEmpty.Open("something", create: true).Dispose();
        Assert.Throws<InvalidOperationException>(() => Datastore.ImportSnapshot(notEmpty, new MemoryStream(bytes)));
    }

    [Fact]
    public void Online_backup_restores_the_state_at_its_offset_and_continues_from_there()
    {
        var device = new MemoryStorageDevice();
        var backup = new MemoryStorageDevice();
        TableId t;
        ulong at;
        using (var store = Datastore.Open(Options(device)))
        {
            t = Seed(store, 8);
            at = store.BackupTo(backup);
            Seed(store, 3, 5000);
            Assert.Throws<InvalidOperationException>(() => store.BackupTo(backup));
        }
        Assert.Equal(8ul, at);
        using (var restored = Datastore.Open(Options(backup)))
        {
            Assert.Equal(8, restored.Committed.Count(t));
            Assert.Equal(9ul, restored.NextOffset);
            using var tx = restored.BeginTransaction();
            tx.Insert(t, PersonRow(77, 7, "after restore"));
            Assert.Equal(9ul, tx.Commit().Offset);
            restored.Flush();
        }
        using (var again = Datastore.Open(Options(backup)))
        {
            Assert.Equal(9, again.Committed.Count(t));
            Assert.Equal(8ul, again.Recovery!.SnapshotOffset);
            Assert.Equal(1ul, again.Recovery.ReplayedTransactions);
        }
    }

    [Fact]
    public void Event_tables_are_logged_but_never_replayed_into_state()
    {
        var device = new MemoryStorageDevice();
        TableId ev;
        using (var store = Datastore.Open(Options(device)))
        {
            using var tx = store.BeginTransaction();
            ev = tx.CreateTable(Person("ev", isEvent: true));
            tx.Insert(ev, PersonRow(1, 1, "e"));
            tx.Commit();
            store.Flush();
        }
        using var reopened = Datastore.Open(Options(device));
        Assert.Equal(0, reopened.Committed.Count(ev));
        Assert.Single(new HistoryReader(device).ReadTransactions().Single().For(ev)!.Inserts);
    }
}
