using System.Diagnostics;
using Meridian.Benchmarks.Harness;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using Meridian.Storage;
using Meridian.Storage.Schema;

namespace Meridian.Benchmarks.Storage;

/// <summary>
/// A table that is only ever updated, for a long run without resets (issue 15, pagedir6): the transfer
/// workload servers run for hours. Each transaction updates 256 of 2,048 rows by primary key (the suite's
/// update_bulk shape, but the table is never reloaded). Prints the cost per update transaction over the
/// first and the last stretch of the run; the ratio early/late should stay near 1.0 (it fell while the row
/// heap's page directory grew with every page ever filled).
/// </summary>
public static class LongUpdates
{
    private const int Rows = 2048;
    private const int PerTransaction = 256;

    /// <summary>Runs for <c>--seconds</c> (default 30 s, 6 s with <c>--quick</c>).</summary>
    public static void Run(BenchmarkOptions options, List<BenchmarkResult> results)
    {
        var seconds = options.Seconds ?? (options.Quick ? 6 : 30);
        var stretch = Math.Min(3.0, seconds / 5);
        var schema = new TableSchema("account",
            AlgebraicType.Product(("id", AlgebraicType.U32), ("balance", AlgebraicType.U64), ("owner", AlgebraicType.String)),
            primaryKey: 0);
        using var store = Datastore.CreateInMemory();
        TableId table;
        var w = new BsatnWriter();
        byte[] Row(uint id, ulong balance)
        {
            w.Reset();
            w.WriteU32(id);
            w.WriteU64(balance);
            w.WriteString("owner" + id);
            return w.ToArray();
        }
        using (var tx = store.BeginTransaction())
        {
            table = tx.CreateTable(schema);
            for (uint i = 0; i < Rows; i++)
                tx.Insert(table, Row(i, 0));
            tx.Commit();
        }
        var pk = store.Committed.GetTable(table).PrimaryKeyIndex;
        var rows = new byte[Rows][];
        for (uint i = 0; i < Rows; i++)
            rows[i] = Row(i, 0);
        var next = 0u;
        var balance = 0ul;
        void UpdateTransaction()
        {
            using var tx = store.BeginTransaction();
            balance++;
            for (var k = 0; k < PerTransaction; k++)
            {
                var row = rows[next];
                // The balance is bytes 4..12 of the row: change it in place so no row is built per update.
                BitConverter.TryWriteBytes(row.AsSpan(4), balance);
                tx.Update(table, pk, row);
                next = (next + 1) % Rows;
            }
            tx.Commit();
        }

        // Warm-up (tiered JIT), then the early stretch, the middle of the run, the late stretch.
        var warmup = Stopwatch.StartNew();
        while (warmup.Elapsed < options.WarmupTime)
            UpdateTransaction();
        var early = Stretch(UpdateTransaction, stretch, out var earlyCount);
        var total = Stopwatch.StartNew();
        var middle = 0L;
        while (total.Elapsed.TotalSeconds < seconds - 2 * stretch)
        {
            UpdateTransaction();
            middle++;
        }
        var late = Stretch(UpdateTransaction, stretch, out var lateCount);
        var heap = store.State.Table(table.Value)!.Heap;
        Console.Error.WriteLine(
            $"  storage: long updates: {earlyCount + middle + lateCount:N0} transactions in {seconds} s; early {early:F1} µs/tx, "
            + $"late {late:F1} µs/tx (late/early {late / early:F2}); {heap.PageCount:N0} pages made, directory array {heap.Pages.Length:N0} slots");
        results.Add(BenchmarkResult.LowerIsBetter(
            "storage",
            $"mem/long_updates/{seconds}s/load={Rows}/count={PerTransaction}: late vs early",
            "µs/tx",
            late,
            early,
            $"same run, first {stretch:F0} s",
            "~1.0x"));
        results.Add(BenchmarkResult.LowerIsBetter(
            "storage",
            $"mem/long_updates/{seconds}s: page directory slots at the end ({heap.PageCount:N0} pages made)",
            "slots",
            heap.Pages.Length,
            null,
            null,
            null));
    }

    private static double Stretch(Action transaction, double seconds, out long count)
    {
        count = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            transaction();
            count++;
        }
        return watch.Elapsed.TotalMicroseconds / count;
    }
}
