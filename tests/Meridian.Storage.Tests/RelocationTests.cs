using Meridian.Storage.Schema;
using Meridian.Storage.Tables;
using static Meridian.Storage.Tests.TestSchemas;

namespace Meridian.Storage.Tests;

/// <summary>
/// Compaction finds the live records of a sparse page either by walking the page or by scanning the slot map (few ids),
/// trusts the live-byte counts to skip empty pages and to stop early, and every version keeps reading its own bytes.
/// Debug builds also check, after each relocation, that no live record was left on the page.
/// </summary>
public class RelocationTests
{
    [Fact]
    public void Resetting_a_small_table_and_updating_its_first_rows_relocates_by_slot_scan_and_keeps_every_version()
    {
        var store = Datastore.CreateInMemory();
        TableId t;
        using (var tx = store.BeginTransaction())
        {
            t = tx.CreateTable(Person());
            tx.Commit();
        }
        var pk = store.Committed.GetTable(t).PrimaryKeyIndex;
        TableData.RelocationsOnThisThread = default;
        var versions = new List<(CommittedState State, ulong Age)>();
        for (ulong round = 1; round <= 60; round++)
        {
            // The storage suite's update_bulk shape: reset 2,048 rows, then update the first 256 from a scan.
            using (var tx = store.BeginTransaction())
            {
                tx.Clear(t);
                for (uint i = 0; i < 2048; i++)
                    tx.Insert(t, PersonRow(i, round * 10, "name" + i));
                tx.Commit();
            }
            versions.Add((store.Committed, round * 10));
            using (var tx = store.BeginTransaction())
            {
                var cursor = tx.Scan(t);
                var n = 0;
                while (n < 256 && cursor.MoveNext())
                {
                    var (id, age, name) = ReadPerson(cursor.Current);
                    tx.Update(t, pk, PersonRow(id, age + 1, name));
                    n++;
                }
                tx.Commit();
            }
            CheckUpdated(store.Committed, t, pk, round * 10);
        }
        Assert.True(TableData.RelocationsOnThisThread.BySlots > 0, $"relocations {TableData.RelocationsOnThisThread}");
        foreach (var (state, age) in versions)
        {
            Assert.Equal(2048, state.Scan(t).CountRemaining());
            for (uint i = 0; i < 2048; i += 97)
            {
                Assert.True(state.TryFind(t, pk, U32(i), out var row));
                Assert.Equal((i, age, "name" + i), ReadPerson(row));
            }
        }
    }

    private static void CheckUpdated(CommittedState c, TableId t, int pk, ulong age)
    {
        var seen = 0;
        var cursor = c.Scan(t);
        while (cursor.MoveNext())
        {
            var (id, rowAge, name) = ReadPerson(cursor.Current);
            Assert.Equal("name" + id, name);
            seen++;
        }
        Assert.Equal(2048, seen);
        for (uint i = 0; i < 2048; i += 31)
        {
            Assert.True(c.TryFind(t, pk, U32(i), out var row));
            Assert.Equal(i, ReadPerson(row).Id);
        }
        // Exactly the first 256 rows of the scan were updated.
        var updated = 0;
        cursor = c.Scan(t);
        while (cursor.MoveNext())
        {
            if (ReadPerson(cursor.Current).Age == age + 1)
                updated++;
        }
        Assert.Equal(256, updated);
    }

    [Fact]
    public void A_sparse_page_of_a_table_with_many_ids_is_walked_and_its_live_rows_stay_readable()
    {
        var store = Datastore.CreateInMemory();
        TableId t;
        const uint rows = 40_000;
        using (var tx = store.BeginTransaction())
        {
            t = tx.CreateTable(Person(btreeEach: true));
            for (uint i = 0; i < rows; i++)
                tx.Insert(t, PersonRow(i, i, "n" + i));
            tx.Commit();
        }
        var pk = store.Committed.GetTable(t).PrimaryKeyIndex;
        var before = store.Committed;
        TableData.RelocationsOnThisThread = default;
        // Delete all but every 10th row of the first 20,000: their pages fall below a quarter live; the kept rows sit
        // all over each page, so the walk cannot stop before the end of the page.
        using (var tx = store.BeginTransaction())
        {
            for (uint i = 0; i < 20_000; i++)
            {
                if (i % 10 != 0)
                    Assert.Equal(1, tx.DeleteByKey(t, pk, U32(i)));
            }
            tx.Commit();
        }
        Assert.True(TableData.RelocationsOnThisThread.ByWalk > 0, $"relocations {TableData.RelocationsOnThisThread}");
        var c = store.Committed;
        Assert.Equal(20_000 + 2_000, c.Count(t));
        for (uint i = 0; i < rows; i++)
        {
            var live = i >= 20_000 || i % 10 == 0;
            Assert.Equal(live, c.TryFind(t, pk, U32(i), out var row));
            if (live)
                Assert.Equal((i, (ulong)i, "n" + i), ReadPerson(row));
        }
        Assert.Equal(1, c.Filter(t, 1, U64(30)).CountRemaining());
        Assert.Equal(1, c.Filter(t, 2, Str("n19990")).CountRemaining());
        Assert.Equal((int)rows, before.Scan(t).CountRemaining());
        Assert.True(before.TryFind(t, pk, U32(5), out var old));
        Assert.Equal((5u, 5ul, "n5"), ReadPerson(old));
    }

    [Fact]
    public void A_row_updated_twice_in_one_transaction_keeps_each_version_and_cursor_on_its_own_bytes()
    {
        var store = Datastore.CreateInMemory();
        TableId t;
        using (var tx = store.BeginTransaction())
        {
            t = tx.CreateTable(Person(btreeEach: true));
            for (uint i = 0; i < 300; i++)
                tx.Insert(t, PersonRow(i, 1, "a" + i));
            tx.Commit();
        }
        var pk = store.Committed.GetTable(t).PrimaryKeyIndex;
        var before = store.Committed;
        Meridian.Storage.Changesets.Changeset changes;
        RowCursor betweenCursor;
        using (var tx = store.BeginTransaction())
        {
            tx.Update(t, pk, PersonRow(7, 2, "b7"));
            // Opened between the two updates: sees the first one (by scan and by the age index) and never the second.
            betweenCursor = tx.Filter(t, 1, U64(2));
            tx.Update(t, pk, PersonRow(7, 3, "c7"));
            Assert.True(tx.TryFind(t, pk, U32(7), out var own));
            Assert.Equal((7u, 3ul, "c7"), ReadPerson(own));
            Assert.Equal(0, tx.Filter(t, 1, U64(2)).CountRemaining());
            changes = tx.Commit();
        }
        Assert.True(betweenCursor.MoveNext());
        Assert.Equal((7u, 2ul, "b7"), ReadPerson(betweenCursor.Current));
        Assert.False(betweenCursor.MoveNext());
        // Net change: the committed row out, the last bytes in (the middle version never existed for anyone else).
        var table = Assert.Single(changes.Tables);
        Assert.Equal((7u, 1ul, "a7"), ReadPerson(Assert.Single(table.Deletes).Span));
        Assert.Equal((7u, 3ul, "c7"), ReadPerson(Assert.Single(table.Inserts).Span));
        Assert.True(before.TryFind(t, pk, U32(7), out var old));
        Assert.Equal((7u, 1ul, "a7"), ReadPerson(old));
        Assert.Equal(1, before.Filter(t, 2, Str("a7")).CountRemaining());
        Assert.True(store.Committed.TryFind(t, pk, U32(7), out var now));
        Assert.Equal((7u, 3ul, "c7"), ReadPerson(now));
        Assert.Equal(0, store.Committed.Filter(t, 2, Str("b7")).CountRemaining());
        Assert.Equal(1, store.Committed.Filter(t, 2, Str("c7")).CountRemaining());
    }
}
