using System.Diagnostics;
using System.Globalization;
using Meridian.Benchmarks.Harness;
using Meridian.Client.Dynamic;
using Meridian.Client.Mirror;
using Meridian.Sats.Types;
using Meridian.Sats.Values;
using Microsoft.Data.Sqlite;

namespace Meridian.Benchmarks.Mirror;

/// <summary>
/// The <c>mirror</c> suite (issue 14): the SQLite mirror's two ways of bringing its file up to date after a
/// batch of row updates, timed on the mirror file itself (no server, no socket): the default full rewrite
/// (every row into a temporary file, renamed over the mirror) as the baseline, measured in the same run, against
/// the incremental mode (the batch's deletes and inserts in one SQLite transaction on the file). Batches range
/// from one row to half the table, on tables of 10,000 and 100,000 rows, so the figures show where a rewrite
/// becomes the cheaper write: the threshold <see cref="SqliteMirror"/> switches at. A row: u64 id primary key,
/// string name, u64 score, a product as JSON text, an option; the last cases drop the primary key, so a delete
/// finds its row by all of its values.
/// </summary>
public static class MirrorSuite
{
    private const string Suite = "mirror";

    private static readonly ProductType Point = AlgebraicType.Product(("x", AlgebraicType.I32), ("y", AlgebraicType.I32));
    private static readonly ProductType Row = AlgebraicType.Product(
        ("id", AlgebraicType.U64), ("name", AlgebraicType.String), ("score", AlgebraicType.U64),
        ("position", AlgebraicType.Ref(0)), ("team", AlgebraicType.Option(AlgebraicType.U32)));
    private static readonly TableSchema Keyed = new("player", Row, new Typespace([Point, Row]), 0, true, false, false);
    private static readonly TableSchema Unkeyed = new("player", Row, new Typespace([Point, Row]), null, true, false, false);

    /// <summary>Runs the suite.</summary>
    public static IReadOnlyList<BenchmarkResult> Run(BenchmarkOptions options)
    {
        var results = new List<BenchmarkResult>();
        var seed = 20261203;
        Console.WriteLine($"mirror: seed {seed}");
        var random = new Random(seed);
        var samples = options.Quick ? 3 : 7;
        // Update batches as fractions of the table (at least one row).
        double[] fractions = options.Quick ? [0.0001, 0.01, 0.1, 0.5] : [0.00001, 0.001, 0.01, 0.05, 0.1, 0.2, 0.3, 0.5];
        foreach (var tableRows in options.Quick ? new[] { 100_000 } : [10_000, 100_000])
            Measure(results, Keyed, tableRows, fractions, samples, random);
        // Without a primary key every delete scans the table: the batches that pay are far smaller.
        Measure(results, Unkeyed, 10_000, options.Quick ? [0.001, 0.01] : [0.0001, 0.001, 0.005, 0.01, 0.05], samples, random);
        return results;
    }

    private static void Measure(
        List<BenchmarkResult> results, TableSchema schema, int tableRows, double[] fractions, int samples, Random random)
    {
        var dir = Directory.CreateTempSubdirectory("meridian-mirror-bench-").FullName;
        var keyed = schema.PrimaryKey is not null ? "" : " without a primary key";
        try
        {
            var rows = Enumerable.Range(0, tableRows).Select(i => Make(schema, (ulong)i, (ulong)random.Next(1_000_000))).ToArray();
            var table = new MirrorTable(schema);
            using var file = new SqliteMirrorFile(Path.Combine(dir, "mirror.sqlite"), [table]);

            // The baseline: what the default mode does on every write, whatever the batch's size. Warmed up first
            // (the first case of a run otherwise pays for JIT and a cold page cache).
            for (var i = 0; i < 3; i++)
                file.Rebuild([rows]);
            var rebuild = Median(samples, () => file.Rebuild([rows]));
            results.Add(BenchmarkResult.LowerIsBetter(Suite, $"full rewrite of a {tableRows:N0}-row table{keyed}", "ms/write",
                rebuild * 1000, null, null, null));

            foreach (var fraction in fractions)
            {
                var batch = Math.Max(1, (int)Math.Round(tableRows * fraction));
                var incremental = Median(samples, () =>
                {
                    var changes = new List<MirrorChange>(2 * batch);
                    foreach (var id in Pick(random, batch, tableRows))
                    {
                        changes.Add(new MirrorChange(table, rows[id], IsInsert: false));
                        rows[id] = Make(schema, (ulong)id, (ulong)random.Next(1_000_000));
                        changes.Add(new MirrorChange(table, rows[id], IsInsert: true));
                    }
                    file.Apply(changes);
                });
                file.CloseLive();
                // An update is two changes (a delete and an insert), as the mirror counts them.
                results.Add(BenchmarkResult.LowerIsBetter(Suite,
                    $"{batch:N0} row update(s) ({2.0 * batch / tableRows:P1} of the rows in changes), {tableRows:N0}-row table{keyed}: "
                    + "incremental", "ms/write", incremental * 1000, rebuild * 1000, "full rewrite of the file", null));
                Console.WriteLine($"  {results[^1].Case}: {incremental * 1000:F1} ms, rewrite {rebuild * 1000:F1} ms");
            }
            Check(file.Path, rows);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static DynamicRow Make(TableSchema schema, ulong id, ulong score) => new(schema, AlgebraicValue.Product(
        AlgebraicValue.U64(id),
        AlgebraicValue.String("player " + id.ToString(CultureInfo.InvariantCulture)),
        AlgebraicValue.U64(score),
        AlgebraicValue.Product(AlgebraicValue.I32((int)(score % 1000)), AlgebraicValue.I32((int)(score / 1000))),
        score % 3 == 0 ? AlgebraicValue.OptionNone : AlgebraicValue.OptionSome(AlgebraicValue.U32((uint)(score % 7)))));

    // Distinct ids, so a batch never deletes a row it has already replaced.
    private static HashSet<int> Pick(Random random, int count, int tableRows)
    {
        var picked = new HashSet<int>();
        while (picked.Count < count)
            picked.Add(random.Next(tableRows));
        return picked;
    }

    private static double Median(int samples, Action write)
    {
        var seconds = new List<double>(samples);
        for (var i = 0; i < samples; i++)
        {
            var clock = Stopwatch.StartNew();
            write();
            seconds.Add(clock.Elapsed.TotalSeconds);
        }
        seconds.Sort();
        return seconds[samples / 2];
    }

    // The incremental batches must leave the file as a rewrite would: every row, with its latest score.
    private static void Check(string path, DynamicRow[] rows)
    {
        var text = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        using var connection = new SqliteConnection(text);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*), sum(score) FROM player";
        using var reader = command.ExecuteReader();
        reader.Read();
        var expected = rows.Sum(r => (double)r.Value[2].AsU64());
        if (reader.GetInt64(0) != rows.Length || Math.Abs(reader.GetDouble(1) - expected) > 0.5)
            throw new InvalidOperationException(
                $"The mirror holds {reader.GetInt64(0)} rows with score sum {reader.GetDouble(1)}; expected {rows.Length} and {expected}.");
    }
}
