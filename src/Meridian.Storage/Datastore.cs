using Meridian.Storage.Changesets;
using Meridian.Storage.Tables;

namespace Meridian.Storage;

/// <summary>
/// A database's tables in memory, made durable by an optional commit log and snapshots.
/// </summary>
/// <remarks>
/// <para><b>One writer.</b> <see cref="BeginTransaction"/> waits until no other transaction is open;
/// transactions run one at a time, in commit order.</para>
/// <para><b>Readers never block the writer.</b> Every table is a set of persistent B+trees over
/// append-only pages of BSATN rows. A commit publishes a new version that shares every unchanged
/// node with the previous one; <see cref="Committed"/> returns the latest version, which is
/// immutable, so readers (SQL, initial subscriptions, snapshots, backups) take no lock, see whole
/// transactions only, and may hold a version as long as they like (it is kept alive by the GC).</para>
/// <para><b>Durability is write-behind.</b> A commit is visible as soon as it is published; it is
/// durable once <c>DurableOffset</c> reaches its offset. Use <c>WaitForDurableAsync</c>
/// before acknowledging to confirmed-reads clients.</para>
/// </remarks>
public sealed partial class Datastore : IDisposable
{
    private readonly WriterSlot _writer = new();
    private volatile DbState _state;
    private CommittedState? _committedCache;
    private Transaction? _open;
    private bool _disposed;

    private Datastore(DbState state, TimeProvider clock)
    {
        _state = state;
        Clock = clock;
    }

    /// <summary>A datastore with no durability: everything lives in memory and is lost with the process.</summary>
    public static Datastore CreateInMemory(TimeProvider? clock = null) => new(DbState.Empty(), clock ?? TimeProvider.System);

    internal static Datastore FromState(DbState state) => new(state, TimeProvider.System);

    /// <summary>The clock that stamps commits (<see cref="CreateInMemory"/>'s argument, or <see cref="DatastoreOptions.Clock"/>).</summary>
    public TimeProvider Clock { get; }

    internal DbState State => _state;

    /// <summary>The latest committed version. Immutable and lock-free; safe from any thread.</summary>
    public CommittedState Committed
    {
        get
        {
            var state = _state;
            var cached = _committedCache;
            if (cached is null || !ReferenceEquals(cached.Inner, state))
                _committedCache = cached = new CommittedState(state);
            return cached;
        }
    }

    /// <summary>Offset the next logged transaction will get.</summary>
    public ulong NextOffset => _state.NextOffset;

    /// <summary>Starts the write transaction, waiting while another one is open.</summary>
    /// <exception cref="DatastoreFailedException">The commit log has failed; no more writes are accepted.</exception>
    public Transaction BeginTransaction()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _writer.Take();
        return StartTransaction();
    }

    /// <summary>Starts the write transaction, giving up after <paramref name="timeout"/>.</summary>
    public bool TryBeginTransaction(TimeSpan timeout, out Transaction? transaction)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_writer.Take(timeout))
        {
            transaction = null;
            return false;
        }
        transaction = StartTransaction();
        return true;
    }

    private Transaction StartTransaction()
    {
        try
        {
            ThrowIfFailed();
        }
        catch
        {
            _writer.Give();
            throw;
        }
        return _open = new Transaction(this, _state);
    }

    internal Transaction BeginReplay()
    {
        _writer.Take();
        return _open = new Transaction(this, _state, replay: true);
    }

    // Per-transaction scratch, reused by the next transaction: only the writer touches it (under the write slot).
    private TableTx?[]? _spareChanges;

    /// <summary>The page list a commit collects compaction candidates in (per table, cleared each time; writer only).</summary>
    internal List<int> LostPagesScratch { get; } = [];

    /// <summary>A cleared array of at least <paramref name="size"/> slots for a transaction's changed tables, or null.</summary>
    internal TableTx?[]? TakeChangesArray(int size)
    {
        var spare = _spareChanges;
        if (spare is null || spare.Length < size)
            return null;
        _spareChanges = null;
        return spare;
    }

    /// <summary>Takes back a finished transaction's changed-tables array (cleared here) for the next one.</summary>
    internal void ReturnChangesArray(TableTx?[] changes)
    {
        if (changes.Length > 4096)
            return; // a database of very many tables: not kept
        Array.Clear(changes);
        _spareChanges = changes;
    }

    internal void ReleaseWriter(Transaction tx)
    {
        if (ReferenceEquals(_open, tx))
        {
            _open = null;
            _writer.Give();
        }
    }

    /// <summary>Makes a commit visible (after handing it to the log, which may refuse it).</summary>
    internal void Publish(DbState state, Changeset changeset)
    {
        AppendToLog(changeset);
        _state = state;
        AfterPublish(changeset);
    }

    internal void PublishReplay(DbState state) => _state = state;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        DisposeDurability();
    }
}
