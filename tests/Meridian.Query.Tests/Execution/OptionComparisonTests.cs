using Meridian.Query.Subscriptions;
using Meridian.Sats.Types;
using Meridian.Sats.Values;
using Meridian.Storage;
using Meridian.Storage.Schema;
using static Meridian.Query.Tests.TestDatabase;

namespace Meridian.Query.Tests.Execution;

/// <summary>
/// Optional columns compare by their values, as C#'s lifted operators on <c>int?</c>: an ordering never holds for a row
/// without a value (it used to, for <c>&gt;</c>, because options compared as sums put none after every value), while
/// <c>= NULL</c> and <c>&lt;&gt; NULL</c> test for the value. The same holds in queries, DML, joins and live updates.
/// </summary>
public sealed class OptionComparisonTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly TableId _t;
    private readonly TableId _limit;

    public OptionComparisonTests()
    {
        // t.maybe has a btree index (index paths must agree with scans); t.other has none.
        var optionalI32 = AlgebraicType.Option(AlgebraicType.I32);
        _t = _db.Create("t", [("id", AlgebraicType.U32), ("maybe", optionalI32), ("other", optionalI32)],
            indexes: [new IndexSchema("t_maybe", [1])], primaryKey: 0);
        _limit = _db.Create("lim", [("name", AlgebraicType.String), ("bound", AlgebraicType.Option(AlgebraicType.I32))]);
        _db.Insert(_t, T(1, 3, 3), T(2, null, null), T(3, 7, null), T(4, -2, 9), T(5, null, 1), T(6, 10, 10));
        _db.Insert(_limit, Row("five", Some(5)), Row("none", AlgebraicValue.OptionNone));
    }

    public void Dispose() => _db.Dispose();

    private static SumValue Some(int value) => AlgebraicValue.OptionSome(AlgebraicValue.I32(value));

    private static SumValue Opt(int? value) => value is { } v ? Some(v) : AlgebraicValue.OptionNone;

    private static ProductValue T(uint id, int? maybe, int? other) => Row(id, Opt(maybe), Opt(other));

    private uint[] Ids(string where) =>
        _db.Query($"SELECT id FROM t WHERE {where}").Rows.Select(r => r[0].AsU32()).Order().ToArray();

    [Theory]
    [InlineData("maybe > 5", new uint[] { 3, 6 })]
    [InlineData("maybe >= 7", new uint[] { 3, 6 })]
    [InlineData("maybe < 5", new uint[] { 1, 4 })]
    [InlineData("maybe <= -2", new uint[] { 4 })]
    [InlineData("5 < maybe", new uint[] { 3, 6 })]
    [InlineData("maybe > 5 OR maybe <= 5", new uint[] { 1, 3, 4, 6 })]
    [InlineData("NOT (maybe > 5)", new uint[] { 1, 2, 4, 5 })]
    [InlineData("maybe = 7", new uint[] { 3 })]
    [InlineData("maybe <> 7", new uint[] { 1, 2, 4, 5, 6 })]
    [InlineData("maybe = NULL", new uint[] { 2, 5 })]
    [InlineData("maybe IS NULL", new uint[] { 2, 5 })]
    [InlineData("maybe <> NULL", new uint[] { 1, 3, 4, 6 })]
    [InlineData("maybe is not null", new uint[] { 1, 3, 4, 6 })]
    [InlineData("NULL = maybe", new uint[] { 2, 5 })]
    public void An_ordering_of_an_optional_column_holds_only_for_rows_with_a_value(string where, uint[] expected)
    {
        Assert.Equal(expected, Ids(where));
    }

    [Theory]
    [InlineData("maybe < other", new uint[] { 4 })]
    [InlineData("maybe >= other", new uint[] { 1, 6 })]
    [InlineData("maybe = other", new uint[] { 1, 2, 6 })]
    [InlineData("maybe <> other", new uint[] { 3, 4, 5 })]
    public void Two_optional_columns_order_only_when_both_have_a_value(string where, uint[] expected)
    {
        Assert.Equal(expected, Ids(where));
    }

    [Fact]
    public void A_join_on_an_ordering_of_optional_columns_pairs_only_rows_with_values()
    {
        var rows = _db.SortedRows("SELECT t.id, l.name FROM t JOIN lim l ON t.maybe > l.bound");
        Assert.Equal(["(3, \"five\")", "(6, \"five\")"], rows);
    }

    [Theory]
    [InlineData("maybe < NULL")]
    [InlineData("NULL >= maybe")]
    public void An_ordering_with_null_is_refused(string where)
    {
        Assert.Equal(
            "NULL can only be tested with = NULL, <> NULL, IS NULL or IS NOT NULL; maybe " + (where.StartsWith("NULL", StringComparison.Ordinal) ? "<=" : "<") +
            " NULL would never hold.",
            Error(() => _db.Query($"SELECT * FROM t WHERE {where}")));
    }

    [Fact]
    public void Is_null_needs_null_after_it()
    {
        Assert.StartsWith("Expected NULL or NOT NULL after IS", Error(() => _db.Query("SELECT * FROM t WHERE maybe IS 5")));
    }

    [Fact]
    public void Delete_with_an_ordering_keeps_the_rows_without_a_value()
    {
        var result = _db.Execute("DELETE FROM t WHERE maybe > 0");
        Assert.Equal(3ul, result.RowsDeleted);
        Assert.Equal([2u, 4, 5], Ids("TRUE"));
    }

    [Fact]
    public void A_live_ordering_takes_in_a_row_whose_value_arrives_and_lets_go_of_one_whose_value_leaves()
    {
        var query = SubscriptionQuery.Compile("SELECT * FROM t WHERE maybe > 5", _db.Catalog, Owner, isOwner: true);
        Assert.Equal([3u, 6], Rows(query.Evaluate(_db.Store.Committed)));

        var delta = CommitAndDelta(query, tx =>
        {
            tx.Delete(_t, T(2, null, null));
            tx.Insert(_t, T(2, 7, null)); // none -> 7: enters
            tx.Delete(_t, T(6, 10, 10));
            tx.Insert(_t, T(6, null, 10)); // 10 -> none: leaves
            tx.Insert(_t, T(7, null, 8)); // a new row without a value: stays out
        });
        Assert.Equal([2u], Rows(delta.Inserts));
        Assert.Equal([6u], Rows(delta.Deletes));
        Assert.Equal([2u, 3], Rows(query.Evaluate(_db.Store.Committed)));
    }

    [Fact]
    public void A_live_join_on_an_ordering_of_optional_columns_follows_values_that_arrive()
    {
        var query = SubscriptionQuery.Compile("SELECT t.* FROM t JOIN lim l ON t.maybe > l.bound", _db.Catalog, Owner, isOwner: true);
        Assert.Equal([3u, 6], Rows(query.Evaluate(_db.Store.Committed)));

        var delta = CommitAndDelta(query, tx =>
        {
            // The partner without a bound gets one below every value: every row with a value now matches through it.
            tx.Delete(_limit, Row("none", AlgebraicValue.OptionNone));
            tx.Insert(_limit, Row("none", Some(-100)));
        });
        Assert.Equal([1u, 3, 4, 6], Rows(delta.Inserts));
        Assert.Empty(delta.Deletes);
    }

    private QueryDelta CommitAndDelta(SubscriptionQuery query, Action<Transaction> write)
    {
        var before = _db.Store.Committed;
        using var tx = _db.Store.BeginTransaction();
        write(tx);
        return query.Delta(tx.Commit(), before, _db.Store.Committed);
    }

    private uint[] Rows(IEnumerable<ReadOnlyMemory<byte>> rows) =>
        rows.Select(r => _db.Store.Committed.Decode(_t, r.Span)[0].AsU32()).Order().ToArray();
}
