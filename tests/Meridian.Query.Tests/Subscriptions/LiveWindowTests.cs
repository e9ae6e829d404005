using Meridian.Query.Subscriptions;
using Meridian.Sats;
using Meridian.Sats.Types;
using Meridian.Sats.Values;
using Meridian.Storage;
using Meridian.Storage.Schema;
using Xunit.Abstractions;

namespace Meridian.Query.Tests.Subscriptions;

public sealed class LiveWindowTests(ITestOutputHelper output) : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private TableId CreatePlayers(bool indexXp) =>
        _db.Create("player", [("id", AlgebraicType.U32), ("xp", AlgebraicType.U32), ("name", AlgebraicType.String)],
            indexes: indexXp ? [new IndexSchema("player_id", [0], isUnique: true), new IndexSchema("player_xp", [1])] : [new IndexSchema("player_id", [0], isUnique: true)],
            primaryKey: 0);

    private static ProductValue Player(uint id, uint xp) => AlgebraicValue.Product(AlgebraicValue.U32(id), AlgebraicValue.U32(xp), AlgebraicValue.String("p" + id));

    private static List<string> Hex(IEnumerable<ReadOnlyMemory<byte>> rows) => rows.Select(r => Convert.ToHexString(r.Span)).Order(StringComparer.Ordinal).ToList();

    [Theory]
    [InlineData("SELECT * FROM player ORDER BY xp DESC LIMIT 5", true)]
    [InlineData("SELECT * FROM player ORDER BY xp DESC LIMIT 5", false)]
    [InlineData("SELECT * FROM player ORDER BY xp, name LIMIT 3 OFFSET 2", false)]
    [InlineData("SELECT * FROM player WHERE xp > 40 ORDER BY xp LIMIT 4", true)]
    [InlineData("SELECT * FROM player ORDER BY name DESC OFFSET 3", false)]
    public void A_live_window_equals_the_window_of_the_full_result_after_every_commit(string sql, bool indexXp)
    {
        var seed = TestDatabase.Seed();
        output.WriteLine($"seed {seed} (replay with MERIDIAN_TEST_SEED={seed})");
        var random = new Random(seed);
        var table = CreatePlayers(indexXp);
        var query = SubscriptionQuery.Compile(sql, _db.Catalog, Identity.Zero, isOwner: true);
        var client = new List<string>(Hex(query.Evaluate(_db.Store.Committed)));
        var changedWindows = 0;
        for (var step = 0; step < 300; step++)
        {
            var before = _db.Store.Committed;
            using var tx = _db.Store.BeginTransaction();
            for (var op = random.Next(1, 4); op > 0; op--)
            {
                var id = (uint)random.Next(0, 40);
                if (tx.TryFind(table, 0, AlgebraicValue.U32(id), out var existing))
                {
                    var row = existing.ToArray();
                    tx.Delete(table, row);
                    if (random.Next(2) == 0)
                        tx.Insert(table, Player(id, (uint)random.Next(0, 100)));
                }
                else
                {
                    tx.Insert(table, Player(id, (uint)random.Next(0, 100)));
                }
            }
            var changeset = tx.Commit();
            var delta = query.Delta(changeset, before, _db.Store.Committed);
            foreach (var row in Hex(delta.Deletes))
                Assert.True(client.Remove(row), $"step {step}: the window removed a row it did not hold");
            client.AddRange(Hex(delta.Inserts));
            client.Sort(StringComparer.Ordinal);
            Assert.Equal(Hex(query.Evaluate(_db.Store.Committed)), client);
            if (!delta.IsEmpty)
                changedWindows++;
        }
        Assert.True(changedWindows > 10, $"the window changed only {changedWindows} times: the test exercised little");
    }

    [Fact]
    public void A_commit_outside_the_window_costs_no_evaluation_and_changes_nothing()
    {
        var table = CreatePlayers(indexXp: false);
        for (uint i = 1; i <= 200; i++)
            _db.Insert(table, Player(i, i * 10));
        var query = SubscriptionQuery.Compile("SELECT * FROM player ORDER BY xp DESC LIMIT 3", _db.Catalog, Identity.Zero, isOwner: true);

        // A low score far below the top three: the window is untouched.
        var before = _db.Store.Committed;
        Storage.Changesets.Changeset outside;
        using (var tx = _db.Store.BeginTransaction())
        {
            tx.Insert(table, Player(500, 5));
            tx.Delete(table, Player(7, 70).ToBsatn());
            outside = tx.Commit();
        }
        Assert.True(query.Delta(outside, before, _db.Store.Committed).IsEmpty);

        // A new best score enters, and pushes the third one out.
        before = _db.Store.Committed;
        Storage.Changesets.Changeset entering;
        using (var tx = _db.Store.BeginTransaction())
        {
            tx.Insert(table, Player(600, 5000));
            entering = tx.Commit();
        }
        var delta = query.Delta(entering, before, _db.Store.Committed);
        Assert.Equal(Hex([Player(600, 5000).ToBsatn()]), Hex(delta.Inserts));
        Assert.Equal(Hex([Player(198, 1980).ToBsatn()]), Hex(delta.Deletes));
    }
}
