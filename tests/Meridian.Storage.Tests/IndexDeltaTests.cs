using Meridian.Storage.Indexes;
using Meridian.Storage.Schema;
using Xunit.Abstractions;
using static Meridian.Storage.Tests.TestSchemas;

namespace Meridian.Storage.Tests;

/// <summary>
/// Secondary index entries of small batches go to a sorted delta beside the tree, merged into it once
/// the delta outgrows its limit. These tests pin that every read (filters, ranges both ways, lookups,
/// set semantics) sees tree and delta as one, that deletes and updates find entries in either, and
/// that versions and cursors taken earlier keep their entries.
/// </summary>
public class IndexDeltaTests(ITestOutputHelper output)
{
    private const int Age = 1;
    private const int Name = 2;

    private static TableIndex<ulong> AgeIndex(Datastore store, TableId t) => (TableIndex<ulong>)store.State.Table(t.Value)!.Indexes[Age];

    private static Dictionary<uint, (ulong Age, string Name)> Read(StateReader reader, TableId t)
    {
        var rows = new Dictionary<uint, (ulong, string)>();
        var cursor = reader.Scan(t);
        while (cursor.MoveNext())
        {
            var (id, age, name) = ReadPerson(cursor.Current);
            rows.Add(id, (age, name));
        }
        return rows;
    }

    /// <summary>Checks every index read of <paramref name="reader"/> against the model.</summary>
    private static void CheckReads(StateReader reader, TableId t, Dictionary<uint, (ulong Age, string Name)> model, Random random)
    {
        Assert.Equal(model.Count, reader.Count(t));
        foreach (var age in model.Values.Select(v => v.Age).Distinct().Append(999_999ul))
            Assert.Equal(model.Values.Count(v => v.Age == age), reader.Filter(t, Age, U64(age)).CountRemaining());
        for (var i = 0; i < 20; i++)
        {
            var name = "n" + random.Next(60);
            Assert.Equal(model.Values.Count(v => v.Name == name), reader.Filter(t, Name, Str(name)).CountRemaining());
        }
        // Ranges in key order, with each kind of bound.
        for (var i = 0; i < 20; i++)
        {
            var a = (ulong)random.Next(40);
            var b = a + (ulong)random.Next(15);
            var lowInclusive = random.Next(2) == 0;
            var highInclusive = random.Next(2) == 0;
            var range = IndexScanRange.Between(
                lowInclusive ? KeyBound.Inclusive(U64(a)) : KeyBound.Exclusive(U64(a)),
                highInclusive ? KeyBound.Inclusive(U64(b)) : KeyBound.Exclusive(U64(b)));
            var cursor = reader.ScanIndex(t, Age, range);
            var seen = new List<(uint, ulong)>();
            while (cursor.MoveNext())
            {
                var (id, age, _) = ReadPerson(cursor.Current);
                seen.Add((id, age));
            }
            var expected = model.Where(kv => (lowInclusive ? kv.Value.Age >= a : kv.Value.Age > a) && (highInclusive ? kv.Value.Age <= b : kv.Value.Age < b))
                .Select(kv => (kv.Key, kv.Value.Age)).OrderBy(x => x.Age).ToList();
            Assert.Equal(expected.Count, seen.Count);
            Assert.Equal(expected.Select(x => x.Age), seen.Select(x => x.Item2)); // ascending keys
            Assert.Equal(expected.Select(x => x.Key).Order(), seen.Select(x => x.Item1).Order());
        }
        var all = reader.ScanIndex(t, Name, IndexScanRange.Between(KeyBound.Unbounded, KeyBound.Unbounded));
        var names = new List<string>();
        while (all.MoveNext())
            names.Add(ReadPerson(all.Current).Name);
        Assert.Equal(model.Values.Select(v => v.Name).Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public void Small_batches_land_in_the_delta_and_every_read_sees_tree_and_delta_as_one()
    {
        var seed = TestSeed.Get(output);
        var random = new Random(seed);
        var store = Datastore.CreateInMemory();
        TableId t;
        var model = new Dictionary<uint, (ulong Age, string Name)>();
        using (var tx = store.BeginTransaction())
        {
            t = tx.CreateTable(Person(btreeEach: true, pk: false));
            for (uint i = 0; i < 2048; i++)
            {
                model[i] = ((ulong)random.Next(40), "n" + random.Next(60));
                tx.Insert(t, PersonRow(i, model[i].Age, model[i].Name));
            }
            tx.Commit();
        }
        Assert.Equal(0, AgeIndex(store, t).DeltaCount); // a large first batch goes into the tree

        var nextId = 2048u;
        var sawDelta = false;
        var sawMerge = false;
        var (lastDelta, lastTree) = (0, 2048);
        for (var round = 0; round < 12; round++)
        {
            var before = store.Committed;
            var beforeRows = new Dictionary<uint, (ulong Age, string Name)>(model);
            var heldCursor = before.Filter(t, Age, U64(7));
            using (var tx = store.BeginTransaction())
            {
                for (var i = 0; i < 200; i++)
                {
                    model[nextId] = ((ulong)random.Next(40), "n" + random.Next(60));
                    tx.Insert(t, PersonRow(nextId, model[nextId].Age, model[nextId].Name));
                    nextId++;
                }
                // Reads inside the transaction see the batch (it is merged on first read).
                CheckReads(tx, t, model, random);
                // Delete and move rows, some of them surely in the delta (recent ids), some in the tree.
                for (var i = 0; i < 30; i++)
                {
                    var id = random.Next(2) == 0 ? nextId - 1 - (uint)random.Next(400) : (uint)random.Next(2048);
                    if (!model.TryGetValue(id, out var row))
                        continue;
                    if (random.Next(2) == 0)
                    {
                        Assert.True(tx.Delete(t, PersonRow(id, row.Age, row.Name)));
                        model.Remove(id);
                    }
                    else
                    {
                        // No unique index: an update is a delete and an insert.
                        Assert.True(tx.Delete(t, PersonRow(id, row.Age, row.Name)));
                        model[id] = (row.Age + 100, row.Name + "x");
                        tx.Insert(t, PersonRow(id, model[id].Age, model[id].Name));
                    }
                }
                // Set semantics through the first index: an identical row is not inserted twice.
                var some = model.First();
                tx.Insert(t, PersonRow(some.Key, some.Value.Age, some.Value.Name));
                CheckReads(tx, t, model, random);
                tx.Commit();
            }
            var delta = AgeIndex(store, t).DeltaCount;
            var tree = AgeIndex(store, t).TreeCount;
            output.WriteLine($"round {round}: delta {delta} tree {tree}");
            sawDelta |= delta >= 150;
            sawMerge |= delta < lastDelta && tree >= lastTree + TableIndex<ulong>.DeltaLimit / 2;
            (lastDelta, lastTree) = (delta, tree);
            CheckReads(store.Committed, t, model, random);
            Assert.Equal(model, Read(store.Committed, t));
            // The version taken before, and a cursor opened on it, still see the rows as they were.
            Assert.Equal(beforeRows, Read(before, t));
            CheckReads(before, t, beforeRows, random);
            Assert.Equal(beforeRows.Values.Count(v => v.Age == 7), heldCursor.CountRemaining());
        }
        Assert.True(sawDelta, "no batch went to the delta");
        Assert.True(sawMerge, "the delta was never merged into the tree");
    }

    [Fact]
    public void A_cursor_opened_in_a_transaction_keeps_the_delta_it_started_with_while_the_transaction_deletes_from_it()
    {
        var store = Datastore.CreateInMemory();
        TableId t;
        using (var tx = store.BeginTransaction())
        {
            t = tx.CreateTable(Person(btreeEach: true, pk: false));
            for (uint i = 0; i < 2048; i++)
                tx.Insert(t, PersonRow(i, i % 16, "n" + i));
            tx.Commit();
        }
        using (var tx = store.BeginTransaction())
        {
            for (uint i = 2048; i < 2100; i++)
                tx.Insert(t, PersonRow(i, 5, "n" + i));
            tx.Commit();
        }
        Assert.True(AgeIndex(store, t).DeltaCount > 0);
        using (var tx = store.BeginTransaction())
        {
            for (uint i = 2100; i < 2110; i++)
                tx.Insert(t, PersonRow(i, 5, "n" + i));
            var cursor = tx.Filter(t, Age, U64(5));
            var seen = 0;
            // Delete every row with age 5 while iterating: the cursor still yields all of them.
            while (cursor.MoveNext())
            {
                var (id, age, name) = ReadPerson(cursor.Current);
                Assert.Equal(5ul, age);
                Assert.True(tx.Delete(t, PersonRow(id, age, name)));
                seen++;
            }
            Assert.Equal(128 + 52 + 10, seen);
            Assert.Equal(0, tx.Filter(t, Age, U64(5)).CountRemaining());
            tx.Commit();
        }
        Assert.Equal(0, store.Committed.Filter(t, Age, U64(5)).CountRemaining());
        Assert.Equal(2048 - 128, store.Committed.Count(t));
    }
}
