using Meridian.Sats.Values;
using Meridian.Storage.Indexes;
using Meridian.Storage.Schema;
using Xunit.Abstractions;
using static Meridian.Storage.Tests.TestSchemas;

namespace Meridian.Storage.Tests;

/// <summary>
/// The update path moves a row's tree entries to its new bytes in one step (re-pointing entries in
/// place where a key did not change). These tests pin what it must keep: every index finds the new
/// row and not the old one, the changeset is still a delete plus an insert (net), rollback and
/// iteration snapshots see nothing of it, and published versions never change.
/// </summary>
public class UpdateTests(ITestOutputHelper output)
{
    // Person (id pk, age, name) with a unique name, a non-unique age index (few distinct ages, so
    // many equal keys) and a two-column index.
    private static readonly TableSchema Schema = new(
        "people",
        PersonType,
        indexes: [new IndexSchema("age", [1]), new IndexSchema("age_name", [1, 2])],
        uniqueConstraints: [new UniqueConstraintSchema("people_name_key", [2])],
        primaryKey: 0);

    private static readonly int Pk = Schema.PrimaryKeyIndex;
    private static readonly int AgeIndex = Schema.IndexOn(1);
    private static readonly int AgeNameIndex = Schema.IndexId("age_name");
    private static readonly int NameIndex = Schema.UniqueIndexOn(2);

    private static (Datastore Store, TableId Table) NewStore()
    {
        var store = Datastore.CreateInMemory();
        using var tx = store.BeginTransaction();
        var id = tx.CreateTable(Schema);
        tx.Commit();
        return (store, id);
    }

    private static HashSet<(uint, ulong, string)> Rows(RowCursor cursor)
    {
        var set = new HashSet<(uint, ulong, string)>();
        while (cursor.MoveNext())
            Assert.True(set.Add(ReadPerson(cursor.Current)));
        return set;
    }

    /// <summary>Checks the row set and every index of <paramref name="reader"/> against the model.</summary>
    private static void AssertMatches(StateReader reader, TableId t, Dictionary<uint, (uint Id, ulong Age, string Name)> model)
    {
        Assert.Equal(model.Count, reader.Count(t));
        Assert.True(model.Values.ToHashSet().SetEquals(Rows(reader.Scan(t))));
        foreach (var row in model.Values)
        {
            Assert.True(reader.TryFind(t, Pk, U32(row.Id), out var byId));
            Assert.Equal(row, ReadPerson(byId));
            Assert.True(reader.TryFind(t, NameIndex, Str(row.Name), out var byName));
            Assert.Equal(row, ReadPerson(byName));
            Assert.Contains(row, Rows(reader.Filter(t, AgeNameIndex, AlgebraicValue.Product(AlgebraicValue.U64(row.Age), AlgebraicValue.String(row.Name)))));
        }
        foreach (var age in model.Values.Select(r => r.Age).Distinct().Append(99ul))
        {
            var expected = model.Values.Where(r => r.Age == age).ToHashSet();
            Assert.True(expected.SetEquals(Rows(reader.Filter(t, AgeIndex, U64(age)))));
        }
        // A full scan of each index holds each live row exactly once.
        foreach (var index in new[] { Pk, AgeIndex, AgeNameIndex, NameIndex })
            Assert.Equal(model.Count, Rows(reader.ScanIndex(t, index, IndexScanRange.Between(KeyBound.Unbounded, KeyBound.Unbounded))).Count);
    }

    [Fact]
    public void Updates_keep_every_index_right_and_changesets_net_under_random_commits_rollbacks_and_cursors()
    {
        var seed = TestSeed.Get(output);
        var rng = new Random(seed);
        var (store, t) = NewStore();
        var committed = new Dictionary<uint, (uint Id, ulong Age, string Name)>();
        using (var tx = store.BeginTransaction())
        {
            // Enough rows for trees several levels deep, ids inserted out of order.
            foreach (var id in Enumerable.Range(0, 3000).OrderBy(_ => rng.Next()))
            {
                var row = ((uint)id, (ulong)rng.Next(4), "n" + id);
                tx.Insert(t, PersonRow(row.Item1, row.Item2, row.Item3));
                committed[(uint)id] = row;
            }
            tx.Commit();
        }

        for (var round = 0; round < 40; round++)
        {
            var before = store.Committed;
            var tx = store.BeginTransaction();
            var model = new Dictionary<uint, (uint Id, ulong Age, string Name)>(committed);
            RowCursor? cursor = null;
            HashSet<(uint, ulong, string)>? cursorExpected = null;
            for (var step = rng.Next(1, 400); step > 0; step--)
            {
                if (cursor is null && rng.Next(100) == 0)
                {
                    cursor = tx.Scan(t);
                    cursorExpected = model.Values.ToHashSet();
                }
                // Mostly a small range of ids, so rows get updated several times in one transaction.
                var id = (uint)(rng.Next(2) == 0 ? rng.Next(50) : rng.Next(3000));
                if (!model.TryGetValue(id, out var old))
                    continue;
                var age = rng.Next(3) == 0 ? (ulong)rng.Next(4) : old.Age;
                var name = rng.Next(4) == 0 ? "m" + rng.Next(3000) : old.Name;
                if (rng.Next(10) == 0)
                    name = committed.TryGetValue(id, out var orig) ? orig.Name : name; // back towards the committed row
                if (model.Values.Any(r => r.Id != id && r.Name == name))
                {
                    Assert.Throws<UniqueConstraintViolationException>(() => tx.Update(t, Pk, PersonRow(id, age, name)));
                    continue;
                }
                var stored = tx.Update(t, Pk, PersonRow(id, age, name));
                Assert.Equal((id, age, name), ReadPerson(stored));
                model[id] = (id, age, name);
            }
            AssertMatches(tx, t, model);
            if (cursor is not null)
                Assert.True(cursorExpected!.SetEquals(Rows(cursor)));

            if (rng.Next(3) == 0)
            {
                tx.Rollback();
                Assert.Same(before, store.Committed);
            }
            else
            {
                var cs = tx.Commit();
                var expectedDeletes = committed.Values.Except(model.Values).ToHashSet();
                var expectedInserts = model.Values.Except(committed.Values).ToHashSet();
                var change = cs.Tables.SingleOrDefault();
                var deletes = change is null ? [] : Enumerable.Range(0, change.Deletes.Count).Select(i => ReadPerson(change.Deletes.Span(i))).ToList();
                var inserts = change is null ? [] : Enumerable.Range(0, change.Inserts.Count).Select(i => ReadPerson(change.Inserts.Span(i))).ToList();
                Assert.Equal(deletes.Count, deletes.Distinct().Count());
                Assert.Equal(inserts.Count, inserts.Distinct().Count());
                Assert.True(expectedDeletes.SetEquals(deletes), $"round {round}: deletes differ");
                Assert.True(expectedInserts.SetEquals(inserts), $"round {round}: inserts differ");
                committed = model;
            }
            // The version that was committed before the round is unchanged either way.
            AssertMatches(store.Committed, t, committed);
            if (round % 10 == 0)
                Assert.Equal(before.Count(t), Rows(before.Scan(t)).Count);
        }
    }

    [Fact]
    public void A_published_version_keeps_its_rows_and_index_entries_after_later_updates()
    {
        var (store, t) = NewStore();
        using (var tx = store.BeginTransaction())
        {
            for (uint id = 0; id < 200; id++)
                tx.Insert(t, PersonRow(id, id % 3, "n" + id));
            tx.Commit();
        }
        var v1 = store.Committed;
        using (var tx = store.BeginTransaction())
        {
            for (uint id = 0; id < 200; id += 2)
                tx.Update(t, Pk, PersonRow(id, id % 3, "n" + id + "x"));
            for (uint id = 1; id < 200; id += 4)
                tx.Update(t, Pk, PersonRow(id, 7, "n" + id));
            tx.Commit();
        }
        var v1Model = Enumerable.Range(0, 200).Select(i => (uint)i).ToDictionary(i => i, i => (i, (ulong)(i % 3), "n" + i));
        AssertMatches(v1, t, v1Model);
        var v2Model = v1Model.ToDictionary(
            kv => kv.Key,
            kv => kv.Key % 2 == 0 ? (kv.Key, (ulong)(kv.Key % 3), "n" + kv.Key + "x") : kv.Key % 4 == 1 ? (kv.Key, 7ul, "n" + kv.Key) : kv.Value);
        AssertMatches(store.Committed, t, v2Model);
        Assert.False(store.Committed.TryFind(t, NameIndex, Str("n0"), out _));
        Assert.True(v1.TryFind(t, NameIndex, Str("n0"), out _));
    }

    [Fact]
    public void Updating_an_own_row_several_times_records_only_the_final_insert()
    {
        var (store, t) = NewStore();
        using var tx = store.BeginTransaction();
        tx.Insert(t, PersonRow(1, 1, "a"));
        tx.Update(t, Pk, PersonRow(1, 2, "a"));
        tx.Update(t, Pk, PersonRow(1, 2, "b"));
        tx.Update(t, Pk, PersonRow(1, 3, "c"));
        Assert.False(tx.TryFind(t, NameIndex, Str("a"), out _));
        Assert.Equal((1u, 3ul, "c"), ReadPerson(tx.ReadAll(t).Single()));
        var change = tx.Commit().Tables.Single();
        Assert.Empty(change.Deletes);
        Assert.Equal((1u, 3ul, "c"), ReadPerson(change.Inserts.Span(0)));
    }

    [Fact]
    public void Updating_a_committed_row_twice_records_one_delete_and_one_insert()
    {
        var (store, t) = NewStore();
        using (var tx = store.BeginTransaction())
        {
            tx.Insert(t, PersonRow(1, 1, "a"));
            tx.Commit();
        }
        using (var tx = store.BeginTransaction())
        {
            tx.Update(t, Pk, PersonRow(1, 2, "a"));
            tx.Update(t, Pk, PersonRow(1, 2, "b"));
            var change = tx.Commit().Tables.Single();
            Assert.Equal((1u, 1ul, "a"), ReadPerson(change.Deletes.Single().Span));
            Assert.Equal((1u, 2ul, "b"), ReadPerson(change.Inserts.Single().Span));
        }
    }

    [Fact]
    public void A_cursor_opened_before_updates_sees_the_old_rows()
    {
        var (store, t) = NewStore();
        using (var tx = store.BeginTransaction())
        {
            for (uint id = 0; id < 100; id++)
                tx.Insert(t, PersonRow(id, 0, "n" + id));
            tx.Commit();
        }
        using (var tx = store.BeginTransaction())
        {
            tx.Update(t, Pk, PersonRow(5, 1, "n5")); // the table now has private nodes
            var cursor = tx.Scan(t);
            var byAge = tx.Filter(t, AgeIndex, U64(0));
            var seen = new List<(uint Id, ulong Age, string Name)>();
            while (cursor.MoveNext())
            {
                var row = ReadPerson(cursor.Current);
                seen.Add(row);
                tx.Update(t, Pk, PersonRow(row.Id, row.Age + 10, row.Name));
            }
            Assert.Equal(100, seen.Count);
            Assert.Equal(1ul, seen.Single(r => r.Id == 5).Age);
            Assert.All(seen.Where(r => r.Id != 5), r => Assert.Equal(0ul, r.Age));
            Assert.Equal(99, Rows(byAge).Count);
            Assert.Empty(Rows(tx.Filter(t, AgeIndex, U64(0))));
            Assert.Equal(99, Rows(tx.Filter(t, AgeIndex, U64(10))).Count);
            Assert.Equal((5u, 11ul, "n5"), Rows(tx.Filter(t, AgeIndex, U64(11))).Single());
        }
        Assert.Equal(100, Rows(store.Committed.Filter(t, AgeIndex, U64(0))).Count);
    }
}
