using Meridian.Sats.Values;
using Meridian.Storage.Indexes;
using Meridian.Storage.Schema;
using Meridian.Storage.Tables;
using Xunit.Abstractions;
using static Meridian.Storage.Tests.TestSchemas;

namespace Meridian.Storage.Tests;

/// <summary>
/// Rows keep their id (slot) while they live and an update re-points the slot to new bytes. These
/// tests pin what that must not break: versions and cursors taken before an update keep the old
/// bytes, indexes whose key did not change are not touched, freed ids are reused only by later
/// transactions, and set semantics hold whether rows are found through an index or by row hashes.
/// </summary>
public class InPlaceUpdateTests(ITestOutputHelper output)
{
    private static (Datastore Store, TableId Table) NewStore(TableSchema schema, int rows)
    {
        var store = Datastore.CreateInMemory();
        using var tx = store.BeginTransaction();
        var t = tx.CreateTable(schema);
        for (uint i = 0; i < rows; i++)
            tx.Insert(t, PersonRow(i, i % 10, "name" + i));
        tx.Commit();
        return (store, t);
    }

    private static HashSet<(uint, ulong, string)> Rows(RowCursor cursor)
    {
        var set = new HashSet<(uint, ulong, string)>();
        while (cursor.MoveNext())
            Assert.True(set.Add(ReadPerson(cursor.Current)));
        return set;
    }

    [Fact]
    public void A_reader_holding_an_old_version_keeps_the_old_bytes_while_rows_are_updated_in_place()
    {
        var (store, t) = NewStore(Person(btreeEach: true), 500);
        var pk = store.Committed.GetTable(t).PrimaryKeyIndex;
        var old = store.Committed;
        var oldRows = Rows(old.Scan(t));
        for (ulong round = 1; round <= 20; round++)
        {
            using var tx = store.BeginTransaction();
            for (uint i = 0; i < 500; i++)
                tx.Update(t, pk, PersonRow(i, 1000 + round, "name" + i));
            tx.Commit();

            // The old version: same rows, found by every index under their old keys.
            Assert.Equal(500, old.Count(t));
            Assert.True(oldRows.SetEquals(Rows(old.Scan(t))));
            Assert.True(old.TryFind(t, pk, U32(7), out var seven));
            Assert.Equal((7u, 7ul, "name7"), ReadPerson(seven));
            Assert.Equal(50, old.Filter(t, 1, U64(3)).CountRemaining());
            Assert.Equal(0, old.Filter(t, 1, U64(1000 + round)).CountRemaining());
            Assert.Equal(500, old.ScanIndex(t, 2, IndexScanRange.Between(KeyBound.Unbounded, KeyBound.Unbounded)).CountRemaining());

            // The new one: every row moved to the new age, in the age index too.
            var now = store.Committed;
            Assert.True(now.TryFind(t, pk, U32(7), out var updated));
            Assert.Equal((7u, 1000 + round, "name7"), ReadPerson(updated));
            Assert.Equal(500, now.Filter(t, 1, U64(1000 + round)).CountRemaining());
            Assert.Equal(0, now.Filter(t, 1, U64(3)).CountRemaining());
        }
    }

    [Fact]
    public void Cursors_opened_before_updates_in_the_same_transaction_yield_the_old_bytes()
    {
        var (store, t) = NewStore(Person(btreeEach: true), 300);
        var pk = store.Committed.GetTable(t).PrimaryKeyIndex;
        var before = Rows(store.Committed.Scan(t));
        using var tx = store.BeginTransaction();
        tx.Update(t, pk, PersonRow(0, 77, "name0")); // the table is already written when the cursors open
        var expected = Rows(tx.Scan(t));
        var scan = tx.Scan(t);
        var byAge = tx.Filter(t, 1, U64(5));
        var byName = tx.ScanIndex(t, 2, IndexScanRange.Between(KeyBound.Unbounded, KeyBound.Unbounded));
        Assert.True(scan.MoveNext());
        var first = ReadPerson(scan.Current);
        for (uint i = 0; i < 300; i++)
            tx.Update(t, pk, PersonRow(i, 500 + i, "name" + i));
        tx.Insert(t, PersonRow(1000, 5, "new"));
        Assert.True(tx.Delete(t, PersonRow(1, 501, "name1")));

        // The row the scan stood on, and everything after it, still read as before.
        Assert.Equal(first, ReadPerson(scan.Current));
        var scanned = Rows(scan);
        scanned.Add(first);
        Assert.True(expected.SetEquals(scanned));
        Assert.True(expected.Where(r => r.Item2 == 5).ToHashSet().SetEquals(Rows(byAge)));
        Assert.Equal(300, Rows(byName).Count);

        // The transaction itself sees its writes; the committed version does not.
        Assert.Equal(300, tx.Count(t));
        Assert.True(tx.TryFind(t, pk, U32(2), out var two));
        Assert.Equal((2u, 502ul, "name2"), ReadPerson(two));
        Assert.True(before.SetEquals(Rows(store.Committed.Scan(t))));
    }

    [Fact]
    public void An_update_touches_only_the_indexes_whose_key_changed_and_keeps_the_row_id()
    {
        var (store, t) = NewStore(Person(btreeEach: true), 2000);
        var pk = store.Committed.GetTable(t).PrimaryKeyIndex;
        var before = store.State.Table(t.Value)!;
        Assert.True(before.Indexes[pk].TryFind(U32(1234), out var id));
        var roots = before.Indexes.Select(i => i.Root).ToArray();

        using (var tx = store.BeginTransaction())
        {
            tx.Update(t, pk, PersonRow(1234, 4, "name1234")); // age 4 → 4: same bytes, no change at all
            tx.Update(t, pk, PersonRow(1234, 99, "name1234")); // age changes, name and id do not
            tx.Commit();
        }
        var after = store.State.Table(t.Value)!;
        Assert.True(after.Indexes[pk].TryFind(U32(1234), out var idAfter));
        Assert.Equal(id, idAfter);
        for (var i = 0; i < roots.Length; i++)
        {
            var column = after.Schema.Indexes[i].Columns[0];
            if (column == 1)
                Assert.NotSame(roots[i], after.Indexes[i].Root);
            else
                Assert.Same(roots[i], after.Indexes[i].Root);
        }
        Assert.Equal((1234u, 99ul, "name1234"), ReadPerson(after.ReadRow(id)));
        Assert.Equal((1234u, 4ul, "name1234"), ReadPerson(before.ReadRow(id)));
    }

    [Fact]
    public void Updating_a_row_back_to_its_committed_bytes_is_no_change_and_a_key_change_is_a_delete_plus_insert()
    {
        var (store, t) = NewStore(Person(btreeEach: true), 10);
        var pk = store.Committed.GetTable(t).PrimaryKeyIndex;
        using (var tx = store.BeginTransaction())
        {
            tx.Update(t, pk, PersonRow(3, 50, "x"));
            tx.Update(t, pk, PersonRow(3, 3, "name3"));
            tx.Update(t, pk, PersonRow(4, 40, "y"));
            tx.Update(t, pk, PersonRow(4, 41, "z"));
            var cs = tx.Commit();
            var change = Assert.Single(cs.Tables);
            Assert.Equal((4u, 4ul, "name4"), ReadPerson(Assert.Single(change.Deletes).Span));
            Assert.Equal((4u, 41ul, "z"), ReadPerson(Assert.Single(change.Inserts).Span));
        }
        Assert.Equal(1, store.Committed.Filter(t, 2, Str("z")).CountRemaining());
        Assert.Equal(0, store.Committed.Filter(t, 2, Str("name4")).CountRemaining());
    }

    [Fact]
    public void Freed_ids_are_reused_by_later_transactions_without_disturbing_older_versions()
    {
        var (store, t) = NewStore(Person(btreeEach: true), 200);
        var old = store.Committed;
        using (var tx = store.BeginTransaction())
        {
            for (uint i = 0; i < 200; i += 2)
                Assert.True(tx.Delete(t, PersonRow(i, i % 10, "name" + i)));
            // Inserted in the same transaction: must not take the ids just freed.
            for (uint i = 0; i < 50; i++)
                tx.Insert(t, PersonRow(10_000 + i, 1, "same-tx" + i));
            var cs = tx.Commit();
            Assert.Equal(100, cs.Tables[0].Deletes.Count);
            Assert.Equal(50, cs.Tables[0].Inserts.Count);
        }
        var slotsBefore = store.State.Table(t.Value)!.Slots.Count;
        using (var tx = store.BeginTransaction())
        {
            for (uint i = 0; i < 100; i++)
                tx.Insert(t, PersonRow(20_000 + i, 2, "later" + i));
            tx.Commit();
        }
        Assert.Equal(slotsBefore, store.State.Table(t.Value)!.Slots.Count); // every id came from the free list
        Assert.Equal(200, old.Count(t));
        Assert.Equal(200, Rows(old.Scan(t)).Count);
        Assert.True(old.TryFind(t, 0, U32(0), out var zero));
        Assert.Equal((0u, 0ul, "name0"), ReadPerson(zero));
        Assert.Equal(20, old.Filter(t, 1, U64(2)).CountRemaining());
        var now = store.Committed;
        Assert.Equal(250, now.Count(t));
        Assert.Equal(100, now.Filter(t, 1, U64(2)).CountRemaining());
        Assert.False(now.TryFind(t, 0, U32(0), out _));
    }

    [Fact]
    public void A_table_without_a_unique_key_keeps_set_semantics_through_its_first_index_and_after_switching_to_hashes()
    {
        // The first index is on age, which has only three values: finding a row by its bytes through
        // it would scan many equal keys, so the table switches to row hashes.
        var schema = new TableSchema("p", PersonType, indexes: [new IndexSchema("p_age", [1]), new IndexSchema("p_id", [0])]);
        var store = Datastore.CreateInMemory();
        TableId t;
        using (var tx = store.BeginTransaction())
        {
            t = tx.CreateTable(schema);
            for (uint i = 0; i < 5; i++)
                tx.Insert(t, PersonRow(i, i % 3, "n" + i));
            tx.Commit();
        }
        Assert.False(store.State.Table(t.Value)!.HashMode);
        var early = store.Committed;
        using (var tx = store.BeginTransaction())
        {
            for (uint i = 0; i < 300; i++)
                tx.Insert(t, PersonRow(i, i % 3, "n" + i));
            for (uint i = 0; i < 300; i++)
                tx.Insert(t, PersonRow(i, i % 3, "n" + i)); // all present already
            Assert.Equal(300, tx.Count(t));
            Assert.True(tx.Delete(t, PersonRow(299, 299 % 3, "n299")));
            Assert.False(tx.Delete(t, PersonRow(299, 299 % 3, "n299")));
            var cs = tx.Commit();
            Assert.Equal(294, cs.Tables[0].Inserts.Count);
        }
        Assert.True(store.State.Table(t.Value)!.HashMode);
        var now = store.Committed;
        Assert.Equal(299, now.Count(t));
        Assert.True(now.Contains(t, PersonRow(17, 2, "n17")));
        Assert.False(now.Contains(t, PersonRow(17, 2, "other")));
        Assert.Equal(100, now.Filter(t, 0, U64(1)).CountRemaining());
        Assert.Equal(5, early.Count(t));
        Assert.True(early.Contains(t, PersonRow(4, 1, "n4")));
        Assert.False(early.Contains(t, PersonRow(17, 2, "n17")));
    }

    [Fact]
    public void Random_updates_inserts_and_deletes_match_a_model_in_every_version_held_meanwhile()
    {
        var seed = TestSeed.Get(output);
        var rng = new Random(seed);
        // One table with a primary key (rows found through it) and one without a unique key.
        var withKey = Person("keyed", btreeEach: true);
        var noKey = Person("bag", pk: false, btreeEach: true);
        var store = Datastore.CreateInMemory();
        TableId keyed, bag;
        using (var tx = store.BeginTransaction())
        {
            keyed = tx.CreateTable(withKey);
            bag = tx.CreateTable(noKey);
            tx.Commit();
        }
        var pk = store.Committed.GetTable(keyed).PrimaryKeyIndex;
        var keyedModel = new Dictionary<uint, (uint Id, ulong Age, string Name)>();
        var bagModel = new HashSet<(uint Id, ulong Age, string Name)>();
        var held = new List<(CommittedState State, HashSet<(uint, ulong, string)> Keyed, HashSet<(uint, ulong, string)> Bag)>();
        (uint, ulong, string) RandomRow() => ((uint)rng.Next(400), (ulong)rng.Next(6), "n" + rng.Next(20));

        for (var round = 0; round < 150; round++)
        {
            var keyedTx = new Dictionary<uint, (uint Id, ulong Age, string Name)>(keyedModel);
            var bagTx = new HashSet<(uint, ulong, string)>(bagModel);
            using var tx = store.BeginTransaction();
            RowCursor? cursor = null;
            HashSet<(uint, ulong, string)>? cursorExpected = null;
            var ops = rng.Next(1, 60);
            for (var op = 0; op < ops; op++)
            {
                var row = RandomRow();
                switch (rng.Next(7))
                {
                    case 0:
                    case 1:
                        if (keyedTx.ContainsKey(row.Item1))
                        {
                            tx.Update(keyed, pk, PersonRow(row.Item1, row.Item2, row.Item3));
                            keyedTx[row.Item1] = row;
                        }
                        else
                        {
                            tx.Insert(keyed, PersonRow(row.Item1, row.Item2, row.Item3));
                            keyedTx[row.Item1] = row;
                        }
                        break;
                    case 2:
                        if (keyedTx.Count > 0)
                        {
                            var victim = keyedTx.Values.ElementAt(rng.Next(keyedTx.Count));
                            Assert.Equal(1, tx.DeleteByKey(keyed, pk, U32(victim.Id)));
                            keyedTx.Remove(victim.Id);
                        }
                        break;
                    case 3:
                        if (keyedTx.Count > 0 && rng.Next(2) == 0)
                        {
                            // Delete then re-insert the same bytes: restores the row.
                            var again = keyedTx.Values.ElementAt(rng.Next(keyedTx.Count));
                            tx.DeleteByKey(keyed, pk, U32(again.Id));
                            tx.Insert(keyed, PersonRow(again.Id, again.Age, again.Name));
                        }
                        else
                        {
                            tx.Insert(bag, PersonRow(row.Item1 % 40, row.Item2, row.Item3));
                            bagTx.Add((row.Item1 % 40, row.Item2, row.Item3));
                        }
                        break;
                    case 4:
                        Assert.Equal(bagTx.Remove((row.Item1 % 40, row.Item2, row.Item3)), tx.Delete(bag, PersonRow(row.Item1 % 40, row.Item2, row.Item3)));
                        break;
                    case 5:
                        if (bagTx.Count > 0)
                        {
                            var victim = bagTx.ElementAt(rng.Next(bagTx.Count));
                            Assert.True(tx.Delete(bag, PersonRow(victim.Item1, victim.Item2, victim.Item3)));
                            bagTx.Remove(victim);
                        }
                        break;
                    default:
                        if (cursor is null)
                        {
                            cursor = rng.Next(2) == 0
                                ? tx.Scan(keyed)
                                : tx.ScanIndex(keyed, rng.Next(3), IndexScanRange.Between(KeyBound.Unbounded, KeyBound.Unbounded));
                            cursorExpected = keyedTx.Values.ToHashSet();
                        }
                        break;
                }
            }
            if (cursor is not null)
                Assert.True(cursorExpected!.SetEquals(Rows(cursor)), $"cursor opened mid-transaction (seed {seed}, round {round})");
            Assert.True(keyedTx.Values.ToHashSet().SetEquals(Rows(tx.Scan(keyed))), $"seed {seed}, round {round}");
            Assert.True(bagTx.SetEquals(Rows(tx.Scan(bag))), $"seed {seed}, round {round}");
            if (rng.Next(5) == 0)
            {
                tx.Rollback();
            }
            else
            {
                var cs = tx.Commit();
                AssertNet(cs, keyed, keyedModel.Values.ToHashSet(), keyedTx.Values.ToHashSet());
                AssertNet(cs, bag, bagModel, bagTx);
                keyedModel = keyedTx;
                bagModel = bagTx;
            }
            if (rng.Next(10) == 0)
                held.Add((store.Committed, keyedModel.Values.ToHashSet(), bagModel.ToHashSet()));
        }
        held.Add((store.Committed, keyedModel.Values.ToHashSet(), bagModel.ToHashSet()));

        foreach (var (state, keyedRows, bagRows) in held)
        {
            Assert.True(keyedRows.SetEquals(Rows(state.Scan(keyed))), $"seed {seed}");
            Assert.True(bagRows.SetEquals(Rows(state.Scan(bag))), $"seed {seed}");
            foreach (var row in keyedRows)
            {
                Assert.True(state.TryFind(keyed, pk, U32(row.Item1), out var found));
                Assert.Equal(row, ReadPerson(found));
            }
            for (ulong age = 0; age < 6; age++)
            {
                Assert.True(keyedRows.Where(r => r.Item2 == age).ToHashSet().SetEquals(Rows(state.Filter(keyed, 1, U64(age)))), $"seed {seed}");
                Assert.True(bagRows.Where(r => r.Item2 == age).ToHashSet().SetEquals(Rows(state.Filter(bag, 1, U64(age)))), $"seed {seed}");
            }
            foreach (var row in bagRows)
                Assert.True(state.Contains(bag, PersonRow(row.Item1, row.Item2, row.Item3)));
        }
    }

    private static void AssertNet(Changesets.Changeset cs, TableId table, HashSet<(uint, ulong, string)> before, HashSet<(uint, ulong, string)> after)
    {
        var change = cs.Tables.FirstOrDefault(c => c.TableId == table);
        var inserts = change is null ? [] : change.Inserts.Select(r => ReadPerson(r.Span)).ToList();
        var deletes = change is null ? [] : change.Deletes.Select(r => ReadPerson(r.Span)).ToList();
        Assert.True(after.Except(before).ToHashSet().SetEquals(inserts));
        Assert.Equal(inserts.Count, inserts.Distinct().Count());
        Assert.True(before.Except(after).ToHashSet().SetEquals(deletes));
        Assert.Equal(deletes.Count, deletes.Distinct().Count());
    }

    [Fact]
    public void Sorted_batch_inserts_into_a_shared_tree_match_a_sorted_set_and_leave_the_old_root_intact()
    {
        var seed = TestSeed.Get(output);
        var rng = new Random(seed);
        for (var round = 0; round < 200; round++)
        {
            BTreeNode<ulong>? root = null;
            var model = new SortedSet<ulong>();
            var initial = rng.Next(0, 3000);
            for (var i = 0; i < initial; i++)
            {
                var k = (ulong)rng.Next(100_000);
                if (model.Add(k))
                    BTree<ulong, PointerOrder>.Insert(ref root, k, 1);
            }
            var shared = root;
            var sharedKeys = model.ToList();
            var batch = new SortedSet<ulong>();
            var size = rng.Next(0, rng.Next(2) == 0 ? 50 : 2000);
            while (batch.Count < size)
            {
                var k = (ulong)rng.Next(100_000);
                if (!model.Contains(k))
                    batch.Add(k);
            }
            BTree<ulong, PointerOrder>.InsertSorted(ref root, batch.ToArray(), 2);
            model.UnionWith(batch);
            Assert.Equal(model.ToList(), Keys(root));
            Assert.Equal(sharedKeys, Keys(shared));
            foreach (var k in batch.Take(20))
                Assert.True(BTree<ulong, PointerOrder>.Contains(root, k), $"seed {seed}, round {round}");
            // Single inserts and removes still work on the rebuilt tree.
            var extra = (ulong)rng.Next(100_000, 200_000);
            Assert.True(BTree<ulong, PointerOrder>.Insert(ref root, extra, 2));
            Assert.True(BTree<ulong, PointerOrder>.Remove(ref root, extra, 2));
        }
    }

    private static List<ulong> Keys(BTreeNode<ulong>? root)
    {
        var list = new List<ulong>();
        var cursor = new BTreeCursor<ulong, PointerOrder>();
        for (cursor.SeekFirst(root); cursor.Valid; cursor.MoveNext())
            list.Add(cursor.Current);
        return list;
    }
}
