using Meridian.Query.Plans;
using Meridian.Query.Subscriptions;
using Meridian.Sats;
using Meridian.Sats.Types;
using Meridian.Sats.Values;
using Meridian.Storage;
using Meridian.Storage.Schema;
using static Meridian.Query.Tests.TestDatabase;

namespace Meridian.Query.Tests.Subscriptions;

public sealed class TriggerTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly TableId _t;
    private readonly TableId _owner;
    private readonly TableId _pet;

    public TriggerTests()
    {
        _t = _db.Create("t", [("id", AlgebraicType.U32), ("name", AlgebraicType.String), ("f", AlgebraicType.F64), ("opt", AlgebraicType.Option(AlgebraicType.I32)),
            ("who", AlgebraicType.Identity), ("other", AlgebraicType.U32), ("pair", AlgebraicType.Product(("x", AlgebraicType.U8), ("y", AlgebraicType.F32)))], primaryKey: 0);
        _owner = _db.Create("owner", [("id", AlgebraicType.U32), ("team", AlgebraicType.U32)], primaryKey: 0);
        _pet = _db.Create("pet", [("id", AlgebraicType.U32), ("owner_id", AlgebraicType.U32), ("kind", AlgebraicType.String)],
            indexes: [new IndexSchema("pet_owner", [1])], primaryKey: 0);
    }

    public void Dispose() => _db.Dispose();

    private SubscriptionQuery Compile(string sql, Identity? sender = null) => SubscriptionQuery.Compile(sql, _db.Catalog, sender ?? Owner, isOwner: true);

    // Joins beyond today's subscription rules (self-joins, three tables) go through the engine directly.
    private SubscriptionQuery Unchecked(string sql) => SubscriptionQuery.FromBlock(sql, _db.Block(sql));

    private static QueryTrigger Only(SubscriptionQuery query) => Assert.Single(query.Triggers);

    [Theory]
    [InlineData("SELECT * FROM t WHERE id = 5")]
    [InlineData("SELECT * FROM t WHERE 5 = id")]
    [InlineData("SELECT * FROM t WHERE id = 5 AND other > 2")]
    [InlineData("SELECT * FROM t WHERE other > 2 AND (id = 5)")]
    public void An_equality_with_a_literal_fixes_the_table_column_and_value(string sql)
    {
        var trigger = Only(Compile(sql));
        Assert.Equal(_t, trigger.Table);
        Assert.Equal(0, trigger.Column);
        Assert.Equal(AlgebraicValue.U32(5).ToBsatn(), trigger.Value);
    }

    [Fact]
    public void Equalities_with_strings_options_and_the_sender_fix_their_value_bytes()
    {
        var named = Only(Compile("SELECT * FROM t WHERE name = 'ann'"));
        Assert.Equal(1, named.Column);
        Assert.Equal(AlgebraicValue.String("ann").ToBsatn(), named.Value);
        var none = Only(Compile("SELECT * FROM t WHERE opt = NULL"));
        Assert.Equal(3, none.Column);
        Assert.Equal(AlgebraicValue.OptionNone.ToBsatn(), none.Value);
        var sender = new Identity(42UL);
        var mine = Only(Compile("SELECT * FROM t WHERE who = :sender", sender));
        Assert.Equal(4, mine.Column);
        Assert.Equal(sender.ToValue().ToBsatn(), mine.Value);
    }

    [Theory]
    [InlineData("SELECT * FROM t")]
    [InlineData("SELECT * FROM t WHERE id > 5")]
    [InlineData("SELECT * FROM t WHERE id != 5")]
    [InlineData("SELECT * FROM t WHERE id = 5 OR id = 6")]
    [InlineData("SELECT * FROM t WHERE NOT id = 5")]
    [InlineData("SELECT * FROM t WHERE id = other")]
    [InlineData("SELECT * FROM t WHERE f = 1.5")]
    [InlineData("SELECT * FROM t WHERE f = 0")]
    [InlineData("SELECT * FROM t WHERE TRUE")]
    public void Without_an_equality_on_a_comparable_by_bytes_column_any_change_triggers(string sql)
    {
        var trigger = Only(Compile(sql));
        Assert.Equal(_t, trigger.Table);
        Assert.Equal(-1, trigger.Column);
        Assert.Null(trigger.Value);
    }

    [Fact]
    public void A_join_fixes_the_value_only_for_the_table_its_equality_filters()
    {
        var query = Compile("SELECT o.* FROM owner o JOIN pet p ON o.id = p.owner_id WHERE p.kind = 'cat'");
        Assert.Equal([_owner, _pet], query.ReadTables);
        var byTable = query.Triggers.ToDictionary(t => t.Table);
        Assert.Equal(-1, byTable[_owner].Column);
        Assert.Equal(2, byTable[_pet].Column);
        Assert.Equal(AlgebraicValue.String("cat").ToBsatn(), byTable[_pet].Value);
    }

    [Fact]
    public void A_self_join_triggers_on_any_change_even_with_an_equality()
    {
        var query = Unchecked("SELECT a.* FROM t a JOIN t b ON a.other = b.id WHERE a.name = 'x'");
        Assert.Equal([_t], query.ReadTables);
        var trigger = Only(query);
        Assert.Equal(-1, trigger.Column);
    }

    [Fact]
    public void Each_table_of_a_three_way_join_gets_one_trigger()
    {
        var query = Unchecked("SELECT p.* FROM owner o JOIN pet p ON o.id = p.owner_id JOIN t ON t.id = p.id WHERE o.team = 3 AND t.name != 'x'");
        Assert.Equal([_owner, _pet, _t], query.ReadTables);
        Assert.Equal([(_owner, 1), (_pet, -1), (_t, -1)], query.Triggers.Select(t => (t.Table, t.Column)));
    }

    [Fact]
    public void A_commit_that_touches_no_fixed_value_leaves_the_result_unchanged()
    {
        var query = Compile("SELECT * FROM pet WHERE kind = 'cat'");
        var trigger = Only(query);
        var before = _db.Store.Committed;
        Storage.Changesets.Changeset changeset;
        using (var tx = _db.Store.BeginTransaction())
        {
            tx.Insert(_pet, Row(1u, 1u, "dog"));
            tx.Insert(_owner, Row(1u, 1u));
            changeset = tx.Commit();
        }
        var inserted = changeset.For(_pet)!.Inserts;
        Assert.DoesNotContain(inserted, row => trigger.Layout!.Column(row.Span, trigger.Column).SequenceEqual(trigger.Value));
        Assert.True(query.Delta(changeset, before, _db.Store.Committed).IsEmpty);

        before = _db.Store.Committed;
        using (var tx = _db.Store.BeginTransaction())
        {
            tx.Insert(_pet, Row(2u, 1u, "cat"));
            changeset = tx.Commit();
        }
        Assert.Contains(changeset.For(_pet)!.Inserts, row => trigger.Layout!.Column(row.Span, trigger.Column).SequenceEqual(trigger.Value));
        Assert.Single(query.Delta(changeset, before, _db.Store.Committed).Inserts);
    }

    [Fact]
    public void From_block_refuses_blocks_that_do_not_return_whole_rows()
    {
        Assert.Throws<ArgumentException>(() => SubscriptionQuery.FromBlock("q", _db.Block("SELECT id FROM t")));
        Assert.Throws<ArgumentException>(() => SubscriptionQuery.FromBlock("q", _db.Block("SELECT COUNT(*) AS n FROM t")));
        Assert.Throws<ArgumentException>(() => SubscriptionQuery.FromBlock("q", _db.Block("SELECT * FROM t LIMIT 3")));
        Assert.Equal("t", SubscriptionQuery.FromBlock("q", _db.Block("SELECT * FROM t")).Table.Name);
    }

    [Fact]
    public void Queries_that_differ_only_in_spelling_share_a_key()
    {
        Assert.Equal(Compile("SELECT * FROM t WHERE id = 5 AND name = 'x'").Key, Compile("select * from \"t\" as q where 'x' = q.name and q.id = 5").Key);
        Assert.NotEqual(Compile("SELECT * FROM t WHERE id = 5").Key, Compile("SELECT * FROM t WHERE id = 6").Key);
    }
}
