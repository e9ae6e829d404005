using Meridian.Query.Catalog;
using Meridian.Query.Sql;
using Meridian.Query.Subscriptions;
using Meridian.Sats;
using Meridian.Sats.Types;
using Meridian.Sats.Values;
using Meridian.Storage;
using Meridian.Storage.Schema;
using Xunit.Abstractions;

namespace Meridian.Query.Tests.Subscriptions;

public sealed class JoinSubscriptionTests(ITestOutputHelper output) : IDisposable
{
    private readonly Datastore _store = Datastore.CreateInMemory();

    public void Dispose() => _store.Dispose();

    private (SqlCatalog Catalog, TableId Owner, TableId Pet) CreateTables(bool indexPetOwner = true)
    {
        var owner = new TableSchema("owner", AlgebraicType.Product(("id", AlgebraicType.U32), ("team", AlgebraicType.U32), ("name", AlgebraicType.String)),
            indexes: [new IndexSchema("owner_team_idx_btree", [1])], primaryKey: 0);
        var pet = new TableSchema("pet", AlgebraicType.Product(("id", AlgebraicType.U32), ("owner_id", AlgebraicType.U32), ("kind", AlgebraicType.String)),
            indexes: indexPetOwner ? [new IndexSchema("pet_owner_id_idx_btree", [1])] : [], primaryKey: 0);
        TableId o, p;
        using (var tx = _store.BeginTransaction())
        {
            o = tx.CreateTable(owner);
            p = tx.CreateTable(pet);
            tx.Commit();
        }
        var state = _store.Committed;
        return (new SqlCatalog([SqlTable.FromSchema(state.GetTable(o)), SqlTable.FromSchema(state.GetTable(p))]), o, p);
    }

    private static ProductValue Row(uint id, uint link, string text) =>
        AlgebraicValue.Product(AlgebraicValue.U32(id), AlgebraicValue.U32(link), AlgebraicValue.String(text));

    private static List<string> Evaluate(SubscriptionQuery q, StateReader state)
    {
        var rows = q.Evaluate(state).Select(r => Convert.ToHexString(r.Span)).ToList();
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    [Fact]
    public void A_semijoin_returns_each_row_once_per_partner()
    {
        var (catalog, owner, pet) = CreateTables();
        using (var tx = _store.BeginTransaction())
        {
            tx.Insert(owner, Row(1, 7, "ann"));
            tx.Insert(owner, Row(2, 8, "bob"));
            tx.Insert(pet, Row(10, 1, "cat"));
            tx.Insert(pet, Row(11, 1, "dog"));
            tx.Insert(pet, Row(12, 2, "cat"));
            tx.Commit();
        }
        var owners = SubscriptionQuery.Compile("SELECT o.* FROM owner o JOIN pet p ON o.id = p.owner_id", catalog, Identity.Zero, isOwner: true);
        Assert.Equal(3, Evaluate(owners, _store.Committed).Count); // ann twice, bob once
        var cats = SubscriptionQuery.Compile("SELECT \"o\".* FROM \"owner\" \"o\" JOIN \"pet\" \"p\" ON \"p\".\"owner_id\" = \"o\".\"id\" WHERE (\"p\".\"kind\" = 'cat') AND (\"o\".\"team\" = 7)", catalog, Identity.Zero, isOwner: true);
        var only = Assert.Single(Evaluate(cats, _store.Committed));
        Assert.Equal(Convert.ToHexString(Row(1, 7, "ann").ToBsatn()), only);
        var pets = SubscriptionQuery.Compile("SELECT p.* FROM owner o JOIN pet p ON o.id = p.owner_id WHERE o.name = 'ann'", catalog, Identity.Zero, isOwner: true);
        Assert.Equal(2, Evaluate(pets, _store.Committed).Count);
        Assert.Equal("pet", pets.Table.Name);
    }

    [Theory]
    [InlineData("SELECT * FROM owner o JOIN pet p ON o.id = p.owner_id", "qualified")]
    [InlineData("SELECT o.* FROM owner o JOIN pet p ON o.name = p.owner_id", "Cannot compare o.name (string) with p.owner_id (u32)")]
    [InlineData("SELECT o.* FROM owner o JOIN pet p ON o.id = p.owner_id WHERE team = 1", "qualified")]
    [InlineData("SELECT x.* FROM owner o JOIN pet p ON o.id = p.owner_id", "Unknown table or alias 'x'")]
    public void Invalid_joins_are_refused_clearly(string sql, string message)
    {
        var (catalog, _, _) = CreateTables();
        var e = Assert.Throws<SqlException>(() => SubscriptionQuery.Compile(sql, catalog, Identity.Zero, isOwner: true));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SELECT p.* FROM pet p JOIN owner o ON p.owner_id = o.id WHERE o.team = 1")]
    [InlineData("SELECT o.* FROM owner o JOIN pet p ON o.id = p.owner_id WHERE p.kind = 'cat'")]
    [InlineData("SELECT o.* FROM owner o JOIN pet p ON o.id = p.owner_id")]
    // Beyond upstream: comparisons other than equality, joins on columns without an index, conditions
    // across both tables, cross joins and three-way joins.
    [InlineData("SELECT o.* FROM owner o JOIN pet p ON o.id > p.owner_id")]
    [InlineData("SELECT o.* FROM owner o JOIN pet p ON o.name = p.kind")]
    [InlineData("SELECT o.* FROM owner o JOIN pet p ON o.id = p.owner_id WHERE o.team < p.id")]
    [InlineData("SELECT o.* FROM owner o CROSS JOIN pet p WHERE p.kind = 'eel'")]
    [InlineData("SELECT p.* FROM pet p JOIN owner o ON p.owner_id = o.id JOIN pet q ON q.owner_id = o.id WHERE q.kind = 'cat' AND p.id != q.id")]
    public void Incremental_results_equal_full_recomputation(string sql)
    {
        var seed = Environment.GetEnvironmentVariable("MERIDIAN_TEST_SEED") is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : Random.Shared.Next();
        output.WriteLine($"seed {seed} (replay with MERIDIAN_TEST_SEED={seed})");
        var random = new Random(seed);
        var (catalog, owner, pet) = CreateTables();
        var query = SubscriptionQuery.Compile(sql, catalog, Identity.Zero, isOwner: true);
        var model = new List<string>();
        var largest = 0;
        string[] kinds = ["cat", "dog", "eel"];

        for (var step = 0; step < 400; step++)
        {
            var before = _store.Committed;
            using var tx = _store.BeginTransaction();
            for (var op = random.Next(1, 5); op > 0; op--)
            {
                var table = random.Next(2) == 0 ? owner : pet;
                var id = (uint)random.Next(0, 12);
                var existing = tx.TryFind(table, tx.GetTable(table).Indexes.Select((x, i) => (x, i)).First(p => p.x.IsUnique).i, AlgebraicValue.U32(id), out var found) ? found.ToArray() : null;
                if (existing is not null && random.Next(3) > 0)
                {
                    tx.Delete(table, existing);
                    if (random.Next(2) == 0)
                        continue;
                }
                else if (existing is not null)
                {
                    continue;
                }
                var row = table == owner
                    ? Row(id, (uint)random.Next(0, 3), kinds[random.Next(kinds.Length)])
                    : Row(id, (uint)random.Next(0, 12), kinds[random.Next(kinds.Length)]);
                tx.Insert(table, row);
            }
            var changeset = tx.Commit();
            var delta = query.Delta(changeset, before, _store.Committed);
            foreach (var delete in delta.Deletes)
                Assert.True(model.Remove(Convert.ToHexString(delete.Span)), $"step {step}: delete of a row the result did not hold");
            foreach (var insert in delta.Inserts)
                model.Add(Convert.ToHexString(insert.Span));
            model.Sort(StringComparer.Ordinal);
            Assert.Equal(Evaluate(query, _store.Committed), model);
            largest = Math.Max(largest, model.Count);
        }
        Assert.True(largest > 3, $"the result never held more than {largest} rows: the test exercised nothing");
    }
}
