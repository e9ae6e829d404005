using Meridian.Query.Catalog;
using Meridian.Query.Execution;
using Meridian.Query.Sql;
using Meridian.Query.Subscriptions;
using Meridian.Runtime.Execution;
using Meridian.Runtime.Logging;
using Meridian.Runtime.Modules;
using Meridian.Runtime.Subscriptions;
using Meridian.Sats;
using Meridian.Sats.ModuleDef;
using Meridian.Storage;
using Meridian.Storage.Schema;
using Meridian.Storage.Changesets;
using SpacetimeDB.Internal;

namespace Meridian.Runtime;

/// <summary>
/// One database: a datastore, the module that owns it, its clients' subscriptions and its log.
/// One writer at a time: reducer calls, lifecycle events, DML and subscription changes run one
/// after another in commit order, and everything they tell clients is enqueued in that order.
/// </summary>
public sealed partial class Database : IAsyncDisposable
{
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly Datastore _store;
    private readonly TimeProvider _clock;
    private readonly SubscriptionManager _subscriptions = new();
    private readonly Scheduling.Scheduler _scheduler = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _schedulerLoop = Task.CompletedTask;
    private LoadedModule _module;
    private TableId[] _tableIds = [];
    private SqlCatalog _catalog = new([]);
    private bool _disposed;

    private Database(string name, Identity identity, Identity owner, Datastore store, LoadedModule module, ModuleLog log, TimeProvider clock)
    {
        Name = name;
        Identity = identity;
        Owner = owner;
        _store = store;
        _module = module;
        Log = log;
        _clock = clock;
    }

    /// <summary>The database's name.</summary>
    public string Name { get; }

    /// <summary>The database's own identity.</summary>
    public Identity Identity { get; }

    /// <summary>Who published it: the only caller allowed owner actions.</summary>
    public Identity Owner { get; }

    /// <summary>The database's log.</summary>
    public ModuleLog Log { get; }

    /// <summary>The loaded module.</summary>
    public LoadedModule Module => _module;

    /// <summary>The validated module schema.</summary>
    public ModuleSchema Schema => _module.Schema;

    /// <summary>Cancelled when the database is closed (deleted, reset or the server stops): sessions use it to say goodbye.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>The storage underneath.</summary>
    public Datastore Store => _store;

    /// <summary>
    /// Opens a database over <paramref name="store"/> (fresh, or recovered from disk) with
    /// <paramref name="module"/>: creates the module's tables that do not exist yet and checks the
    /// others match. When <paramref name="runInit"/> is set (first publish), runs the module's
    /// <c>Init</c> reducer as <paramref name="owner"/>; if it fails, the error is thrown.
    /// </summary>
    /// <exception cref="ModuleLoadException">The module's tables do not match the stored ones, or Init failed.</exception>
    public static async Task<Database> OpenAsync(string name, Identity identity, Identity owner, Datastore store, LoadedModule module, ModuleLog log, bool runInit, TimeProvider? clock = null)
    {
        var db = new Database(name, identity, owner, store, module, log, clock ?? TimeProvider.System);
        db.AttachTables(module.Schema);
        if (runInit)
        {
            var init = module.Schema.FindLifecycle(Lifecycle.Init);
            if (init is not null)
            {
                var result = await db.RunReducerAsync(init, [], owner, ConnectionId.Zero, session: null, requestId: 0).ConfigureAwait(false);
                if (result.Status != ReducerStatus.Committed)
                    throw new ModuleLoadException($"The module's init reducer failed: {result.Error}");
            }
        }
        db._schedulerLoop = Task.Run(() => db.RunSchedulerAsync(db._stopping.Token));
        return db;
    }

    // Creates missing tables and maps module table numbers to storage ids.
    private void AttachTables(ModuleSchema schema)
    {
        var committed = _store.Committed;
        var ids = new TableId[schema.Tables.Count];
        using (var tx = _store.BeginTransaction())
        {
            var created = false;
            foreach (var table in schema.Tables)
            {
                if (committed.TryGetTable(table.Name, out var existing))
                {
                    var problem = Compatibility(existing, table.Schema);
                    if (problem is not null)
                        throw new ModuleLoadException($"Table '{table.Name}' does not match the stored table: {problem}. Changing a table's columns or keys needs a migration, which Meridian does not support yet; publish with --delete-data to start over.");
                    ids[table.ModuleIndex] = existing.Id;
                }
                else
                {
                    ids[table.ModuleIndex] = tx.CreateTable(table.Schema);
                    created = true;
                }
            }
            if (created)
                tx.Commit();
        }
        _tableIds = ids;
        var state = _store.Committed;
        _scheduler.Reset(schema.Schedules.Select(s => (s, ids[s.Table.ModuleIndex])).ToList(), state, Timestamp.Now(_clock));
        _catalog = new SqlCatalog(schema.Tables.Select(t => new SqlTable(state.GetTable(ids[t.ModuleIndex]), t.Name, t.AccessorName,
            t.Schema.RowType.Elements.Select((e, i) => e.Name ?? $"col_{i}").ToList(), t.ColumnAccessors)));
    }

    private static string? Compatibility(Storage.Schema.TableSchema stored, Storage.Schema.TableSchema wanted)
    {
        if (!stored.RowType.Equals(wanted.RowType))
            return $"its columns changed from {stored.RowType} to {wanted.RowType}";
        if (stored.PrimaryKey != wanted.PrimaryKey)
            return "its primary key changed";
        if (stored.Access != wanted.Access)
            return "its access (public/private) changed";
        if (stored.IsEvent != wanted.IsEvent)
            return "its event flag changed";
        var storedIndexes = stored.Indexes.Select(i => i.ToString()).ToList();
        var wantedIndexes = wanted.Indexes.Select(i => i.ToString()).ToList();
        if (!storedIndexes.Take(wantedIndexes.Count).SequenceEqual(wantedIndexes) || storedIndexes.Count != wantedIndexes.Count)
            return "its indexes or constraints changed";
        return null;
    }

    /// <summary>
    /// Replaces the module with <paramref name="module"/> when its tables are compatible (new tables
    /// are created); the old module is unloaded. Clients stay connected.
    /// </summary>
    public async Task UpdateModuleAsync(LoadedModule module)
    {
        await _writer.WaitAsync().ConfigureAwait(false);
        try
        {
            var missing = Schema.Tables.Select(t => t.Name).Except(module.Schema.Tables.Select(t => t.Name)).ToList();
            if (missing.Count > 0)
                throw new ModuleLoadException($"The new module removes table(s) {string.Join(", ", missing)}; removing tables needs --delete-data.");
            AttachTables(module.Schema);
            var old = _module;
            _module = module;
            old.Dispose();
        }
        finally
        {
            _writer.Release();
        }
    }

    private async Task<T> Exclusive<T>(Func<T> action)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _writer.WaitAsync().ConfigureAwait(false);
        try
        {
            return action();
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _schedulerLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await _writer.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            _module.Dispose();
            _store.Dispose();
            Log.Dispose();
        }
        finally
        {
            _writer.Release();
        }
    }
}
