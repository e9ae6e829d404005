using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Meridian.Storage.Schema;
using static Meridian.Storage.Tests.TestSchemas;

namespace Meridian.Storage.Tests;

/// <summary>
/// Property: after any sequence of update transactions (some updating a row twice, some changing an
/// indexed key, some writing the bytes a row already has), every version taken along the way, and a
/// cursor opened inside a transaction before its updates, still reads exactly the bytes of its own
/// moment — by scan, by primary key and through the secondary indexes.
/// </summary>
public class OldSnapshotPropertyTests
{
    /// <summary>One update: which row (modulo the table size), its new age, and a name suffix (0: keep the name).</summary>
    public sealed record Change(byte Row, byte Age, byte Name);

    [SeededProperty(MaxTest = 60)]
    public Property Readers_on_an_old_version_see_old_bytes_after_updates(byte size, Change[][] batches) =>
        Check(1 + size % 40, batches).ToProperty();

    private static bool Check(int size, Change[][] batches)
    {
        using var store = Datastore.CreateInMemory();
        TableId t;
        var schema = Person(btreeEach: true);
        var model = new Dictionary<uint, byte[]>();
        using (var tx = store.BeginTransaction())
        {
            t = tx.CreateTable(schema);
            for (var i = 0u; i < size; i++)
                tx.Insert(t, model[i] = PersonRow(i, (ulong)(i % 5), "p" + i));
            tx.Commit();
        }
        var pk = schema.PrimaryKeyIndex;
        var versions = new List<(CommittedState State, Dictionary<uint, byte[]> Model)> { (store.Committed, new(model)) };
        foreach (var batch in batches ?? [])
        {
            using var tx = store.BeginTransaction();
            var before = new Dictionary<uint, byte[]>(model);
            var cursor = tx.Scan(t); // opened before the updates: must keep reading the transaction's start
            foreach (var change in batch ?? [])
            {
                if (change is null)
                    continue;
                var id = (uint)(change.Row % size);
                var (_, _, name) = ReadPerson(model[id]);
                var row = PersonRow(id, (ulong)(change.Age % 7), change.Name == 0 ? name : "n" + change.Name);
                // Half the time find the row first, as modules do: the update then takes the hinted path
                // (one comparison decides the row, the keys kept and whether to validate).
                if (change.Age % 2 == 0)
                    Assert.True(tx.TryFind(t, pk, U32(id), out _));
                tx.Update(t, pk, row);
                model[id] = row;
            }
            var seen = new Dictionary<uint, byte[]>();
            while (cursor.MoveNext())
                seen[ReadPerson(cursor.Current).Id] = cursor.Current.ToArray();
            if (!Same(before, seen))
                return false;
            tx.Commit();
            versions.Add((store.Committed, new(model)));
        }
        foreach (var (state, expected) in versions)
        {
            if (!Same(expected, state.ReadAll(t).ToDictionary(r => ReadPerson(r).Id, r => r)))
                return false;
            foreach (var (id, row) in expected)
            {
                if (!state.TryFind(t, pk, U32(id), out var found) || !found.SequenceEqual(row))
                    return false;
            }
            // The age index (key changed by most updates) gives each version's own rows per age.
            for (var age = 0ul; age < 7; age++)
            {
                var want = expected.Values.Where(r => ReadPerson(r).Age == age).Select(Convert.ToHexString).Order(StringComparer.Ordinal);
                var cursor = state.Filter(t, 1, U64(age));
                var got = new List<string>();
                while (cursor.MoveNext())
                    got.Add(Convert.ToHexString(cursor.Current));
                if (!want.SequenceEqual(got.Order(StringComparer.Ordinal)))
                    return false;
            }
        }
        return true;
    }

    private static bool Same(Dictionary<uint, byte[]> expected, Dictionary<uint, byte[]> actual) =>
        expected.Count == actual.Count && expected.All(e => actual.TryGetValue(e.Key, out var a) && a.AsSpan().SequenceEqual(e.Value));
}
