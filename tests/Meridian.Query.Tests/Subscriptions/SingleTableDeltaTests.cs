using Meridian.Query.Subscriptions;
using Meridian.Sats.Types;
using Meridian.Sats.Values;
using Meridian.Storage;
using Meridian.Storage.Changesets;
using Meridian.Storage.Schema;
using static Meridian.Query.Tests.TestDatabase;

namespace Meridian.Query.Tests.Subscriptions;

public sealed class SingleTableDeltaTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly TableId _t;
    private readonly TableId _events;

    public SingleTableDeltaTests()
    {
        _t = _db.Create("t", [("id", AlgebraicType.U32), ("score", AlgebraicType.I32)], primaryKey: 0);
        _events = _db.Create(new TableSchema("hit", AlgebraicType.Product(("who", AlgebraicType.U32), ("damage", AlgebraicType.I32)), isEvent: true));
    }

    public void Dispose() => _db.Dispose();

    private SubscriptionQuery Compile(string sql) => SubscriptionQuery.Compile(sql, _db.Catalog, Owner, isOwner: true);

    private (Changeset Changeset, StateReader Before) Commit(Action<Transaction> write)
    {
        var before = _db.Store.Committed;
        using var tx = _db.Store.BeginTransaction();
        write(tx);
        return (tx.Commit(), before);
    }

    private static List<string> Text(IEnumerable<ReadOnlyMemory<byte>> rows, StateReader state, TableId table) =>
        rows.Select(r => state.Decode(table, r.Span).ToString()).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void Without_conditions_the_commits_own_row_lists_are_the_delta()
    {
        var query = Compile("SELECT * FROM t");
        var (changeset, before) = Commit(tx =>
        {
            tx.Insert(_t, Row(1u, 10));
            tx.Insert(_t, Row(2u, 20));
        });
        var delta = query.Delta(changeset, before, _db.Store.Committed);
        Assert.Same(changeset.For(_t)!.Inserts, delta.Inserts);
        Assert.Equal(2, delta.Inserts.Count);
        Assert.Empty(delta.Deletes);
    }

    [Fact]
    public void A_filter_keeps_the_inserted_and_deleted_rows_that_match_it()
    {
        _db.Insert(_t, Row(1u, 10), Row(2u, 20), Row(3u, 30));
        var query = Compile("SELECT * FROM t WHERE score >= 20");
        var (changeset, before) = Commit(tx =>
        {
            tx.Delete(_t, Row(1u, 10));
            tx.Delete(_t, Row(2u, 20));
            tx.Insert(_t, Row(4u, 40));
            tx.Insert(_t, Row(5u, 5));
            // An update that moves row 3 out of the result.
            tx.Delete(_t, Row(3u, 30));
            tx.Insert(_t, Row(3u, 3));
        });
        var delta = query.Delta(changeset, before, _db.Store.Committed);
        Assert.Equal(["(4, 40)"], Text(delta.Inserts, _db.Store.Committed, _t));
        Assert.Equal(["(2, 20)", "(3, 30)"], Text(delta.Deletes, _db.Store.Committed, _t));
        Assert.Equal(["(4, 40)"], Text(query.Evaluate(_db.Store.Committed), _db.Store.Committed, _t));
    }

    [Fact]
    public void A_commit_to_another_table_changes_nothing()
    {
        var query = Compile("SELECT * FROM t WHERE score > 0");
        var (changeset, before) = Commit(tx => tx.Insert(_events, Row(1u, 5)));
        Assert.Same(QueryDelta.None, query.Delta(changeset, before, _db.Store.Committed));
    }

    [Fact]
    public void Event_rows_are_delivered_as_inserts_and_never_held_in_the_result()
    {
        var query = Compile("SELECT * FROM hit WHERE damage > 3");
        var (changeset, before) = Commit(tx =>
        {
            tx.Insert(_events, Row(1u, 5));
            tx.Insert(_events, Row(2u, 1));
        });
        var delta = query.Delta(changeset, before, _db.Store.Committed);
        Assert.Equal(["(1, 5)"], delta.Inserts.Select(r => AlgebraicValue.FromBsatn(r.Span, _db.Store.Committed.GetTable(_events).RowType, Typespace.Empty).ToString()));
        Assert.Empty(delta.Deletes);
        Assert.Empty(query.Evaluate(_db.Store.Committed));
    }
}
