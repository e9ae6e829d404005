using System.Buffers.Binary;
using Meridian.Sats.Types;
using Meridian.Storage.Indexes;
using Meridian.Storage.Schema;
using Xunit.Abstractions;

namespace Meridian.Storage.Tests;

/// <summary>Readers of committed state run on other threads while the writer commits; they must only ever see whole transactions.</summary>
public class ConcurrencyTests(ITestOutputHelper output)
{
    private static readonly TableSchema Accounts = new(
        "accounts", AlgebraicType.Product(("id", AlgebraicType.U32), ("balance", AlgebraicType.I64)),
        indexes: [new IndexSchema("balance", [1])], primaryKey: 0);

    private static byte[] Row(uint id, long balance)
    {
        var row = new byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(row, id);
        BinaryPrimitives.WriteInt64LittleEndian(row.AsSpan(4), balance);
        return row;
    }

    [Fact]
    public async Task Readers_see_only_whole_transactions_while_the_writer_commits()
    {
        var seed = TestSeed.Get(output);
        const int accounts = 200;
        const long initial = 1000;
        var store = Datastore.CreateInMemory();
        TableId t;
        using (var tx = store.BeginTransaction())
        {
            t = tx.CreateTable(Accounts);
            for (uint i = 0; i < accounts; i++)
                tx.Insert(t, Row(i, initial));
            tx.Commit();
        }
        var pk = Accounts.PrimaryKeyIndex;
        using var stop = new CancellationTokenSource();
        var reads = 0L;

        void Reader()
        {
            while (!stop.IsCancellationRequested)
            {
                var state = store.Committed;
                long sum = 0;
                var rows = 0;
                var cursor = state.Scan(t);
                while (cursor.MoveNext())
                {
                    sum += BinaryPrimitives.ReadInt64LittleEndian(cursor.Current[4..]);
                    rows++;
                }
                Assert.Equal(accounts, rows);
                Assert.Equal(accounts * initial, sum);
                // The balance index agrees with the rows of the same version.
                long indexed = 0;
                var byBalance = state.ScanIndex(t, 0, IndexScanRange.Between(KeyBound.Unbounded, KeyBound.Unbounded));
                while (byBalance.MoveNext())
                    indexed += BinaryPrimitives.ReadInt64LittleEndian(byBalance.Current[4..]);
                Assert.Equal(sum, indexed);
                Interlocked.Increment(ref reads);
            }
        }

        // Dedicated threads: on a busy 2-core machine pool threads may not start before the writer is done.
        var readers = new[]
        {
            Task.Factory.StartNew(Reader, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default),
            Task.Factory.StartNew(Reader, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default),
        };
        var rng = new Random(seed);
        var deadline = DateTime.UtcNow.AddSeconds(1.5);
        var giveUp = DateTime.UtcNow.AddSeconds(30);
        var transfers = 0;
        // Write for 1.5 s, and on until the readers have checked a few versions (bounded).
        while ((DateTime.UtcNow < deadline || Interlocked.Read(ref reads) < 20) && DateTime.UtcNow < giveUp && readers.All(r => !r.IsCompleted))
        {
            using var tx = store.BeginTransaction();
            for (var k = rng.Next(1, 5); k > 0; k--)
            {
                var from = (uint)rng.Next(accounts);
                var to = (uint)rng.Next(accounts);
                if (from == to)
                    continue;
                Assert.True(tx.TryFind(t, pk, BitConverter.GetBytes(from), out var a));
                var fromBalance = BinaryPrimitives.ReadInt64LittleEndian(a[4..]);
                Assert.True(tx.TryFind(t, pk, BitConverter.GetBytes(to), out var b));
                var toBalance = BinaryPrimitives.ReadInt64LittleEndian(b[4..]);
                var amount = rng.Next(50);
                tx.Update(t, pk, Row(from, fromBalance - amount));
                tx.Update(t, pk, Row(to, toBalance + amount));
            }
            if (rng.Next(10) == 0)
                tx.Rollback();
            else
                tx.Commit();
            transfers++;
        }
        await stop.CancelAsync();
        await Task.WhenAll(readers);
        output.WriteLine($"{transfers} transactions, {reads} consistent reads");
        Assert.True(reads >= 20, $"the readers checked only {reads} versions in 30 s");
    }
}
