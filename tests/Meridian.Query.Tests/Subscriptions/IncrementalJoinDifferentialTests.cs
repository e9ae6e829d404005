using Meridian.Query.Plans;
using Meridian.Query.Sql;
using Meridian.Query.Subscriptions;
using Meridian.Sats.Values;
using Meridian.Storage;
using Meridian.Storage.Changesets;
using Xunit.Abstractions;

namespace Meridian.Query.Tests.Subscriptions;

/// <summary>
/// Incremental maintenance of arbitrary inner joins (2, 3 and 4 sources, self-joins, conditions
/// across tables), which today's subscription rules do not accept yet: after every random
/// transaction, the result before it plus the delta must equal the result after it, as multisets;
/// the result itself must equal a nested-loop reference; and a commit that fires none of the
/// query's triggers must leave it unchanged.
/// </summary>
public sealed class IncrementalJoinDifferentialTests(ITestOutputHelper output)
{
    private sealed record LiveQuery(RandomSql.Query Query, string Sql, SubscriptionQuery Compiled)
    {
        public int Changes { get; set; }
    }

    private static List<string> Hex(IEnumerable<ReadOnlyMemory<byte>> rows)
    {
        var list = rows.Select(r => Convert.ToHexString(r.Span)).ToList();
        list.Sort(StringComparer.Ordinal);
        return list;
    }

    private static List<string> Reference(RandomSql.Query query, StateReader state)
    {
        var projected = ((RandomSql.RowsOf)query.Output).Source;
        var list = RandomSql.Tuples(query, state).Select(t => Convert.ToHexString(t[projected].Bytes)).ToList();
        list.Sort(StringComparer.Ordinal);
        return list;
    }

    private static bool AnyTriggerFires(SubscriptionQuery query, Changeset changeset)
    {
        foreach (var trigger in query.Triggers)
        {
            if (changeset.For(trigger.Table) is not { } change)
                continue;
            if (trigger.Column < 0)
                return true;
            foreach (var row in change.Inserts.Concat(change.Deletes))
            {
                if (trigger.Layout!.Column(row.Span, trigger.Column).SequenceEqual(trigger.Value))
                    return true;
            }
        }
        return false;
    }

    [Fact]
    public void Before_plus_delta_equals_after_for_random_joins_and_transactions()
    {
        var seed = TestDatabase.Seed();
        output.WriteLine($"seed {seed} (replay with MERIDIAN_TEST_SEED={seed})");
        var random = new Random(seed);
        var gen = new RandomSql(random);
        var changedBySize = new int[5];
        int selfJoins = 0, pruned = 0, steps = 0;

        for (var schema = 0; schema < 8; schema++)
        {
            using var db = new TestDatabase();
            var tables = gen.CreateSchema(db, random.Next(1, 4));
            using (var tx = db.Store.BeginTransaction())
            {
                foreach (var table in tables)
                    gen.Fill(tx, table, random.Next(0, 6));
                tx.Commit();
            }

            var queries = new List<LiveQuery>();
            for (var q = 0; q < 12; q++)
            {
                var query = gen.RandomQuery(tables, maxSources: 4, rowsOnly: true, sourceCount: 1 + q % 4);
                var sql = RandomSql.Render(query);
                var block = QueryBlock.From(Binder.BindSelect((SelectStatement)SqlParser.ParseStatement(sql), db.Catalog, TestDatabase.Owner, isOwner: true));
                queries.Add(new LiveQuery(query, sql, SubscriptionQuery.FromBlock(sql, block)));
                selfJoins += query.Sources.Distinct().Count() < query.Sources.Count ? 1 : 0;
            }
            foreach (var live in queries)
                Assert.True(Reference(live.Query, db.Store.Committed).SequenceEqual(Hex(live.Compiled.Evaluate(db.Store.Committed))), $"seed {seed}: initial result of {live.Sql}");

            for (var step = 0; step < 40; step++)
            {
                var before = db.Store.Committed;
                Changeset changeset;
                using (var tx = db.Store.BeginTransaction())
                {
                    for (var op = random.Next(1, 5); op > 0; op--)
                        RandomChange(gen, random, tx, tables[random.Next(tables.Count)]);
                    changeset = tx.Commit();
                }
                var after = db.Store.Committed;
                steps++;

                foreach (var live in queries)
                {
                    // Built only on failure: describing the tables reads every row.
                    string Context() => $"seed {seed}, schema {schema}, step {step}: {live.Sql}\n{RandomSql.Describe(tables, after)}\n{live.Compiled.Explain()}";
                    var delta = live.Compiled.Delta(changeset, before, after);
                    var inserts = Hex(delta.Inserts);
                    var deletes = Hex(delta.Deletes);
                    if (inserts.Intersect(deletes).Any())
                        Assert.Fail($"{Context()}\na row both entered and left: the delta is not net");

                    var result = Hex(live.Compiled.Evaluate(before));
                    foreach (var row in deletes)
                    {
                        if (!result.Remove(row))
                            Assert.Fail($"{Context()}\nthe delta removes {row}, which the result before did not hold");
                    }
                    result.AddRange(inserts);
                    result.Sort(StringComparer.Ordinal);
                    var evaluated = Hex(live.Compiled.Evaluate(after));
                    if (!result.SequenceEqual(evaluated))
                        Assert.Fail($"{Context()}\nbefore + delta [{string.Join(" ", result)}]\nafter          [{string.Join(" ", evaluated)}]");
                    if (!Reference(live.Query, after).SequenceEqual(evaluated))
                        Assert.Fail($"{Context()}\nthe result differs from the nested-loop reference [{string.Join(" ", Reference(live.Query, after))}]");

                    if (!AnyTriggerFires(live.Compiled, changeset))
                    {
                        if (!delta.IsEmpty)
                            Assert.Fail($"{Context()}\nno trigger fired, yet the result changed");
                        if (live.Compiled.ReadTables.Any(t => changeset.For(t) is not null))
                            pruned++;
                    }
                    if (!delta.IsEmpty)
                    {
                        live.Changes++;
                        changedBySize[live.Query.Sources.Count]++;
                    }
                }
            }
        }

        output.WriteLine($"{steps} transactions; deltas by number of sources {string.Join(", ", changedBySize.Skip(1).Select((n, i) => $"{i + 1}: {n}"))}; {selfJoins} self-joins; {pruned} evaluations a trigger could skip");
        for (var size = 1; size <= 4; size++)
            Assert.True(changedBySize[size] > 20, $"queries over {size} source(s) changed only {changedBySize[size]} times: the test exercised too little (seed {seed})");
        Assert.True(selfJoins > 5, $"only {selfJoins} self-joins were generated (seed {seed})");
        Assert.True(pruned > 0, $"no commit was ever skippable by a value trigger (seed {seed})");
    }

    // One random write: insert a row, delete one, or update one (a delete plus an insert of a changed copy).
    private static void RandomChange(RandomSql gen, Random random, Transaction tx, RandomSql.Table table)
    {
        var rows = tx.ReadAll(table.Id);
        // Tables stay small (at most about 8 rows) so that 4-way cross products stay cheap to check.
        var roll = rows.Count >= 8 ? 1 + random.Next(2) : random.Next(3);
        if (roll == 0 || rows.Count == 0)
        {
            RandomSql.TryInsert(tx, table, gen.RandomRow(table));
            return;
        }
        var victim = rows[random.Next(rows.Count)];
        var old = tx.Decode(table.Id, victim);
        tx.Delete(table.Id, victim);
        if (roll == 1)
            return;
        var values = old.Elements.ToArray();
        var column = random.Next(values.Length);
        values[column] = RandomSql.ToValue(table.Columns[column], gen.Value(table.Columns[column]));
        if (!RandomSql.TryInsert(tx, table, AlgebraicValue.Product(values)))
            tx.Insert(table.Id, old);
    }
}
