using Meridian.Storage.Schema;
using static Meridian.Storage.Tests.TestSchemas;

namespace Meridian.Storage.Tests;

public class CompactionTests
{
    [Fact]
    public void Deleted_rows_do_not_hold_memory_forever_and_old_versions_stay_readable()
    {
        var store = Datastore.CreateInMemory();
        TableId t;
        using (var tx = store.BeginTransaction())
        {
            t = tx.CreateTable(Person(btreeEach: true));
            for (uint i = 0; i < 5000; i++)
                tx.Insert(t, PersonRow(i, 0, "name" + i));
            tx.Commit();
        }
        var pk = store.Committed.GetTable(t).PrimaryKeyIndex;
        var early = store.Committed;
        long Allocated() => store.State.Table(t.Value)!.Heap.AllocatedBytes;
        var afterLoad = Allocated();
        for (ulong round = 1; round <= 200; round++)
        {
            using var tx = store.BeginTransaction();
            for (uint i = 0; i < 5000; i += 7)
                tx.Update(t, pk, PersonRow(i, round, "name" + i));
            tx.Commit();
        }
        // 200 rounds rewrote ~143k rows; without compaction the heap would be ~30x its loaded size.
        Assert.True(Allocated() < afterLoad * 4, $"heap grew from {afterLoad} to {Allocated()} bytes");
        var c = store.Committed;
        Assert.Equal(5000, c.Count(t));
        for (uint i = 0; i < 5000; i++)
        {
            Assert.True(c.TryFind(t, pk, U32(i), out var row));
            Assert.Equal((i, i % 7 == 0 ? 200ul : 0ul, "name" + i), ReadPerson(row));
        }
        Assert.Equal(5000, c.Filter(t, 2, Str("name14")).CountRemaining() + 4999);
        // The version taken before all of that still reads its own rows.
        Assert.Equal(5000, early.Scan(t).CountRemaining());
        Assert.True(early.TryFind(t, pk, U32(7), out var old));
        Assert.Equal(0ul, ReadPerson(old).Age);
    }
}
