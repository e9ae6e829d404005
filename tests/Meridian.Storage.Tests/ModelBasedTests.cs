using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using Meridian.Sats.Values;
using Meridian.Storage.Indexes;
using Meridian.Storage.Schema;
using Xunit.Abstractions;

namespace Meridian.Storage.Tests;

/// <summary>
/// Random sequences of inserts, deletes, updates, scans, commits and rollbacks, checked after every
/// step against a plain dictionary model: the transaction's view, committed state, index scans and
/// the changesets must all agree with it.
/// </summary>
public class ModelBasedTests(ITestOutputHelper output)
{
    // (id u32 pk, grp i32 btree, name string btree, tag u8) with a unique constraint on name.
    private static readonly TableSchema Schema = new(
        "things",
        AlgebraicType.Product(("id", AlgebraicType.U32), ("grp", AlgebraicType.I32), ("name", AlgebraicType.String), ("tag", AlgebraicType.U8)),
        indexes: [new IndexSchema("grp", [1]), new IndexSchema("grp_tag", [1, 3])],
        uniqueConstraints: [new UniqueConstraintSchema("things_name_key", [2])],
        primaryKey: 0);

    private sealed record Thing(uint Id, int Grp, string Name, byte Tag)
    {
        public byte[] Bytes()
        {
            var w = new BsatnWriter();
            w.WriteU32(Id);
            w.WriteI32(Grp);
            w.WriteString(Name);
            w.WriteU8(Tag);
            return w.ToArray();
        }

        public static Thing From(ReadOnlySpan<byte> row)
        {
            var r = new BsatnReader(row);
            return new Thing(r.ReadU32(), r.ReadI32(), r.ReadString(), r.ReadU8());
        }
    }

    private static List<Thing> Read(RowCursor cursor)
    {
        var list = new List<Thing>();
        while (cursor.MoveNext())
            list.Add(Thing.From(cursor.Current));
        return list;
    }

    [Fact]
    public void Random_operations_agree_with_a_reference_model()
    {
        var seed = TestSeed.Get(output);
        var rng = new Random(seed);
        var store = Datastore.CreateInMemory();
        TableId t;
        using (var tx = store.BeginTransaction())
        {
            t = tx.CreateTable(Schema);
            tx.Commit();
        }
        var pk = Schema.PrimaryKeyIndex;
        var nameIndex = Schema.UniqueIndexOn(2);
        var committed = new Dictionary<uint, Thing>();

        for (var round = 0; round < 300; round++)
        {
            var tx = store.BeginTransaction();
            var model = new Dictionary<uint, Thing>(committed);
            var before = store.Committed;
            var beforeRows = committed.Values.ToHashSet();
            for (var step = rng.Next(1, 30); step > 0; step--)
            {
                var id = (uint)rng.Next(60);
                var thing = new Thing(id, rng.Next(-3, 4), "n" + rng.Next(80), (byte)rng.Next(3));
                switch (rng.Next(7))
                {
                    case 0:
                    case 1:
                    {
                        var clash = model.Values.Any(m => m.Id != id && m.Name == thing.Name) || (model.TryGetValue(id, out var same) && same != thing);
                        if (clash)
                        {
                            Assert.Throws<UniqueConstraintViolationException>(() => tx.Insert(t, thing.Bytes()));
                        }
                        else
                        {
                            tx.Insert(t, thing.Bytes());
                            model[id] = thing;
                        }
                        break;
                    }
                    case 2:
                    {
                        var existed = model.Remove(id, out var old);
                        Assert.Equal(existed ? 1 : 0, tx.DeleteByKey(t, pk, AlgebraicValue.U32(id)));
                        _ = old;
                        break;
                    }
                    case 3:
                    {
                        if (!model.ContainsKey(id))
                        {
                            Assert.Throws<RowNotFoundException>(() => tx.Update(t, pk, thing.Bytes()));
                        }
                        else if (model.Values.Any(m => m.Id != id && m.Name == thing.Name))
                        {
                            Assert.Throws<UniqueConstraintViolationException>(() => tx.Update(t, pk, thing.Bytes()));
                        }
                        else
                        {
                            tx.Update(t, pk, thing.Bytes());
                            model[id] = thing;
                        }
                        break;
                    }
                    case 4:
                    {
                        // Iterate while mutating: the cursor sees the table as it was.
                        var snapshot = model.Values.ToHashSet();
                        var cursor = tx.Scan(t);
                        var seen = new HashSet<Thing>();
                        while (cursor.MoveNext())
                        {
                            var row = Thing.From(cursor.Current);
                            seen.Add(row);
                            if (rng.Next(4) == 0)
                            {
                                tx.Delete(t, cursor.Current);
                                model.Remove(row.Id);
                            }
                        }
                        Assert.True(snapshot.SetEquals(seen));
                        break;
                    }
                    case 5:
                    {
                        var lo = rng.Next(-4, 4);
                        var hi = rng.Next(lo, 5);
                        var range = IndexScanRange.Between(KeyBound.Inclusive(AlgebraicValue.I32(lo)), KeyBound.Exclusive(AlgebraicValue.I32(hi)));
                        var got = Read(tx.ScanIndex(t, 0, range));
                        var want = model.Values.Where(m => m.Grp >= lo && m.Grp < hi).ToList();
                        Assert.Equal(want.ToHashSet(), got.ToHashSet());
                        Assert.Equal(got.Select(g => g.Grp).Order().ToList(), got.Select(g => g.Grp).ToList());
                        var g = rng.Next(-3, 4);
                        var tag = (byte)rng.Next(3);
                        var prefix = Read(tx.ScanIndex(t, 1, IndexScanRange.WithPrefix(AlgebraicValue.I32(g), AlgebraicValue.U8(tag))));
                        Assert.Equal(model.Values.Where(m => m.Grp == g && m.Tag == tag).ToHashSet(), prefix.ToHashSet());
                        var upTo = new IndexScanRange(AlgebraicValue.I32(g).ToBsatn(), 1, KeyBound.Unbounded, KeyBound.Inclusive(AlgebraicValue.U8(tag)));
                        var tagUpTo = Read(tx.ScanIndex(t, 1, upTo));
                        Assert.Equal(model.Values.Where(m => m.Grp == g && m.Tag <= tag).ToHashSet(), tagUpTo.ToHashSet());
                        break;
                    }
                    default:
                    {
                        var name = "n" + rng.Next(80);
                        var found = tx.TryFind(t, nameIndex, AlgebraicValue.String(name), out var row);
                        var expected = model.Values.FirstOrDefault(m => m.Name == name);
                        Assert.Equal(expected is not null, found);
                        if (found)
                            Assert.Equal(expected, Thing.From(row));
                        break;
                    }
                }
                Assert.Equal(model.Count, tx.Count(t));
            }
            Assert.Equal(model.Values.ToHashSet(), Read(tx.Scan(t)).ToHashSet());

            if (rng.Next(4) == 0)
            {
                tx.Rollback();
            }
            else
            {
                var cs = tx.Commit();
                // The changeset is exactly the difference between the two committed states.
                var inserted = cs.For(t)?.Inserts.Select(r => Thing.From(r.Span)).ToHashSet() ?? [];
                var deleted = cs.For(t)?.Deletes.Select(r => Thing.From(r.Span)).ToHashSet() ?? [];
                Assert.Equal(model.Values.Except(committed.Values).ToHashSet(), inserted);
                Assert.Equal(committed.Values.Except(model.Values).ToHashSet(), deleted);
                committed = model;
            }
            Assert.Equal(committed.Values.ToHashSet(), Read(store.Committed.Scan(t)).ToHashSet());
            // An older version is untouched by later commits.
            Assert.Equal(beforeRows, Read(before.Scan(t)).ToHashSet());
        }
    }
}
