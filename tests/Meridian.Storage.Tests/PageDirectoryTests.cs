using Meridian.Storage.Schema;
using Xunit.Abstractions;
using static Meridian.Storage.Tests.TestSchemas;

namespace Meridian.Storage.Tests;

/// <summary>
/// The row heap's page directory (issue 15, pagedir6): a table that is only ever updated must not make the
/// directory (and the copy a commit that drops pages makes of it) grow with every page it ever filled.
/// </summary>
public class PageDirectoryTests(ITestOutputHelper output)
{
    private const int Rows = 200;
    private const int Transactions = 100_000;
    // Long names so that 100k transactions fill about a thousand 64 KiB pages.
    private static readonly string Padding = new('x', 300);

    private static string Name(uint id) => "name" + id + Padding;

    [Theory]
    [InlineData(Rows)] // every row updated: old pages empty out and are dropped
    [InlineData(10)] // only the first rows: the first page keeps rows that never move and must not pin the directory
    public void The_directory_stays_bounded_under_endless_updates(int updatedRows)
    {
        var seed = TestSeed.Get(output);
        var random = new Random(seed);
        var store = Datastore.CreateInMemory();
        TableId t;
        using (var tx = store.BeginTransaction())
        {
            t = tx.CreateTable(Person());
            for (uint i = 0; i < Rows; i++)
                tx.Insert(t, PersonRow(i, 0, Name(i)));
            tx.Commit();
        }
        var pk = store.Committed.GetTable(t).PrimaryKeyIndex;
        var early = store.Committed;
        var earlyCursor = early.Scan(t);
        Assert.True(earlyCursor.MoveNext());
        var earlyRow = earlyCursor.CurrentMemory;
        var ages = new ulong[Rows];
        var largestWindow = 0;
        var largestArray = 0;
        for (var n = 1; n <= Transactions; n++)
        {
            using var tx = store.BeginTransaction();
            for (var k = 0; k < 2; k++)
            {
                var id = (uint)random.Next(updatedRows);
                ages[id] = (ulong)n;
                tx.Update(t, pk, PersonRow(id, (ulong)n, Name(id)));
            }
            tx.Commit();
            var heap = store.State.Table(t.Value)!.Heap;
            largestWindow = Math.Max(largestWindow, heap.WindowLength);
            largestArray = Math.Max(largestArray, heap.Pages.Length);
        }
        var final = store.State.Table(t.Value)!.Heap;
        output.WriteLine($"pages made {final.PageCount}, window {final.WindowLength} (largest {largestWindow}), "
            + $"held {final.HeldPages}, directory array {final.Pages.Length} (largest {largestArray})");
        // ~200k rows of ~320 bytes were written: about a thousand pages. The live rows fit in a few.
        Assert.True(final.PageCount > 500, $"only {final.PageCount} pages were made; the test does not exercise the directory");
        Assert.True(largestWindow <= 64, $"the directory window reached {largestWindow} pages");
        Assert.True(largestArray <= 128, $"the directory array reached {largestArray} slots");
        var c = store.Committed;
        Assert.Equal(Rows, c.Count(t));
        for (uint i = 0; i < Rows; i++)
        {
            Assert.True(c.TryFind(t, pk, U32(i), out var row));
            Assert.Equal((i, ages[i], Name(i)), ReadPerson(row));
        }
        // The version and cursor taken before all of that still read their own bytes.
        Assert.Equal((0u, 0ul, Name(0)), ReadPerson(earlyRow.Span));
        Assert.Equal((0u, 0ul, Name(0)), ReadPerson(earlyCursor.Current));
        Assert.Equal(Rows - 1, earlyCursor.CountRemaining());
        Assert.True(early.TryFind(t, pk, U32(5), out var old));
        Assert.Equal((5u, 0ul, Name(5)), ReadPerson(old));
    }

    [Fact]
    public void Renumbered_pages_keep_every_version_and_each_transactions_own_rows_apart()
    {
        var seed = TestSeed.Get(output);
        var random = new Random(seed);
        var store = Datastore.CreateInMemory();
        TableId t;
        using (var tx = store.BeginTransaction())
        {
            t = tx.CreateTable(Person());
            for (uint i = 0; i < Rows; i++)
                tx.Insert(t, PersonRow(i, 0, Name(i)));
            tx.Commit();
        }
        var pk = store.Committed.GetTable(t).PrimaryKeyIndex;
        var versions = new List<(CommittedState State, RowCursor Cursor, ulong[] Ages)>();
        var ages = new ulong[Rows];
        var renumbered = 0;
        var lastFirstPage = 0;
        Meridian.Storage.Tables.TableData.RenumberAtOnThisThread = 16;
        try
        {
            for (var n = 1; n <= 20_000; n++)
            {
                using var tx = store.BeginTransaction();
                // The same row twice: the second update is of the transaction's own row and must not
                // show in the changeset as a second change.
                var id = (uint)random.Next(Rows);
                tx.Update(t, pk, PersonRow(id, (ulong)n, Name(id)));
                tx.Update(t, pk, PersonRow(id, (ulong)n + 1, Name(id)));
                ages[id] = (ulong)n + 1;
                var changes = tx.Commit().Tables.Single();
                Assert.Single(changes.Inserts);
                Assert.Single(changes.Deletes);
                var heap = store.State.Table(t.Value)!.Heap;
                if (heap.FirstPage < lastFirstPage)
                    renumbered++;
                lastFirstPage = heap.FirstPage;
                Assert.True(heap.PageCount < 16 + 64, $"page {heap.PageCount} was made after renumbering at 16");
                if (n % 2000 == 0)
                {
                    var cursor = store.Committed.Scan(t);
                    versions.Add((store.Committed, cursor, (ulong[])ages.Clone()));
                }
            }
        }
        finally
        {
            Meridian.Storage.Tables.TableData.RenumberAtOnThisThread = 0;
        }
        output.WriteLine($"renumbered {renumbered} times");
        Assert.True(renumbered >= 5, $"renumbered only {renumbered} times");
        foreach (var (state, cursor, expected) in versions.Append((store.Committed, store.Committed.Scan(t), ages)))
        {
            for (uint i = 0; i < Rows; i++)
            {
                Assert.True(cursor.MoveNext());
                Assert.Equal((i, expected[i], Name(i)), ReadPerson(cursor.Current));
                Assert.True(state.TryFind(t, pk, U32(i), out var row));
                Assert.Equal((i, expected[i], Name(i)), ReadPerson(row));
            }
            Assert.False(cursor.MoveNext());
        }
    }
}
