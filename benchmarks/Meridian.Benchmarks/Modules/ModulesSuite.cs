using System.Buffers;
using System.Buffers.Binary;
using Meridian.Benchmarks.Harness;
using Meridian.Runtime;
using Meridian.Runtime.Execution;
using Meridian.Runtime.Hosting;
using Meridian.Runtime.Logging;
using Meridian.Runtime.Modules;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Storage;
using Meridian.Storage.Changesets;
using Meridian.Storage.Devices;
using Meridian.Storage.Log;
using Meridian.Storage.Schema;
using Microsoft.Data.Sqlite;
using SpacetimeDB.Internal;

namespace Meridian.Benchmarks.Modules;

/// <summary>
/// The <c>modules</c> suite (issue 8): what a reducer call costs in-process, on one thread, with tests/Modules/Bank
/// and its commit log on disk in a temporary directory, fsynced in <see cref="DurabilityMode.Async"/> mode (every
/// commit is written to the log file; fsync runs every few milliseconds). The empty reducer is timed at the module
/// boundary (the generated dispatch: argument reader, context, the call) and through the whole runtime (writer,
/// transaction, commit and log append, commit pipeline, the answer); the keynote transfer reducer (two lookups and
/// two updates by primary key) is timed as transactions per second, one awaited call at a time and with 1,000 calls
/// in flight. Baselines, measured in the same run with samples interleaved: a plain delegate call for the dispatch,
/// and SQLite for the transactions (a file in the same temporary directory, WAL journal, synchronous=NORMAL, which
/// fsyncs only at checkpoints: its nearest mode to async fsync; prepared statements, one transaction per call). The
/// time limit's cost is the same case with the limit on against off.
/// </summary>
public static class ModulesSuite
{
    private const string Suite = "modules";
    internal const ulong Accounts = 1_000;
    internal const int InFlight = 1_000;
    private static readonly Identity Owner = Identity.FromClaims("localhost", "owner");

    /// <summary>Runs the suite.</summary>
    public static IReadOnlyList<BenchmarkResult> Run(BenchmarkOptions options)
    {
        var results = new List<BenchmarkResult>();
        var image = ModuleImage();
        using var dir = new TempDir();
        using var limited = Open(image, TimeSpan.FromSeconds(10), Path.Combine(dir.Path, "limited"));
        using var unlimited = Open(image, null, Path.Combine(dir.Path, "unlimited"));
        using var sqlite = new SqliteBank(Accounts, Path.Combine(dir.Path, "bank.sqlite"));

        // The module boundary: the generated invoker of `noop`, against a host it never calls.
        var descriptor = limited.Module.Descriptor;
        var noopId = limited.Module.Schema.FindReducer("noop")!.Id;
        var host = new IdleHost();
        var call = new ReducerCallInfo(default, null, new SpacetimeDB.Timestamp(1), null);
        Action plain = Noop;
        var (dispatch, direct) = Measure.Compare(options, () => descriptor.CallReducer(host, noopId, call, []), () => plain());
        results.Add(BenchmarkResult.LowerIsBetter(Suite, "empty reducer: generated dispatch (ModuleDescriptor.CallReducer)", "ns/call",
            dispatch.NanosPerOp, direct.NanosPerOp, "a plain delegate call", "< 1,000 ns"));

        // Through the runtime: a transaction per call. The empty reducer writes nothing, so nothing reaches the log.
        var (empty, emptySqlite) = Measure.Compare(options, () => limited.Call("noop", []), sqlite.EmptyTransaction);
        results.Add(BenchmarkResult.LowerIsBetter(Suite, "empty reducer through Database.CallReducerAsync (awaited)", "µs/call",
            empty.NanosPerOp / 1000, emptySqlite.NanosPerOp / 1000, "SQLite (WAL, synchronous=NORMAL): BEGIN; COMMIT", "< 1 µs"));

        // The keynote transfer, one awaited call at a time and pipelined.
        var next = 0UL;
        byte[] TransferArgs()
        {
            next++;
            var w = new BsatnWriter(24);
            w.WriteU64((next % Accounts) + 1);
            w.WriteU64(((next + 1) % Accounts) + 1);
            w.WriteU64(1);
            return w.ToArray();
        }
        var (awaited, sqliteTransfer) = Measure.Compare(options, () => limited.Call("transfer", TransferArgs()), () => sqlite.Transfer(++next));
        results.Add(BenchmarkResult.HigherIsBetter(Suite, "transfer reducer, one awaited call at a time (async fsync log)", "tx/s",
            1e9 / awaited.NanosPerOp, 1e9 / sqliteTransfer.NanosPerOp, SqliteTransferName, ">= 500,000 tx/s"));
        var (pipelined, sqliteAgain) = Measure.Compare(
            options, () => limited.CallMany("transfer", InFlight, TransferArgs), () => sqlite.Transfers(InFlight, ref next), InFlight);
        results.Add(BenchmarkResult.HigherIsBetter(Suite, $"transfer reducer, {InFlight:N0} calls in flight (async fsync log)", "tx/s",
            1e9 / pipelined.NanosPerOp, 1e9 / sqliteAgain.NanosPerOp, SqliteTransferName, ">= 500,000 tx/s"));

        // The time limit: a deadline computed per call and checked at every call into the database.
        var (withLimit, withoutLimit) = Measure.Compare(options, () => limited.Call("noop", []), () => unlimited.Call("noop", []));
        results.Add(BenchmarkResult.LowerIsBetter(Suite, "time limit cost: empty reducer, limit 10 s vs none", "µs/call",
            withLimit.NanosPerOp / 1000, withoutLimit.NanosPerOp / 1000, "same call, no time limit", null));
        var (transferLimit, transferNoLimit) = Measure.Compare(
            options, () => limited.CallMany("transfer", InFlight, TransferArgs), () => unlimited.CallMany("transfer", InFlight, TransferArgs), InFlight);
        results.Add(BenchmarkResult.LowerIsBetter(Suite, $"time limit cost: transfer ({InFlight:N0} in flight), limit 10 s vs none", "ns/tx",
            transferLimit.NanosPerOp, transferNoLimit.NanosPerOp, "same calls, no time limit", null));
        return results;
    }

    private const string SqliteTransferName = "SQLite (WAL, synchronous=NORMAL): same transfer, one transaction each";

    private static void Noop()
    {
    }

    // The bank with its commit log under `dir`, fsynced in async mode (null: in memory).
    internal static Handle Open(byte[] image, TimeSpan? limit, string? dir)
    {
        var module = LoadedModule.Load("bank", image);
        var store = dir is null
            ? Datastore.CreateInMemory()
            : Datastore.Open(new DatastoreOptions { Device = new FileStorageDevice(dir), Durability = DurabilityMode.Async, Name = "bank" });
        var db = Database.OpenAsync(
                "bank", Identity.FromClaims("localhost", "db"), Owner, store, module, new ModuleLog(null), runInit: true,
                DatabaseServices.Default with { ReducerTimeLimit = limit })
            .GetAwaiter().GetResult();
        var h = new Handle(db, module);
        var w = new BsatnWriter();
        w.WriteU64(Accounts);
        w.WriteU64(1UL << 40);
        h.Call("open_accounts", w.ToArray());
        return h;
    }

    internal static byte[] ModuleImage()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var bin = Path.Combine(dir.FullName, "tests", "Modules", "Bank", "bin");
            if (!Directory.Exists(bin))
                continue;
            var dll = Directory.EnumerateFiles(bin, "Bank.dll", SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
            if (dll is not null)
                return File.ReadAllBytes(dll);
        }
        throw new FileNotFoundException("tests/Modules/Bank has not been built (the benchmark project builds it).");
    }

    internal sealed class Handle(Database db, LoadedModule module) : IDisposable
    {
        private readonly Task<ReducerCallResult>[] _inFlight = new Task<ReducerCallResult>[InFlight];

        public LoadedModule Module { get; } = module;

        public void Call(string reducer, byte[] args) =>
            Check(reducer, db.CallReducerAsync(reducer, args, Owner, ConnectionId.Zero).GetAwaiter().GetResult());

        public void CallMany(string reducer, int count, Func<byte[]> args)
        {
            for (var i = 0; i < count; i++)
                _inFlight[i] = db.CallReducerAsync(reducer, args(), Owner, ConnectionId.Zero);
            for (var i = 0; i < count; i++)
                Check(reducer, _inFlight[i].GetAwaiter().GetResult());
        }

        private TableId? _account;

        /// <summary>
        /// The transfer done on the database's storage directly, with no module and no runtime (two lookups, two updates,
        /// a commit to the same log with the same call record): what storage alone costs per transfer.
        /// </summary>
        public void StorageTransfer(ulong n, byte[] args)
        {
            var store = db.Store;
            var account = _account ??= store.Committed.Tables.First(t => t.Name == "account").Id;
            Span<byte> key = stackalloc byte[8];
            Span<byte> row = stackalloc byte[16];
            using var tx = store.BeginTransaction();
            Add(tx, account, (n % Accounts) + 1, ulong.MaxValue, key, row); // minus one
            Add(tx, account, ((n + 1) % Accounts) + 1, 1, key, row);
            tx.Commit(new TransactionCall("transfer", args, Owner, ConnectionId.Zero, Timestamp.Now(TimeProvider.System)));

            static void Add(Transaction tx, TableId account, ulong id, ulong delta, Span<byte> key, Span<byte> row)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(key, id);
                if (!tx.TryFind(account, 0, key, out var found))
                    throw new InvalidOperationException($"No account {id}");
                found.CopyTo(row);
                BinaryPrimitives.WriteUInt64LittleEndian(row[8..], unchecked(BinaryPrimitives.ReadUInt64LittleEndian(found[8..]) + delta));
                tx.Update(account, 0, row);
            }
        }

        private static void Check(string reducer, ReducerCallResult result)
        {
            if (result.Status != ReducerStatus.Committed)
                throw new InvalidOperationException($"{reducer}: {result.Error}");
        }

        public void Dispose() => db.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    // The suite's data (both banks' logs, SQLite's file), removed afterwards.
    internal sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("meridian-bench-modules-").FullName;

        public void Dispose()
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(Path, recursive: true);
        }
    }

    // The baseline: the same accounts in SQLite, the same transfer in one transaction each.
    private sealed class SqliteBank : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _begin;
        private readonly SqliteCommand _commit;
        private readonly SqliteCommand _balance;
        private readonly SqliteCommand _update;
        private readonly ulong _accounts;

        public SqliteBank(ulong accounts, string file)
        {
            _accounts = accounts;
            _connection = new SqliteConnection($"Data Source={file};Pooling=False");
            _connection.Open();
            Exec("PRAGMA journal_mode=WAL");
            Exec("PRAGMA synchronous=NORMAL");
            Exec("CREATE TABLE account (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)");
            Exec("BEGIN");
            for (ulong id = 1; id <= accounts; id++)
                Exec($"INSERT INTO account VALUES ({id}, {1L << 40})");
            Exec("COMMIT");
            _begin = Command("BEGIN");
            _commit = Command("COMMIT");
            _balance = Command("SELECT balance FROM account WHERE id = $id");
            _balance.Parameters.Add("$id", SqliteType.Integer);
            _update = Command("UPDATE account SET balance = $balance WHERE id = $id");
            _update.Parameters.Add("$balance", SqliteType.Integer);
            _update.Parameters.Add("$id", SqliteType.Integer);
        }

        public void EmptyTransaction()
        {
            _begin.ExecuteNonQuery();
            _commit.ExecuteNonQuery();
        }

        public void Transfer(ulong n)
        {
            var from = (long)((n % _accounts) + 1);
            var to = (long)(((n + 1) % _accounts) + 1);
            _begin.ExecuteNonQuery();
            var source = Balance(from);
            var target = Balance(to);
            if (source < 1)
                throw new InvalidOperationException("short");
            Update(from, source - 1);
            Update(to, target + 1);
            _commit.ExecuteNonQuery();
        }

        public void Transfers(int count, ref ulong next)
        {
            for (var i = 0; i < count; i++)
                Transfer(++next);
        }

        private long Balance(long id)
        {
            _balance.Parameters[0].Value = id;
            return (long)_balance.ExecuteScalar()!;
        }

        private void Update(long id, long balance)
        {
            _update.Parameters[0].Value = balance;
            _update.Parameters[1].Value = id;
            _update.ExecuteNonQuery();
        }

        private SqliteCommand Command(string sql)
        {
            var c = _connection.CreateCommand();
            c.CommandText = sql;
            c.Prepare();
            return c;
        }

        private void Exec(string sql)
        {
            using var c = _connection.CreateCommand();
            c.CommandText = sql;
            c.ExecuteNonQuery();
        }

        public void Dispose()
        {
            _begin.Dispose();
            _commit.Dispose();
            _balance.Dispose();
            _update.Dispose();
            _connection.Dispose();
        }
    }

    // The host for timing the dispatch alone: the empty reducer never calls it.
    private sealed class IdleHost : IDatabaseHost
    {
        public SpacetimeDB.Identity DatabaseIdentity => default;

        public ulong TableCount(int table) => throw new NotSupportedException();

        public IReadOnlyList<ReadOnlyMemory<byte>> TableScan(int table) => throw new NotSupportedException();

        public void Insert(int table, ReadOnlySpan<byte> row, IBufferWriter<byte> generatedColumns) => throw new NotSupportedException();

        public bool Delete(int table, ReadOnlySpan<byte> row) => throw new NotSupportedException();

        public ulong Clear(int table) => throw new NotSupportedException();

        public IReadOnlyList<ReadOnlyMemory<byte>> IndexScanPoint(int table, int index, ReadOnlySpan<byte> key, int keyColumns) =>
            throw new NotSupportedException();

        public IReadOnlyList<ReadOnlyMemory<byte>> IndexScanRange(
            int table, int index, ReadOnlySpan<byte> prefix, int prefixColumns, ReadOnlySpan<byte> min, ReadOnlySpan<byte> max) =>
            throw new NotSupportedException();

        public ulong IndexDeletePoint(int table, int index, ReadOnlySpan<byte> key, int keyColumns) => throw new NotSupportedException();

        public ulong IndexDeleteRange(int table, int index, ReadOnlySpan<byte> prefix, int prefixColumns, ReadOnlySpan<byte> min, ReadOnlySpan<byte> max) =>
            throw new NotSupportedException();

        public bool UniqueFind(int table, int index, ReadOnlySpan<byte> key, out ReadOnlyMemory<byte> row) => throw new NotSupportedException();

        public bool UniqueDelete(int table, int index, ReadOnlySpan<byte> key) => throw new NotSupportedException();

        public void UniqueUpdate(int table, int index, ReadOnlySpan<byte> row, IBufferWriter<byte> generatedColumns) => throw new NotSupportedException();

        public void Log(LogLevel level, string message, string target, string file, int line) => throw new NotSupportedException();
    }
}
