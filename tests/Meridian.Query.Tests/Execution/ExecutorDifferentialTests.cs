using Xunit.Abstractions;

namespace Meridian.Query.Tests.Execution;

/// <summary>
/// Random schemas, data and SELECTs: what the executor returns (through the binder, the planner's
/// index, range and hash paths and predicates on row bytes) must equal what nested loops over
/// decoded rows return.
/// </summary>
public sealed class ExecutorDifferentialTests(ITestOutputHelper output)
{
    [Fact]
    public void Random_selects_return_what_a_nested_loop_reference_returns()
    {
        var seed = TestDatabase.Seed();
        output.WriteLine($"seed {seed} (replay with MERIDIAN_TEST_SEED={seed})");
        var random = new Random(seed);
        var gen = new RandomSql(random);
        var paths = new Dictionary<string, int> { ["index lookup"] = 0, ["index range"] = 0, ["hash lookup"] = 0, ["scan"] = 0 };
        int queries = 0, nonEmpty = 0, joins = 0;

        for (var schema = 0; schema < 30; schema++)
        {
            using var db = new TestDatabase();
            var tables = gen.CreateSchema(db, random.Next(1, 5));
            using (var tx = db.Store.BeginTransaction())
            {
                foreach (var table in tables)
                    gen.Fill(tx, table, random.Next(0, 9));
                tx.Commit();
            }
            var state = db.Store.Committed;
            for (var q = 0; q < 40; q++)
            {
                var query = gen.RandomQuery(tables, maxSources: 4, rowsOnly: false);
                var sql = RandomSql.Render(query);
                // Built only on failure: describing the tables reads every row.
                string Context() => $"seed {seed}, schema {schema}, query {q}: {sql}\n{RandomSql.Describe(tables, state)}";
                List<string> actual;
                string explain;
                try
                {
                    actual = db.Rows(sql);
                    explain = db.Explain(sql);
                }
                catch (Exception e)
                {
                    throw new InvalidOperationException($"The executor failed on a valid query ({Context()}): {e.Message}", e);
                }
                var expected = RandomSql.Expected(query, state);
                expected.Sort(StringComparer.Ordinal);
                CheckResult(query, expected, actual, () => Context() + "\n" + explain);

                queries++;
                nonEmpty += expected.Count > 0 && query.Output is not RandomSql.CountAs ? 1 : 0;
                joins += query.Sources.Count > 1 ? 1 : 0;
                foreach (var path in paths.Keys)
                    paths[path] += explain.Contains(path, StringComparison.Ordinal) ? 1 : 0;
            }
        }

        output.WriteLine($"{queries} queries, {nonEmpty} with rows, {joins} joins; plans used {string.Join(", ", paths.Select(p => $"{p.Key} {p.Value}"))}");
        Assert.True(nonEmpty > queries / 5, $"only {nonEmpty} of {queries} queries returned rows: the data is too sparse to test anything (seed {seed})");
        Assert.True(joins > queries / 3, $"only {joins} of {queries} queries joined (seed {seed})");
        Assert.All(paths, p => Assert.True(p.Value > 10, $"the '{p.Key}' access path was used only {p.Value} times (seed {seed})"));
    }

    private static void CheckResult(RandomSql.Query query, List<string> expected, List<string> actual, Func<string> context)
    {
        if (query.Limit is not { } limit)
        {
            actual.Sort(StringComparer.Ordinal);
            if (!expected.SequenceEqual(actual))
                Assert.Fail($"{context()}\nexpected [{string.Join(" ", expected)}]\nactual   [{string.Join(" ", actual)}]");
            return;
        }
        // LIMIT picks any rows of the result: as many as it allows, each one the full result holds.
        if (actual.Count != Math.Min((int)limit, expected.Count))
            Assert.Fail($"{context()}\nLIMIT {limit} of {expected.Count} rows returned {actual.Count}");
        var left = expected.ToList();
        foreach (var row in actual)
        {
            if (!left.Remove(row))
                Assert.Fail($"{context()}\nrow {row} is not in the full result [{string.Join(" ", expected)}]");
        }
    }
}
