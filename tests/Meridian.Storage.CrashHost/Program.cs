using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using Meridian.Storage;
using Meridian.Storage.Devices;
using Meridian.Storage.Schema;

// Usage: CrashHost <data dir> <seed> <promise file>
// Inserts rows k = 1, 2, 3 … (one per transaction, in batches) and keeps row k = 0 as a counter of
// committed transactions. After each batch is durable it appends "durable <last k>" to the promise
// file — every line there is a promise the parent checks after killing it with SIGKILL. (A file, not
// stdout, so the child never blocks on a pipe nobody drains.)
var dir = args[0];
var rng = new Random(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
using var promises = new StreamWriter(new FileStream(args[2], FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
using var store = Datastore.Open(new DatastoreOptions { Device = new FileStorageDevice(dir), MaxSegmentSize = 64 * 1024, SnapshotInterval = 500 });
TableId table;
uint next;
using (var tx = store.BeginTransaction())
{
    if (tx.TryGetTable("kv", out var existing))
    {
        table = existing.Id;
        next = (uint)tx.Count(table);
    }
    else
    {
        table = tx.CreateTable(new TableSchema("kv", AlgebraicType.Product(("k", AlgebraicType.U32), ("v", AlgebraicType.U64)), primaryKey: 0));
        tx.Insert(table, Row(0, 0));
        next = 1;
    }
    tx.Commit();
}
// "ready" promises the table: it must be durable first, or a kill right after it loses the table
// (a busy machine can take longer than the parent's shortest wait to fsync).
store.Flush();
promises.WriteLine($"ready {next}");
while (true)
{
    var batch = rng.Next(1, 20);
    for (var i = 0; i < batch; i++, next++)
    {
        using var tx = store.BeginTransaction();
        tx.Insert(table, Row(next, (ulong)rng.NextInt64()));
        tx.Update(table, 0, Row(0, next));
        tx.Commit();
    }
    store.Flush();
    promises.WriteLine($"durable {next - 1}");
}

static byte[] Row(uint k, ulong v)
{
    var w = new BsatnWriter();
    w.WriteU32(k);
    w.WriteU64(v);
    return w.ToArray();
}
