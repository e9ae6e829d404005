using Meridian.Sats;
using Meridian.Storage.Changesets;
using Meridian.Storage.Schema;
using static Meridian.Storage.Tests.TestSchemas;

namespace Meridian.Storage.Tests;

/// <summary>
/// The commit's own bookkeeping: the commit time it records, and the per-transaction scratch a datastore reuses from one
/// transaction to the next (the changed-tables array, the list of pages that lost rows), which must never carry a
/// table or a page of an earlier transaction into a later changeset.
/// </summary>
public class CommitTests
{
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public int Reads { get; private set; }

        public override DateTimeOffset GetUtcNow()
        {
            Reads++;
            return now;
        }
    }

    private static readonly DateTimeOffset ClockTime = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static (Datastore Store, TableId[] Tables) NewStore(FixedClock clock, int tables)
    {
        var store = Datastore.CreateInMemory(clock);
        using var tx = store.BeginTransaction();
        var ids = Enumerable.Range(0, tables).Select(i => tx.CreateTable(Person($"t{i}"))).ToArray();
        tx.Commit();
        return (store, ids);
    }

    [Fact]
    public void A_commit_time_given_is_the_changesets_and_the_clock_is_not_read()
    {
        var clock = new FixedClock(ClockTime);
        var (store, t) = NewStore(clock, 1);
        var callTime = new Timestamp(1_700_000_000_123_456);
        var readsBefore = clock.Reads;
        Changeset changeset;
        using (var tx = store.BeginTransaction())
        {
            tx.Insert(t[0], PersonRow(1, 30, "Ann"));
            changeset = tx.Commit(new TransactionCall("add", ReadOnlyMemory<byte>.Empty, default, default, callTime), callTime);
        }
        Assert.Equal(callTime, changeset.CommitTime);
        Assert.Equal(readsBefore, clock.Reads);
        Assert.NotNull(changeset.Offset);

        // Without one, the datastore's clock gives it, as before.
        using (var tx = store.BeginTransaction())
        {
            tx.Insert(t[0], PersonRow(2, 40, "Bob"));
            changeset = tx.Commit();
        }
        Assert.Equal(Timestamp.FromDateTimeOffset(ClockTime), changeset.CommitTime);
        Assert.True(clock.Reads > readsBefore);
    }

    [Fact]
    public void A_commit_time_given_to_an_empty_transaction_without_a_call_is_kept_and_nothing_is_logged()
    {
        var (store, _) = NewStore(new FixedClock(ClockTime), 1);
        var at = new Timestamp(42);
        var next = store.NextOffset;
        using var tx = store.BeginTransaction();
        var changeset = tx.Commit(null, at);
        Assert.Null(changeset.Offset);
        Assert.Equal(at, changeset.CommitTime);
        Assert.Empty(changeset.Tables);
        Assert.Equal(next, store.NextOffset);
    }

    [Fact]
    public void Each_changeset_lists_only_the_tables_its_own_transaction_changed_in_ascending_order()
    {
        var (store, t) = NewStore(new FixedClock(ClockTime), 4);
        using (var tx = store.BeginTransaction())
        {
            // Written out of id order: the changeset still lists tables by ascending id.
            tx.Insert(t[3], PersonRow(1, 1, "d"));
            tx.Insert(t[1], PersonRow(1, 1, "b"));
            tx.Insert(t[0], PersonRow(1, 1, "a"));
            var all = tx.Commit();
            Assert.Equal([t[0], t[1], t[3]], all.Tables.Select(c => c.TableId));
            Assert.All(all.Tables, c => Assert.Equal((1, 0), (c.Inserts.Count, c.Deletes.Count)));
        }
        using (var tx = store.BeginTransaction())
        {
            // The next transaction reuses the changed-tables array: nothing of tables 0 and 3 may remain in it.
            tx.Update(t[1], 0, PersonRow(1, 2, "b"));
            var one = tx.Commit();
            var change = Assert.Single(one.Tables);
            Assert.Equal(t[1], change.TableId);
            Assert.Equal((1, 1), (change.Inserts.Count, change.Deletes.Count));
        }
        using (var tx = store.BeginTransaction())
        {
            tx.Insert(t[2], PersonRow(9, 9, "c"));
            tx.Rollback();
        }
        using (var tx = store.BeginTransaction())
        {
            // After a rollback too: only this transaction's table, and the rolled-back row is nowhere.
            tx.Delete(t[0], PersonRow(1, 1, "a"));
            var deleted = tx.Commit();
            var change = Assert.Single(deleted.Tables);
            Assert.Equal(t[0], change.TableId);
            Assert.Equal((0, 1), (change.Inserts.Count, change.Deletes.Count));
        }
        Assert.Equal(0, store.Committed.Count(t[2]));
        using (var tx = store.BeginTransaction())
            Assert.Empty(tx.Commit().Tables);
    }

    [Fact]
    public void A_transaction_that_creates_a_table_after_a_smaller_one_gets_room_for_it()
    {
        var (store, t) = NewStore(new FixedClock(ClockTime), 1);
        using (var tx = store.BeginTransaction())
        {
            tx.Insert(t[0], PersonRow(1, 1, "a"));
            tx.Commit();
        }
        TableId created;
        using (var tx = store.BeginTransaction())
        {
            // The reused array is sized for one table: the new table's id needs a larger one.
            created = tx.CreateTable(Person("later"));
            tx.Insert(created, PersonRow(1, 1, "x"));
            tx.Insert(t[0], PersonRow(2, 2, "b"));
            var changeset = tx.Commit();
            Assert.Equal([t[0], created], changeset.Tables.Select(c => c.TableId));
        }
        Assert.Equal(1, store.Committed.Count(created));
        Assert.Equal(2, store.Committed.Count(t[0]));
    }

    [Fact]
    public void Compaction_candidates_of_one_table_never_reach_another_or_a_later_commit()
    {
        // Many updates spread over two tables and many commits: each commit collects the pages that lost rows per
        // table in one reused list. Every version must still read every row with its latest bytes.
        var (store, t) = NewStore(new FixedClock(ClockTime), 2);
        const int rows = 200;
        using (var tx = store.BeginTransaction())
        {
            for (uint id = 0; id < rows; id++)
            {
                tx.Insert(t[0], PersonRow(id, 0, "zero"));
                tx.Insert(t[1], PersonRow(id, 0, "one"));
            }
            tx.Commit();
        }
        for (ulong round = 1; round <= 60; round++)
        {
            using var tx = store.BeginTransaction();
            for (uint id = 0; id < rows; id++)
            {
                tx.Update(t[0], 0, PersonRow(id, round, "zero"));
                if (round % 3 == 0)
                    tx.Update(t[1], 0, PersonRow(id, round, "one"));
            }
            var changeset = tx.Commit();
            Assert.Equal(round % 3 == 0 ? 2 : 1, changeset.Tables.Count);
        }
        var committed = store.Committed;
        for (uint id = 0; id < rows; id++)
        {
            Assert.True(committed.TryFind(t[0], 0, U32(id), out var zero));
            Assert.Equal((id, 60ul, "zero"), ReadPerson(zero));
            Assert.True(committed.TryFind(t[1], 0, U32(id), out var one));
            Assert.Equal((id, 60ul, "one"), ReadPerson(one));
        }
    }
}
