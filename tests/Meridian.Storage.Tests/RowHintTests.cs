using Meridian.Storage.Schema;
using static Meridian.Storage.Tests.TestSchemas;

namespace Meridian.Storage.Tests;

/// <summary>
/// A transaction remembers the row its code last read (cursor or point lookup) and tries it first
/// when an update or a delete by bytes names a row. These tests pin that the hint is only a hint:
/// it is used when it is that row, and ignored when it names another row, a deleted row or a row
/// of another table.
/// </summary>
public class RowHintTests
{
    private static (Datastore Store, TableId Table, int Pk) NewStore(int rows, string name = "person", Datastore? store = null)
    {
        store ??= Datastore.CreateInMemory();
        using var tx = store.BeginTransaction();
        var t = tx.CreateTable(Person(name, btreeEach: true));
        for (uint i = 0; i < rows; i++)
            tx.Insert(t, PersonRow(i, i % 10, name + i));
        tx.Commit();
        return (store, t, store.Committed.GetTable(t).PrimaryKeyIndex);
    }

    [Fact]
    public void Iterating_and_updating_each_row_updates_every_row_once_and_old_versions_keep_their_bytes()
    {
        var (store, t, pk) = NewStore(300);
        var old = store.Committed;
        using (var tx = store.BeginTransaction())
        {
            var cursor = tx.Scan(t);
            while (cursor.MoveNext())
            {
                var (id, age, name) = ReadPerson(cursor.Current);
                tx.Update(t, pk, PersonRow(id, age + 100, name));
            }
            var changes = tx.Commit().Tables.Single();
            Assert.Equal(300, changes.Inserts.Count);
            Assert.Equal(300, changes.Deletes.Count);
        }
        for (uint i = 0; i < 300; i++)
        {
            Assert.True(store.Committed.TryFind(t, pk, U32(i), out var row));
            Assert.Equal((i, i % 10 + 100, "person" + i), ReadPerson(row));
            Assert.True(old.TryFind(t, pk, U32(i), out var before));
            Assert.Equal((i, (ulong)(i % 10), "person" + i), ReadPerson(before));
        }
        Assert.Equal(30, store.Committed.Filter(t, 1, U64(105)).CountRemaining());
        Assert.Equal(0, store.Committed.Filter(t, 1, U64(5)).CountRemaining());
    }

    [Fact]
    public void An_update_of_another_key_than_the_row_just_read_updates_the_row_with_that_key()
    {
        var (store, t, pk) = NewStore(10);
        using (var tx = store.BeginTransaction())
        {
            Assert.True(tx.TryFind(t, pk, U32(3), out _));
            tx.Update(t, pk, PersonRow(7, 70, "seven"));
            var cursor = tx.Scan(t);
            Assert.True(cursor.MoveNext()); // the hint is now row 0
            tx.Update(t, pk, PersonRow(4, 40, "four"));
            tx.Commit();
        }
        Assert.True(store.Committed.TryFind(t, pk, U32(3), out var three));
        Assert.Equal((3u, 3ul, "person3"), ReadPerson(three));
        Assert.True(store.Committed.TryFind(t, pk, U32(7), out var seven));
        Assert.Equal((7u, 70ul, "seven"), ReadPerson(seven));
        Assert.True(store.Committed.TryFind(t, pk, U32(0), out var zero));
        Assert.Equal((0u, 0ul, "person0"), ReadPerson(zero));
        Assert.True(store.Committed.TryFind(t, pk, U32(4), out var four));
        Assert.Equal((4u, 40ul, "four"), ReadPerson(four));
        Assert.Equal(10, store.Committed.Count(t));
    }

    [Fact]
    public void A_deleted_row_just_read_is_not_found_by_its_hint()
    {
        var (store, t, pk) = NewStore(5);
        using var tx = store.BeginTransaction();
        Assert.True(tx.TryFind(t, pk, U32(2), out var row));
        var bytes = row.ToArray();
        Assert.True(tx.Delete(t, bytes));
        Assert.False(tx.Delete(t, bytes));
        Assert.Throws<RowNotFoundException>(() => tx.Update(t, pk, PersonRow(2, 9, "again")));
        Assert.Equal(4, tx.Count(t));
    }

    [Fact]
    public void Delete_by_bytes_uses_the_row_just_read_only_when_the_bytes_are_identical()
    {
        var (store, t, pk) = NewStore(5);
        using (var tx = store.BeginTransaction())
        {
            Assert.True(tx.TryFind(t, pk, U32(1), out _));
            Assert.False(tx.Delete(t, PersonRow(1, 1, "someone else"))); // same key, other bytes: not a row
            Assert.True(tx.Delete(t, PersonRow(3, 3, "person3"))); // not the hinted row, found by bytes
            Assert.True(tx.TryFind(t, pk, U32(1), out var one));
            Assert.True(tx.Delete(t, one.ToArray()));
            tx.Commit();
        }
        Assert.Equal(3, store.Committed.Count(t));
        Assert.False(store.Committed.TryFind(t, pk, U32(1), out _));
        Assert.False(store.Committed.TryFind(t, pk, U32(3), out _));
    }

    [Fact]
    public void A_row_read_in_one_table_is_no_hint_for_another_table()
    {
        var (store, a, pk) = NewStore(4, "a");
        var (_, b, _) = NewStore(4, "b", store);
        using (var tx = store.BeginTransaction())
        {
            Assert.True(tx.TryFind(a, pk, U32(1), out _));
            tx.Update(b, pk, PersonRow(2, 22, "b-two"));
            tx.Commit();
        }
        Assert.True(store.Committed.TryFind(b, pk, U32(2), out var two));
        Assert.Equal((2u, 22ul, "b-two"), ReadPerson(two));
        Assert.True(store.Committed.TryFind(b, pk, U32(1), out var one));
        Assert.Equal((1u, 1ul, "b1"), ReadPerson(one));
        Assert.True(store.Committed.TryFind(a, pk, U32(1), out var a1));
        Assert.Equal((1u, 1ul, "a1"), ReadPerson(a1));
    }
}
