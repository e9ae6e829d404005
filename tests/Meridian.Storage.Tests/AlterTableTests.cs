using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using Meridian.Storage.Devices;
using Meridian.Storage.History;
using Meridian.Storage.Schema;
using static Meridian.Storage.Tests.TestSchemas;

namespace Meridian.Storage.Tests;

/// <summary>Altering a table in place: rows rewritten, constraints checked, logged whole, replayed by recovery and history.</summary>
public class AlterTableTests
{
    private static DatastoreOptions Options(IStorageDevice device, ulong snapshotEvery = 0) =>
        new() { Device = device, SnapshotInterval = snapshotEvery };

    private static TableSchema Widened(bool uniqueAge = false, bool autoInc = false) => new(
        "person",
        AlgebraicType.Product(("id", AlgebraicType.U32), ("age", AlgebraicType.U64), ("name", AlgebraicType.String), ("score", AlgebraicType.I32)),
        indexes: [new IndexSchema("person_name", [2])],
        uniqueConstraints: uniqueAge ? [new UniqueConstraintSchema("person_age_key", [1])] : null,
        sequences: autoInc ? [SequenceSchema.Ascending("person_id_seq", 0, uint.MaxValue)] : null,
        primaryKey: 0);

    private static byte[] AddScore(ReadOnlyMemory<byte> row, int score)
    {
        var w = new BsatnWriter();
        w.WriteRaw(row.Span);
        w.WriteI32(score);
        return w.ToArray();
    }

    private static List<string> Rows(StateReader state, TableId table)
    {
        var result = new List<string>();
        var cursor = state.Scan(table);
        while (cursor.MoveNext())
        {
            var r = new BsatnReader(cursor.Current);
            var text = $"{r.ReadU32()},{r.ReadU64()},{r.ReadString()}";
            if (state.GetTable(table).ColumnCount == 4)
                text += "," + r.ReadI32();
            result.Add(text);
        }
        result.Sort(StringComparer.Ordinal);
        return result;
    }

    private static TableId Seed(Datastore store)
    {
        TableId t;
        using (var tx = store.BeginTransaction())
        {
            t = tx.CreateTable(Person());
            tx.Commit();
        }
        using (var tx = store.BeginTransaction())
        {
            tx.Insert(t, PersonRow(1, 30, "ann"));
            tx.Insert(t, PersonRow(2, 40, "bob"));
            tx.Insert(t, PersonRow(3, 30, "cy"));
            tx.Commit();
        }
        return t;
    }

    [Fact]
    public void Added_column_gets_the_default_on_every_row_and_survives_recovery_and_history()
    {
        var device = new MemoryStorageDevice();
        TableId t;
        ulong before;
        using (var store = Datastore.Open(Options(device)))
        {
            t = Seed(store);
            before = store.Committed.LastOffset!.Value;
            using (var tx = store.BeginTransaction())
            {
                tx.AlterTable(t, Widened(), row => AddScore(row, 7));
                tx.Insert(t, AddScore(PersonRow(4, 50, "dee"), 9));
                tx.Commit();
            }
            Assert.Equal(["1,30,ann,7", "2,40,bob,7", "3,30,cy,7", "4,50,dee,9"], Rows(store.Committed, t));
        }
        using (var reopened = Datastore.Open(Options(device)))
        {
            Assert.Equal(4, reopened.Committed.GetTable(t).ColumnCount);
            Assert.Equal(["1,30,ann,7", "2,40,bob,7", "3,30,cy,7", "4,50,dee,9"], Rows(reopened.Committed, t));
            // The index of the new definition works after replay.
            Assert.Single(reopened.Committed.ScanIndex(t, reopened.Committed.GetTable(t).IndexId("person_name"),
                Meridian.Storage.Indexes.IndexScanRange.WithPrefix(Sats.Values.AlgebraicValue.String("bob"))).ToList());
        }
        var history = new HistoryReader(device);
        Assert.Equal(3, history.StateAt(before).GetTable(t).ColumnCount);
        Assert.Equal(["1,30,ann", "2,40,bob", "3,30,cy"], Rows(history.StateAt(before), t));
        Assert.Equal(4, history.StateAt(before + 1).GetTable(t).ColumnCount);
    }

    [Fact]
    public void A_unique_constraint_the_data_breaks_is_refused_naming_the_value_and_nothing_changes()
    {
        using var store = Datastore.Open(Options(new MemoryStorageDevice()));
        var t = Seed(store);
        var offset = store.Committed.LastOffset;
        using (var tx = store.BeginTransaction())
        {
            var e = Assert.Throws<UniqueConstraintViolationException>(() => tx.AlterTable(t, Widened(uniqueAge: true), row => AddScore(row, 0)));
            Assert.Contains("30", e.Message, StringComparison.Ordinal);
            Assert.Contains("person_age_key", e.Message, StringComparison.Ordinal);
        }
        Assert.Equal(offset, store.Committed.LastOffset);
        Assert.Equal(3, store.Committed.GetTable(t).ColumnCount);
        Assert.Equal(["1,30,ann", "2,40,bob", "3,30,cy"], Rows(store.Committed, t));
    }

    [Fact]
    public void An_added_sequence_continues_after_the_largest_value_present_also_after_recovery()
    {
        var device = new MemoryStorageDevice();
        TableId t;
        using (var store = Datastore.Open(Options(device)))
        {
            t = Seed(store);
            using (var tx = store.BeginTransaction())
            {
                tx.AlterTable(t, Widened(autoInc: true), row => AddScore(row, 0));
                tx.Commit();
            }
            using (var tx = store.BeginTransaction())
            {
                tx.Insert(t, AddScore(PersonRow(0, 60, "eve"), 1));
                tx.Commit();
            }
        }
        using (var reopened = Datastore.Open(Options(device)))
        {
            Assert.Contains("4,60,eve,1", Rows(reopened.Committed, t));
            using var tx = reopened.BeginTransaction();
            tx.Insert(t, AddScore(PersonRow(0, 61, "fay"), 1));
            Assert.Contains("5,61,fay,1", Rows(tx, t));
        }
    }

    [Fact]
    public void A_snapshot_after_an_alteration_restores_the_new_definition()
    {
        var device = new MemoryStorageDevice();
        TableId t;
        using (var store = Datastore.Open(Options(device, snapshotEvery: 1)))
        {
            t = Seed(store);
            using var tx = store.BeginTransaction();
            tx.AlterTable(t, Widened(), row => AddScore(row, -1));
            tx.Commit();
            store.Flush();
        }
        using var reopened = Datastore.Open(Options(device, snapshotEvery: 1));
        Assert.Equal(["1,30,ann,-1", "2,40,bob,-1", "3,30,cy,-1"], Rows(reopened.Committed, t));
    }
}
