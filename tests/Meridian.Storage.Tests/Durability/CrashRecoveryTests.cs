using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using Meridian.Storage.Devices;
using Meridian.Storage.Schema;
using Xunit.Abstractions;

namespace Meridian.Storage.Tests.Durability;

/// <summary>
/// Crash recovery against a model: a workload runs on an in-memory device that fails after a random
/// number of bytes (a torn write) or at a random fsync, the device then "loses power" (unsynced data
/// dropped, or a random part of it kept), and the recovered state must equal the model at the
/// recovered offset, which must be at least the last offset reported durable.
/// </summary>
public class CrashRecoveryTests(ITestOutputHelper output)
{
    private static readonly TableSchema Schema = new(
        "kv",
        AlgebraicType.Product(("k", AlgebraicType.U32), ("v", AlgebraicType.U64), ("s", AlgebraicType.String)),
        indexes: [new IndexSchema("kv_v", [1])],
        primaryKey: 0);

    private static byte[] Row(uint k, ulong v, string s)
    {
        var w = new BsatnWriter();
        w.WriteU32(k);
        w.WriteU64(v);
        w.WriteString(s);
        return w.ToArray();
    }

    private static string Describe(IEnumerable<byte[]> rows) => string.Join("|", rows.Select(Convert.ToHexString).Order(StringComparer.Ordinal));

    [Fact]
    public void Two_hundred_random_crash_points_recover_exactly_a_committed_prefix()
    {
        var seed = TestSeed.Get(output);
        var master = new Random(seed);
        var tornTails = 0;
        var snapshotsUsed = 0;
        for (var round = 0; round < 200; round++)
        {
            var roundSeed = master.Next();
            try
            {
                var (torn, snap) = RunRound(roundSeed);
                tornTails += torn ? 1 : 0;
                snapshotsUsed += snap ? 1 : 0;
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"Round {round} (round seed {roundSeed}, master seed {seed}) failed: {e}");
            }
        }
        output.WriteLine($"{tornTails} rounds cut a torn tail, {snapshotsUsed} recovered from a snapshot");
        Assert.True(tornTails > 0, "no round produced a torn tail: the crash model is not exercising recovery");
    }

    private static (bool Torn, bool Snapshot) RunRound(int seed)
    {
        var rng = new Random(seed);
        var memory = new MemoryStorageDevice();
        var fault = new FaultInjectingDevice(memory);
        if (rng.Next(4) == 0)
            fault.FailSyncNumber = 1 + rng.Next(30);
        else
            fault.FailAfterBytes = rng.Next(12_000);
        var options = new DatastoreOptions
        {
            Device = fault,
            MaxSegmentSize = rng.Next(2) == 0 ? 1 << 30 : 600 + rng.Next(2000),
            SnapshotInterval = rng.Next(3) == 0 ? (ulong)(5 + rng.Next(20)) : 0,
            // Half the rounds append to a growing file, half overwrite zeros written ahead (crashes land in both).
            LogPreallocation = rng.Next(2) == 0 ? 0 : 64 + rng.Next(4096),
        };

        var model = new Dictionary<uint, byte[]>();
        var states = new Dictionary<ulong, string>();
        ulong? durable = null;
        ulong? lastCommitted = null;
        var store = Datastore.Open(options);
        try
        {
            using (var tx = store.BeginTransaction())
            {
                tx.CreateTable(Schema);
                lastCommitted = tx.Commit().Offset;
                states[lastCommitted!.Value] = Describe(model.Values);
            }
            var table = new TableId(0);
            for (var i = 0; i < 60; i++)
            {
                Transaction tx;
                try
                {
                    tx = store.BeginTransaction();
                }
                catch (DatastoreFailedException)
                {
                    break;
                }
                using (tx)
                {
                    var pending = new Dictionary<uint, byte[]>(model);
                    for (var op = rng.Next(1, 6); op > 0; op--)
                    {
                        var k = (uint)rng.Next(40);
                        if (rng.Next(3) == 0 && pending.Remove(k, out var old))
                        {
                            tx.Delete(table, old);
                        }
                        else
                        {
                            var row = Row(k, (ulong)rng.Next(5), new string('x', rng.Next(30)));
                            if (pending.ContainsKey(k))
                                tx.Update(table, Schema.PrimaryKeyIndex, row);
                            else
                                tx.Insert(table, row);
                            pending[k] = row;
                        }
                    }
                    if (rng.Next(8) == 0)
                    {
                        tx.Rollback();
                        continue;
                    }
                    try
                    {
                        var cs = tx.Commit();
                        model = pending;
                        if (cs.Offset is ulong offset)
                        {
                            lastCommitted = offset;
                            states[offset] = Describe(model.Values);
                        }
                    }
                    catch (DatastoreFailedException)
                    {
                        break;
                    }
                }
                if (rng.Next(10) == 0)
                {
                    try
                    {
                        store.Flush();
                    }
                    catch (DatastoreFailedException)
                    {
                        break;
                    }
                }
                durable = store.DurableOffset ?? durable;
            }
            try
            {
                store.Flush();
            }
            catch (DatastoreFailedException)
            {
                // The injected fault fired; what was durable before it must survive.
            }
            durable = store.DurableOffset ?? durable;
        }
        finally
        {
            store.Dispose();
        }

        memory.Crash(rng.Next(2) == 0 ? rng : null);

        using var recovered = Datastore.Open(new DatastoreOptions { Device = memory });
        var next = recovered.NextOffset;
        if (durable is ulong d)
            Assert.True(next > d, $"recovered up to offset {(long)next - 1}, but offset {d} was reported durable");
        if (lastCommitted is ulong last)
            Assert.True(next <= last + 1, $"recovered offset {next - 1} was never committed (last {last})");
        if (next == 0)
        {
            Assert.Empty(recovered.Committed.Tables);
        }
        else
        {
            Assert.True(states.TryGetValue(next - 1, out var expected), $"offset {next - 1} has no model state");
            Assert.Equal(expected, Describe(recovered.Committed.ReadAll(new TableId(0))));
        }

        // The recovered datastore keeps working and its next recovery agrees.
        using (var tx = recovered.BeginTransaction())
        {
            if (next > 0)
                tx.Insert(new TableId(0), Row(1000, 1, "after"));
            tx.Commit();
        }
        recovered.Flush();
        return (recovered.Recovery!.TruncatedTail is not null, recovered.Recovery.SnapshotOffset is not null);
    }
}
