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
/// batch of changes to a 100,000-row table, timed on the mirror file itself (no server, no socket): the
/// default full rewrite (every row into a temporary file, renamed over the mirror) as the baseline, measured
/// in the same run, against the incremental mode (the batch's deletes and inserts in one SQLite transaction
/// on the file). A row: u64 id primary key, string name, u64 score, a product as JSON text, an option.
/// </summary>
public static class MirrorSuite
{
    private const string Suite = "mirror";
    private const int TableRows = 100_000;

    private static readonly ProductType Point = AlgebraicType.Product(("x", AlgebraicType.I32), ("y", AlgebraicType.I32));
    private static readonly ProductType Row = AlgebraicType.Product(
        ("id", AlgebraicType.U64), ("name", AlgebraicType.String), ("score", AlgebraicType.U64),
        ("position", AlgebraicType.Ref(0)), ("team", AlgebraicType.Option(AlgebraicType.U32)));
    private static readonly TableSchema Schema = new("player", Row, new Typespace([Point, Row]), 0, true, false, false);

    /// <summary>Runs the suite.</summary>
    public static IReadOnlyList<BenchmarkResult> Run(BenchmarkOptions options)
    {
        var results = new List<BenchmarkResult>();
        var dir = Directory.CreateTempSubdirectory("meridian-mirror-bench-").FullName;
        try
        {
            var seed = 20261203;
            Console.WriteLine($"mirror: seed {seed}");
            var random = new Random(seed);
            var rows = Enumerable.Range(0, TableRows).Select(i => Make((ulong)i, (ulong)random.Next(1_000_000))).ToArray();
            var table = new MirrorTable(Schema);
            using var file = new SqliteMirrorFile(Path.Combine(dir, "mirror.sqlite"), [table]);
            var samples = options.Quick ? 3 : 7;

            // The baseline: what the default mode does on every write, whatever the batch's size.
            file.Rebuild([rows]);
            var rebuild = Median(samples, () => file.Rebuild([rows]));
            results.Add(BenchmarkResult.HigherIsBetter(Suite, $"initial load: {TableRows:N0} rows written by a full rewrite", "rows/s",
                TableRows / rebuild, null, null, null));

            foreach (var batch in new[] { 1, 100, 1_000, 10_000 })
            {
                var incremental = Median(samples, () =>
                {
                    var changes = new List<MirrorChange>(2 * batch);
                    foreach (var id in Pick(random, batch))
                    {
                        changes.Add(new MirrorChange(table, rows[id], IsInsert: false));
                        rows[id] = Make((ulong)id, (ulong)random.Next(1_000_000));
                        changes.Add(new MirrorChange(table, rows[id], IsInsert: true));
                    }
                    file.Apply(changes);
                });
                file.CloseLive();
                // Rows/s = rows changed by the batch per second of bringing the file up to date.
                results.Add(BenchmarkResult.HigherIsBetter(Suite,
                    $"{batch:N0} row update(s) in one write, {TableRows:N0}-row table: incremental", "rows/s",
                    batch / incremental, batch / rebuild, "full rewrite of the file", null));
            }
            Check(file.Path, rows);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
        return results;
    }

    private static DynamicRow Make(ulong id, ulong score) => new(Schema, AlgebraicValue.Product(
        AlgebraicValue.U64(id),
        AlgebraicValue.String("player " + id.ToString(CultureInfo.InvariantCulture)),
        AlgebraicValue.U64(score),
        AlgebraicValue.Product(AlgebraicValue.I32((int)(score % 1000)), AlgebraicValue.I32((int)(score / 1000))),
        score % 3 == 0 ? AlgebraicValue.OptionNone : AlgebraicValue.OptionSome(AlgebraicValue.U32((uint)(score % 7)))));

    // Distinct ids, so a batch never deletes a row it has already replaced.
    private static HashSet<int> Pick(Random random, int count)
    {
        var picked = new HashSet<int>();
        while (picked.Count < count)
            picked.Add(random.Next(TableRows));
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
        if (reader.GetInt64(0) != TableRows || Math.Abs(reader.GetDouble(1) - expected) > 0.5)
            throw new InvalidOperationException(
                $"The mirror holds {reader.GetInt64(0)} rows with score sum {reader.GetDouble(1)}; expected {TableRows} and {expected}.");
    }
}
