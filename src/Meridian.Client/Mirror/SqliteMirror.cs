using System.Diagnostics;
using Meridian.Client.Dynamic;

namespace Meridian.Client.Mirror;

/// <summary>
/// Keeps an SQLite file that mirrors tables of a <see cref="DynamicDbConnection"/>'s cache, for
/// tools that read SQLite (the <c>sqlite3</c> shell, reporting, an app's own SQL). Writes are
/// debounced: <see cref="SqliteMirrorOptions.Debounce"/> after the last change (500 ms by default),
/// or at the latest <see cref="SqliteMirrorOptions.MaxDelay"/> after the first. By default each
/// write rebuilds the file into a temporary file and renames it over the old one, so a reader
/// never sees a partial file and no <c>-wal</c>, <c>-shm</c> or <c>-journal</c> file is left
/// behind; with <see cref="SqliteMirrorOptions.Incremental"/> each write applies the changes since
/// the last one in one SQLite transaction instead. Either way a write holds whole transactions of
/// the server only. The file is one-way: changes made to it are lost at the next rebuild.
/// </summary>
public sealed class SqliteMirror : IAsyncDisposable, IDisposable
{
    private readonly DynamicDbConnection _connection;
    private readonly SqliteMirrorOptions _options;
    private readonly MirrorTable[] _tables;
    private readonly DynamicTableHandle[] _handles;
    private readonly List<Action> _unhook = [];
    private readonly SqliteMirrorFile _file;
    private readonly MirrorDebounce _debounce;
    private readonly object _lock = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private List<MirrorChange> _changes = [];
    private double _changesCost;
    private bool _needsRebuild = true;
    private long _changeCount;
    private long _rows;
    private int _disposed;

    private SqliteMirror(DynamicDbConnection connection, SqliteMirrorOptions options, TableSchema[] tables)
    {
        _connection = connection;
        _options = options;
        _tables = tables.Select(t => new MirrorTable(t)).ToArray();
        _handles = tables.Select(t => connection.Table(t.Name)).ToArray();
        _file = new SqliteMirrorFile(options.Path, _tables);
        _debounce = new MirrorDebounce(options.Debounce, options.MaxDelay, options.TimeProvider);
        lock (connection.SyncRoot)
        {
            for (var i = 0; i < _handles.Length; i++)
            {
                var handle = _handles[i];
                var table = _tables[i];
                void Inserted(DynamicEventContext _, DynamicRow row) => Record(table, handle, row, null);
                void Deleted(DynamicEventContext _, DynamicRow row) => Record(table, handle, null, row);
                void Updated(DynamicEventContext _, DynamicRow old, DynamicRow row) => Record(table, handle, row, old);
                handle.OnInsert += Inserted;
                handle.OnDelete += Deleted;
                handle.OnUpdate += Updated;
                _unhook.Add(() =>
                {
                    handle.OnInsert -= Inserted;
                    handle.OnDelete -= Deleted;
                    handle.OnUpdate -= Updated;
                });
            }
            // The first write makes the file (empty tables, or the rows the cache already holds).
            lock (_lock)
                _debounce.Touch();
        }
        _signal.Release();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The mirror file's full path.</summary>
    public string Path => _file.Path;

    /// <summary>The mirrored tables' names.</summary>
    public IReadOnlyList<string> Tables => _tables.Select(t => t.Name).ToArray();

    /// <summary>One <c>SELECT * FROM table</c> per mirrored table: what to subscribe to so that the mirror holds whole tables.</summary>
    public IReadOnlyList<string> Queries => _tables.Select(t => "SELECT * FROM " + t.Name).ToArray();

    /// <summary>Whether changes are waiting to be written.</summary>
    public bool IsPending
    {
        get
        {
            lock (_lock)
                return _debounce.IsPending;
        }
    }

    /// <summary>Runs after each write (on the mirror's own task).</summary>
    public event Action<SqliteMirrorWrite>? Written;

    /// <summary>Runs when a write fails; the mirror tries again (with a rebuild) after the debounce.</summary>
    public event Action<Exception>? WriteFailed;

    /// <summary>
    /// Starts mirroring the tables of <paramref name="connection"/> that <paramref name="options"/>
    /// names into its file. Subscribe to <see cref="Queries"/> (or to other queries over the same
    /// tables) for rows to arrive; the mirror holds what the cache holds.
    /// </summary>
    /// <exception cref="ArgumentException">A named table does not exist or is an event table.</exception>
    public static SqliteMirror Attach(DynamicDbConnection connection, SqliteMirrorOptions options)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Path))
            throw new ArgumentException("The mirror needs a file path.", nameof(options));
        if (options.Debounce < TimeSpan.Zero || options.MaxDelay < options.Debounce)
            throw new ArgumentException("Debounce must not be negative and MaxDelay not shorter than Debounce.", nameof(options));
        return new SqliteMirror(connection, options, SelectTables(connection.Schema, options.Tables));
    }

    /// <summary>The tables <paramref name="names"/> picks (null: every public user table that is not an event table).</summary>
    /// <exception cref="ArgumentException">A name is unknown, repeated, or an event table.</exception>
    public static TableSchema[] SelectTables(DatabaseSchema schema, IReadOnlyList<string>? names)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (names is null)
            return schema.Tables.Where(t => t.IsPublic && !t.IsSystem && !t.IsEvent).ToArray();
        var picked = new List<TableSchema>();
        foreach (var name in names)
        {
            var table = schema.Find(name) ?? throw new ArgumentException(
                $"The database has no table '{name}'. Its tables: {string.Join(", ", schema.Tables.Select(t => t.Name))}.", nameof(names));
            if (table.IsEvent)
                throw new ArgumentException(
                    $"'{name}' is an event table: its rows live only inside a transaction, so there is nothing to mirror.", nameof(names));
            if (picked.Contains(table))
                throw new ArgumentException($"The table '{name}' is named twice.", nameof(names));
            picked.Add(table);
        }
        return picked.ToArray();
    }

    /// <summary>Writes pending changes now instead of after the debounce.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (IsPending)
                Write();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    // Runs under the connection's lock (a cache callback), so the table's count is the cache's.
    private void Record(MirrorTable table, DynamicTableHandle handle, DynamicRow? inserted, DynamicRow? deleted)
    {
        lock (_lock)
        {
            _changeCount += (inserted is null ? 0 : 1) + (deleted is null ? 0 : 1);
            if (_options.Incremental && !_needsRebuild)
            {
                var keyed = table.Schema.PrimaryKey is not null;
                if (deleted is not null)
                {
                    _changes.Add(new MirrorChange(table, deleted, IsInsert: false));
                    _changesCost += MirrorRewritePolicy.Cost(isInsert: false, keyed, handle.Count);
                }
                if (inserted is not null)
                {
                    _changes.Add(new MirrorChange(table, inserted, IsInsert: true));
                    _changesCost += MirrorRewritePolicy.Cost(isInsert: true, keyed, handle.Count);
                }
                if (MirrorRewritePolicy.RebuildIsCheaper(_changesCost, _rows))
                {
                    _needsRebuild = true;
                    _changes = [];
                    _changesCost = 0;
                }
            }
            _debounce.Touch();
        }
        if (_signal.CurrentCount == 0)
            _signal.Release();
    }

    private async Task LoopAsync()
    {
        try
        {
            while (true)
            {
                await _signal.WaitAsync(_stop.Token).ConfigureAwait(false);
                while (true)
                {
                    TimeSpan? due;
                    lock (_lock)
                        due = _debounce.DueIn();
                    if (due is not { } wait)
                        break;
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, _options.TimeProvider, _stop.Token).ConfigureAwait(false);
                        continue;
                    }
                    await FlushAsync(_stop.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    // Called with _writeLock held: one write at a time.
    private void Write()
    {
        bool rebuild;
        List<IReadOnlyList<DynamicRow>>? snapshot = null;
        List<MirrorChange>? changes = null;
        long changeCount;
        // The connection's lock: callbacks run under it, so what is taken here is whole transactions.
        lock (_connection.SyncRoot)
        {
            lock (_lock)
            {
                rebuild = _needsRebuild || !_options.Incremental;
                if (rebuild)
                    snapshot = _handles.Select(h => (IReadOnlyList<DynamicRow>)h.Iter().ToList()).ToList();
                else
                    (changes, _changes) = (_changes, []);
                _changesCost = 0;
                changeCount = _changeCount;
                _changeCount = 0;
                _needsRebuild = false;
                _debounce.Clear();
            }
        }
        var clock = Stopwatch.StartNew();
        try
        {
            long rows;
            if (rebuild)
            {
                _file.Rebuild(snapshot!);
                rows = snapshot!.Sum(t => (long)t.Count);
            }
            else
            {
                _file.Apply(changes!);
                rows = _rows + changes!.Sum(c => c.IsInsert ? 1L : -1L);
            }
            lock (_lock)
                _rows = rows;
            Report(() => Written?.Invoke(new SqliteMirrorWrite(rebuild, rows, changeCount, clock.Elapsed)));
        }
#pragma warning disable CA1031 // Any failure (disk full, a locked file, a bug) is reported and the next write rebuilds.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _file.CloseLive();
            lock (_lock)
            {
                _needsRebuild = true;
                _changes = [];
                _changesCost = 0;
                _debounce.Touch();
            }
            if (_signal.CurrentCount == 0)
                _signal.Release();
            Report(() => WriteFailed?.Invoke(e));
        }
    }

    private static void Report(Action callback)
    {
        try
        {
            callback();
        }
#pragma warning disable CA1031 // A failing user callback must not stop the mirror.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Trace.TraceError($"A SqliteMirror callback threw: {e}");
        }
    }

    /// <summary>Stops the mirror after writing what is pending; the file stays.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        lock (_connection.SyncRoot)
        {
            foreach (var unhook in _unhook)
                unhook();
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        await FlushAsync().ConfigureAwait(false);
        _file.Dispose();
        _stop.Dispose();
        _signal.Dispose();
        _writeLock.Dispose();
    }

    /// <summary>Stops the mirror after writing what is pending (blocking).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
