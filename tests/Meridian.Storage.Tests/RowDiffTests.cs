using FsCheck;
using FsCheck.Fluent;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using Meridian.Storage.Schema;
using Meridian.Storage.Tables;
using static Meridian.Storage.Tests.TestSchemas;

namespace Meridian.Storage.Tests;

/// <summary>
/// An update compares the old and new bytes once (<see cref="RowChange"/>) and decides from that
/// alone whether it has the right row, whether indexes kept their key and whether the new bytes need
/// validating (<see cref="RowDiff"/>). These tests pin the comparison against a byte-by-byte model
/// and the decisions against what the full checks would say: bad bytes are still refused, clashes in
/// other unique indexes still found, and indexes whose key changed still follow the row.
/// </summary>
public class RowDiffTests
{
    [SeededProperty(MaxTest = 300)]
    public Property Row_change_finds_the_first_and_last_differing_bytes(byte[] oldRow, byte[] newRow, byte[] pick)
    {
        oldRow ??= [];
        newRow ??= [];
        // Half the cases: the same length with a few bytes changed, the interesting case for `Last`.
        if (pick is { Length: > 0 } && pick[0] % 2 == 0)
        {
            newRow = (byte[])oldRow.Clone();
            foreach (var p in pick.Skip(1))
            {
                if (newRow.Length > 0)
                    newRow[p % newRow.Length] ^= (byte)(1 + p % 255);
            }
        }
        var change = RowChange.Of(oldRow, newRow);
        var first = 0;
        while (first < Math.Min(oldRow.Length, newRow.Length) && oldRow[first] == newRow[first])
            first++;
        bool ok;
        if (oldRow.Length != newRow.Length)
        {
            ok = change.First == first && change.Last == int.MaxValue && !change.Identical;
        }
        else if (first == oldRow.Length)
        {
            ok = change.Identical;
        }
        else
        {
            var last = oldRow.Length - 1;
            while (oldRow[last] == newRow[last])
                last--;
            ok = change.First == first && change.Last == last && !change.Identical;
        }
        return ok.Label($"old {Convert.ToHexString(oldRow)} new {Convert.ToHexString(newRow)} got {change}");
    }

    // (id u32 pk, flag bool, code u32 unique, score u64 indexed, note string): offsets 0, 4, 5, 9, 17.
    private static readonly TableSchema Mixed = new(
        "mixed",
        AlgebraicType.Product(("id", AlgebraicType.U32), ("flag", AlgebraicType.Bool), ("code", AlgebraicType.U32),
            ("score", AlgebraicType.U64), ("note", AlgebraicType.String)),
        indexes: [new IndexSchema("mixed_score", [3])],
        uniqueConstraints: [new UniqueConstraintSchema("mixed_code_key", [2])],
        primaryKey: 0);

    private static byte[] MixedRow(uint id, bool flag, uint code, ulong score, string note)
    {
        var w = new BsatnWriter();
        w.WriteU32(id);
        w.WriteBool(flag);
        w.WriteU32(code);
        w.WriteU64(score);
        w.WriteString(note);
        return w.ToArray();
    }

    private static (Datastore Store, TableId Table) NewMixed()
    {
        var store = Datastore.CreateInMemory();
        using var tx = store.BeginTransaction();
        var t = tx.CreateTable(Mixed);
        for (var i = 0u; i < 10; i++)
            tx.Insert(t, MixedRow(i, i % 2 == 0, 100 + i, i * 10, "n" + i));
        tx.Commit();
        return (store, t);
    }

    [Fact]
    public void The_diff_knows_which_keys_lie_in_changed_bytes_and_which_changes_stay_valid()
    {
        var data = new TableData(Mixed);
        var pk = Mixed.PrimaryKeyIndex;
        var code = Mixed.UniqueIndexOn(2);
        var score = Mixed.IndexOn(3);
        var old = MixedRow(1, true, 101, 10, "n1");

        var scoreOnly = RowChange.Of(old, MixedRow(1, true, 101, 11, "n1"));
        Assert.True(data.Diff.KeyUnchanged(pk, scoreOnly));
        Assert.True(data.Diff.KeyUnchanged(code, scoreOnly));
        Assert.False(data.Diff.KeyUnchanged(score, scoreOnly));
        Assert.True(data.Diff.StaysValid(scoreOnly)); // numbers only

        var flagOnly = RowChange.Of(old, MixedRow(1, false, 101, 10, "n1"));
        Assert.True(data.Diff.KeyUnchanged(score, flagOnly));
        Assert.False(data.Diff.StaysValid(flagOnly)); // a bool has invalid bit patterns

        var noteOnly = RowChange.Of(old, MixedRow(1, true, 101, 10, "n2"));
        Assert.True(data.Diff.KeyUnchanged(pk, noteOnly) && data.Diff.KeyUnchanged(code, noteOnly) && data.Diff.KeyUnchanged(score, noteOnly));
        Assert.False(data.Diff.StaysValid(noteOnly)); // string bytes: UTF-8 must be checked

        var longer = RowChange.Of(old, MixedRow(1, true, 101, 10, "n10"));
        Assert.True(data.Diff.KeyUnchanged(score, longer)); // fixed-offset columns before the first difference
        Assert.False(data.Diff.StaysValid(longer));

        var idToo = RowChange.Of(old, MixedRow(2, true, 101, 11, "n1"));
        Assert.False(data.Diff.KeyUnchanged(pk, idToo));
    }

    [Fact]
    public void An_update_through_the_hint_still_refuses_bad_bytes_and_changes_nothing()
    {
        var (store, t) = NewMixed();
        using (store)
        {
            var before = store.Committed.Scan(t).ToList();
            using var tx = store.BeginTransaction();
            var cursor = tx.Scan(t);
            Assert.True(cursor.MoveNext()); // the hint: row 0
            var badFlag = cursor.Current.ToArray();
            badFlag[4] = 2; // a bool of 2
            Assert.Throws<BsatnDecodeException>(() => tx.Update(t, Mixed.PrimaryKeyIndex, badFlag));
            var badUtf8 = cursor.Current.ToArray();
            badUtf8[^1] = 0xFF; // the note's last byte, not UTF-8
            Assert.Throws<BsatnDecodeException>(() => tx.Update(t, Mixed.PrimaryKeyIndex, badUtf8));
            var truncated = cursor.Current[..^1].ToArray();
            Assert.Throws<BsatnDecodeException>(() => tx.Update(t, Mixed.PrimaryKeyIndex, truncated));
            Assert.Equal(before, tx.Scan(t).ToList());
            tx.Commit();
            Assert.Equal(before, store.Committed.Scan(t).ToList());
        }
    }

    [Fact]
    public void An_update_through_the_hint_still_finds_clashes_in_other_unique_indexes_and_moves_changed_keys()
    {
        var (store, t) = NewMixed();
        using (store)
        {
            using var tx = store.BeginTransaction();
            var cursor = tx.Scan(t);
            Assert.True(cursor.MoveNext()); // row 0: code 100
            Assert.Throws<UniqueConstraintViolationException>(() => tx.Update(t, Mixed.PrimaryKeyIndex, MixedRow(0, true, 105, 0, "n0")));
            // A score change moves the row in the score index; the code index keeps it where it was.
            tx.Update(t, Mixed.PrimaryKeyIndex, MixedRow(0, true, 100, 777, "n0"));
            Assert.True(cursor.MoveNext()); // row 1
            tx.Update(t, Mixed.PrimaryKeyIndex, MixedRow(1, false, 201, 10, "n1")); // code changes: unique index follows
            tx.Commit();
        }
        var c = store.Committed;
        Assert.Single(c.Filter(t, Mixed.IndexOn(3), U64(777)).ToList());
        Assert.Empty(c.Filter(t, Mixed.IndexOn(3), U64(0)).ToList());
        Assert.True(c.TryFind(t, Mixed.UniqueIndexOn(2), U32(100), out var row0));
        Assert.Equal(MixedRow(0, true, 100, 777, "n0"), row0.ToArray());
        Assert.False(c.TryFind(t, Mixed.UniqueIndexOn(2), U32(101), out _));
        Assert.True(c.TryFind(t, Mixed.UniqueIndexOn(2), U32(201), out var row1));
        Assert.Equal(MixedRow(1, false, 201, 10, "n1"), row1.ToArray());
    }

    [Fact]
    public void An_update_whose_key_differs_from_the_hinted_row_finds_its_own_row()
    {
        var (store, t) = NewMixed();
        using (store)
        {
            using var tx = store.BeginTransaction();
            var cursor = tx.Scan(t);
            Assert.True(cursor.MoveNext()); // hint on row 0, update row 7
            tx.Update(t, Mixed.PrimaryKeyIndex, MixedRow(7, false, 107, 71, "n7"));
            Assert.Throws<RowNotFoundException>(() => tx.Update(t, Mixed.PrimaryKeyIndex, MixedRow(70, false, 170, 1, "x")));
            tx.Commit();
            var change = Assert.Single(store.Committed.Scan(t).ToList(), r => r.AsSpan(0, 4).SequenceEqual(U32(7)));
            Assert.Equal(MixedRow(7, false, 107, 71, "n7"), change);
            Assert.True(store.Committed.TryFind(t, Mixed.PrimaryKeyIndex, U32(0), out var row0));
            Assert.Equal(MixedRow(0, true, 100, 0, "n0"), row0.ToArray());
        }
    }
}
