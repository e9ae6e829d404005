using Meridian.Runtime.Diagnostics;
using Meridian.Runtime.Execution;
using Meridian.Runtime.Hosting;
using Meridian.Runtime.Logging;
using Meridian.Runtime.Migrations;
using Meridian.Runtime.Modules;
using Meridian.Runtime.Pipeline;
using Meridian.Runtime.Scheduling;
using Meridian.Runtime.Subscriptions;
using Meridian.Runtime.Writing;
using Meridian.Sats;
using Meridian.Sats.ModuleDef;
using Meridian.Storage;
using Meridian.Storage.Schema;
using Microsoft.Extensions.Logging;

namespace Meridian.Runtime;

/// <summary>
/// One database: a datastore, the module that owns it, its clients' subscriptions and its log.
/// </summary>
/// <remarks>
/// <para><b>One writer.</b> Reducer calls, lifecycle events, scheduled reducers, DML and module updates
/// run one at a time on the <see cref="DatabaseWriter"/>, in commit order.</para>
/// <para><b>A commit pipeline.</b> Each commit goes, with the committed version it produced, to the
/// <see cref="CommitPipeline"/>, whose observers (scheduler, subscriptions, metrics) follow commits in
/// order on a loop of their own: computing and encoding what clients receive never holds the writer.</para>
/// <para><b>Reads never take the writer.</b> One-off queries, SQL SELECTs and initial subscription
/// results read an immutable committed version; the writer keeps committing meanwhile.</para>
/// </remarks>
public sealed partial class Database : IAsyncDisposable
{
    private readonly Datastore _store;
    private readonly DatabaseServices _services;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly DatabaseWriter _writer = new();
    private readonly ProcedureTurns _procedureTurns = new();
    private readonly CommitPipeline _pipeline;
    private readonly SubscriptionManager _subscriptions;
    private readonly Scheduler _scheduler = new();
    private readonly ReducerExecutor _executor;
    private readonly CancellationTokenSource _stopping = new();
    private Task _schedulerLoop = Task.CompletedTask;
    private volatile ActiveModule _active;
    private int _disposed; // set once the database refuses new work
    private int _closed;   // set once DisposeAsync ran

    private Database(string name, Identity identity, Identity owner, Datastore store, ActiveModule active, ModuleLog log, DatabaseServices services)
    {
        Name = name;
        Identity = identity;
        Owner = owner;
        Log = log;
        _store = store;
        _active = active;
        _services = services;
        _clock = services.Clock;
        _logger = services.LoggerFactory.CreateLogger("Meridian.Runtime.Database");
        _executor = new ReducerExecutor(store, identity, log, _clock) { ScheduleImmediate = ScheduleImmediate, TimeLimit = services.ReducerTimeLimit };
        _subscriptions = new SubscriptionManager(name, services.Metrics);
        _pipeline = new CommitPipeline(store.Committed,
            [_scheduler, _subscriptions, new CommitMetricsObserver(name, services.Metrics)],
            e => _logger.ObserverFailed(name, e));
        _subscriptions.Attach(_pipeline);
    }

    /// <summary>The database's name.</summary>
    public string Name { get; }

    /// <summary>The database's own identity.</summary>
    public Identity Identity { get; }

    /// <summary>Who published it: the only caller allowed owner actions.</summary>
    public Identity Owner { get; }

    /// <summary>The database's log.</summary>
    public ModuleLog Log { get; }

    /// <summary>Variables set with SQL <c>SET</c> (row_limit).</summary>
    public DatabaseSettings Settings { get; private init; } = DatabaseSettings.InMemory();

    /// <summary>The loaded module.</summary>
    public LoadedModule Module => _active.Module;

    /// <summary>The validated module schema.</summary>
    public ModuleSchema Schema => _active.Schema;

    /// <summary>Cancelled when the database is closed (deleted, reset or the server stops): sessions use it to say goodbye.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>The storage underneath (for the runtime and its tests; callers above go through this class).</summary>
    internal Datastore Store => _store;

    /// <summary>Whether <paramref name="identity"/> owns this database.</summary>
    public bool IsOwner(Identity identity) => identity == Owner;

    /// <summary>
    /// Opens a database over <paramref name="store"/> (fresh, or recovered from disk) with
    /// <paramref name="module"/>: creates the module's tables that do not exist yet and checks the
    /// others match. When <paramref name="runInit"/> is set (first publish), runs the module's
    /// <c>Init</c> reducer as <paramref name="owner"/>; if it fails, the error is thrown.
    /// </summary>
    /// <exception cref="ModuleLoadException">The module's tables do not match the stored ones, or Init failed.</exception>
    /// <exception cref="ArgumentException"><paramref name="store"/> was built with another clock than <paramref name="services"/>' clock.</exception>
    public static async Task<Database> OpenAsync(
        string name,
        Identity identity,
        Identity owner,
        Datastore store,
        LoadedModule module,
        ModuleLog log,
        bool runInit,
        DatabaseServices? services = null,
        DatabaseSettings? settings = null)
    {
        services ??= DatabaseServices.Default;
        // Commit times come from the store's clock, reducer and schedule times from the services': two clocks would disagree.
        if (!ReferenceEquals(store.Clock, services.Clock))
        {
            throw new ArgumentException(
                $"Database {name}: the store was built with another clock ({store.Clock.GetType().Name}) than the database's services "
                + $"({services.Clock.GetType().Name}); build the store with the same TimeProvider (Datastore.CreateInMemory(clock), DatastoreOptions.Clock).",
                nameof(store));
        }
        var ids = OpenTables(store, module);
        var db = new Database(name, identity, owner, store, ActiveModule.Create(module, ids, store.Committed), log, services)
        {
            Settings = settings ?? DatabaseSettings.InMemory(),
        };
        db.ResetScheduler(store.Committed);
        if (runInit && module.Schema.FindLifecycle(Lifecycle.Init) is { } init)
        {
            var result = await db.RunReducerAsync(init, [], owner, ConnectionId.Zero, session: null, requestId: 0).ConfigureAwait(false);
            if (result.Status != ReducerStatus.Committed)
            {
                // The store, module and log stay the caller's to close; only the loops stop here.
                await db.StopAsync().ConfigureAwait(false);
                throw new ModuleLoadException($"The module's init reducer failed: {result.Error}");
            }
        }
        db._schedulerLoop = Task.Run(() => db.RunSchedulerAsync(db._stopping.Token));
        return db;
    }

    private void ResetScheduler(StateReader state)
    {
        var active = _active;
        _scheduler.Reset(active.Schema.Schedules.Select(s => (s, active.TableIds[s.Table.ModuleIndex])).ToList(), state, Timestamp.Now(_clock));
    }

    /// <summary>Completes once transaction <paramref name="offset"/> is on disk (at once for an in-memory database).</summary>
    /// <remarks>
    /// Callers waiting for the same offset (every confirmed-reads client told about one commit) share one wait on the
    /// log. In async fsync mode the wait makes the log fsync at once rather than at its next periodic flush.
    /// </remarks>
    /// <exception cref="DatabaseUnavailableException">The database cannot make it durable: its commit log failed.</exception>
    public Task WaitForDurableAsync(ulong offset, CancellationToken cancellation = default)
    {
        var shared = Volatile.Read(ref _durableWait);
        if (shared is null || shared.Offset != offset)
        {
            if (shared is not null && shared.Offset > offset && shared.Task.IsCompletedSuccessfully)
                return Task.CompletedTask;
            var fresh = new DurableWait(offset, WaitForDurableOnceAsync(offset));
            if (fresh.Task.IsCompleted)
                return fresh.Task;
            Volatile.Write(ref _durableWait, fresh); // a racing waiter may replace it: then it only shares less
            shared = fresh;
        }
        return cancellation.CanBeCanceled ? shared.Task.WaitAsync(cancellation) : shared.Task;
    }

    private async Task WaitForDurableOnceAsync(ulong offset)
    {
        try
        {
            await _store.WaitForDurableAsync(offset).ConfigureAwait(false);
        }
        catch (DatastoreFailedException e)
        {
            throw new DatabaseUnavailableException($"The database cannot make its transactions durable: {e.Message}", e);
        }
    }

    // The latest wait for durability, shared by every caller waiting for the same offset.
    private DurableWait? _durableWait;

    private sealed record DurableWait(ulong Offset, Task Task);

    /// <summary>Offset of the last transaction known to be on disk, or null when none is (the last committed one in memory).</summary>
    public ulong? DurableOffset => _store.DurableOffset;

    /// <summary>Offset of the last committed transaction, or null when none has committed.</summary>
    public ulong? LastCommittedOffset => _store.Committed.LastOffset;

    /// <summary>The writer (tests occupy it to show what does not wait for it).</summary>
    internal DatabaseWriter Writer => _writer;

    /// <summary>The subscriptions (tests reach their hooks through it).</summary>
    internal SubscriptionManager Subscriptions => _subscriptions;

    /// <summary>Distinct live subscription queries (shared by every client subscribed to them).</summary>
    internal Task<int> LiveQueryCountAsync()
    {
        var count = 0;
        return _pipeline.Post(_ => count = _subscriptions.QueryCount).ContinueWith(_ => count, TaskScheduler.Default);
    }

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
            throw new DatabaseClosedException();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
            return;
        await StopAsync().ConfigureAwait(false);
        _active.Module.Dispose();
        _store.Dispose();
        Log.Dispose();
    }

    // Refuses new work, finishes what was queued (the writer's work, then the pipeline's deliveries)
    // and stops the loops; the store, module and log stay open.
    private async Task StopAsync()
    {
        Volatile.Write(ref _disposed, 1);
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _schedulerLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await _writer.DisposeAsync().ConfigureAwait(false);
        await _pipeline.DisposeAsync().ConfigureAwait(false);
    }
}
