using Meridian.Sats.Bsatn;
using Meridian.Sats.Rows;

namespace Meridian.Client;

/// <summary>The changes one transaction makes to one table, worked out before any is applied.</summary>
internal abstract class TableDelta
{
    public abstract bool IsEmpty { get; }
}

/// <summary>A table (or view) of the client cache, without its row type; the connection drives it.</summary>
public abstract class RemoteTableHandleBase
{
    private protected RemoteTableHandleBase()
    {
    }

    /// <summary>The table's name on the wire and in SQL.</summary>
    public abstract string RemoteTableName { get; }

    /// <summary>The number of rows in the cache.</summary>
    public abstract int Count { get; }

    /// <summary>Works out what <paramref name="inserts"/> and <paramref name="deletes"/> do to the cache, changing nothing.</summary>
    internal abstract TableDelta Prepare(List<ReadOnlyMemory<byte>> inserts, List<ReadOnlyMemory<byte>> deletes, List<ReadOnlyMemory<byte>> events);

    internal abstract void FireBeforeDelete(TableDelta delta, object context);

    internal abstract void Apply(TableDelta delta);

    internal abstract void Fire(TableDelta delta, object context);

    /// <summary>The rows a prepared delta changes, with their counts after it (0: removed), for the offline cache.</summary>
    internal abstract IEnumerable<(ReadOnlyMemory<byte> Row, int Count)> ChangedRows(TableDelta delta);

    /// <summary>The BSATN of every cached row, each as many times as subscriptions hold it (for tests and reconciliation).</summary>
    internal abstract IEnumerable<(ReadOnlyMemory<byte> Row, int Count)> CachedRows();
}

/// <summary>
/// A table of the client cache: its rows, the callbacks that report their changes, and (in the
/// generated subclasses) finds through its indexes. Rows are stored once per distinct BSATN value
/// with a count of the subscriptions that hold them, so overlapping subscriptions do not repeat
/// rows and a row leaves only when the last subscription holding it drops it.
/// </summary>
/// <typeparam name="TEventContext">The generated <c>EventContext</c>.</typeparam>
/// <typeparam name="TRow">The generated row type.</typeparam>
public abstract class RemoteTableHandle<TEventContext, TRow> : RemoteTableHandleBase
    where TEventContext : class
    where TRow : class
{
    private readonly Dictionary<ByteKey, Entry> _rows = [];
    private readonly List<IRowIndex> _indexes = [];
    private readonly BsatnRead<TRow> _read;

    /// <summary>Creates the handle; <paramref name="read"/> decodes a row.</summary>
    protected RemoteTableHandle(BsatnRead<TRow> read)
    {
        _read = read ?? throw new ArgumentNullException(nameof(read));
    }

    /// <summary>A row callback.</summary>
    public delegate void RowEventHandler(TEventContext context, TRow row);

    /// <summary>An update callback: the row before and after.</summary>
    public delegate void UpdateEventHandler(TEventContext context, TRow oldRow, TRow newRow);

    /// <summary>A row entered the cache (or, for an event table, the event happened).</summary>
    public event RowEventHandler? OnInsert;

    /// <summary>A row is about to leave the cache (the cache still holds it and the whole transaction's other changes are not applied yet).</summary>
    public event RowEventHandler? OnBeforeDelete;

    /// <summary>A row left the cache.</summary>
    public event RowEventHandler? OnDelete;

    /// <summary>A row was replaced by one with the same primary key, in one transaction (tables with a primary key only).</summary>
    public event UpdateEventHandler? OnUpdate;

    /// <inheritdoc />
    public override int Count => _rows.Count;

    /// <summary>The cached rows, in no particular order.</summary>
    public IEnumerable<TRow> Iter()
    {
        foreach (var entry in _rows.Values)
            yield return entry.Row;
    }

    /// <summary>The primary key of a row, or null when the table has none (the generated handle overrides it).</summary>
    protected virtual object? GetPrimaryKey(TRow row) => null;

    internal override IEnumerable<(ReadOnlyMemory<byte> Row, int Count)> CachedRows()
    {
        foreach (var pair in _rows)
            yield return (pair.Key.Bytes, pair.Value.Count);
    }

    internal override IEnumerable<(ReadOnlyMemory<byte> Row, int Count)> ChangedRows(TableDelta delta)
    {
        foreach (var change in ((Delta)delta).Changes)
            yield return (change.Key.Bytes, change.NewCount);
    }

    internal override TableDelta Prepare(List<ReadOnlyMemory<byte>> inserts, List<ReadOnlyMemory<byte>> deletes, List<ReadOnlyMemory<byte>> events)
    {
        var delta = new Delta();
        var counts = new Dictionary<ByteKey, int>();
        foreach (var row in deletes)
        {
            var key = new ByteKey(row);
            counts[key] = (counts.TryGetValue(key, out var c) ? c : 0) - 1;
        }
        foreach (var row in inserts)
        {
            var key = new ByteKey(row);
            counts[key] = (counts.TryGetValue(key, out var c) ? c : 0) + 1;
        }
        var inserted = new List<(ByteKey Key, TRow Row)>();
        var deleted = new List<(ByteKey Key, TRow Row)>();
        foreach (var pair in counts)
        {
            if (pair.Value == 0)
                continue;
            var before = _rows.TryGetValue(pair.Key, out var entry) ? entry.Count : 0;
            var after = Math.Max(0, before + pair.Value);
            if (before == 0 && after > 0)
            {
                var row = Decode(pair.Key.Bytes.Span);
                inserted.Add((pair.Key, row));
                delta.Changes.Add(new Change(pair.Key, after, row));
            }
            else if (before > 0 && after == 0)
            {
                deleted.Add((pair.Key, entry!.Row));
                delta.Changes.Add(new Change(pair.Key, 0, null));
            }
            else if (before != after)
            {
                delta.Changes.Add(new Change(pair.Key, after, null));
            }
        }

        // A delete and an insert with the same primary key in one transaction are an update.
        Dictionary<object, TRow>? deletedByKey = null;
        if (deleted.Count > 0 && inserted.Count > 0)
        {
            foreach (var (_, row) in deleted)
            {
                if (GetPrimaryKey(row) is { } pk)
                {
                    deletedByKey ??= [];
                    deletedByKey[pk] = row;
                }
            }
        }
        foreach (var (_, row) in inserted)
        {
            if (deletedByKey is not null && GetPrimaryKey(row) is { } pk && deletedByKey.TryGetValue(pk, out var old))
            {
                deletedByKey.Remove(pk);
                delta.Updated.Add((old, row));
            }
            else
            {
                delta.Inserted.Add(row);
            }
        }
        var updatedOld = new HashSet<TRow>(delta.Updated.Select(u => u.Old), SameObject.Instance);
        foreach (var (_, row) in deleted)
        {
            if (!updatedOld.Contains(row))
                delta.Deleted.Add(row);
        }
        foreach (var row in events)
            delta.Events.Add(Decode(row.Span));
        return delta;
    }

    internal override void FireBeforeDelete(TableDelta delta, object context)
    {
        var d = (Delta)delta;
        if (OnBeforeDelete is null)
            return;
        foreach (var row in d.Deleted)
            Invoke(() => OnBeforeDelete?.Invoke((TEventContext)context, row));
    }

    internal override void Apply(TableDelta delta)
    {
        foreach (var change in ((Delta)delta).Changes)
        {
            if (change.NewCount == 0)
            {
                if (_rows.Remove(change.Key, out var gone))
                {
                    foreach (var index in _indexes)
                        index.Remove(gone.Row);
                }
            }
            else if (change.Row is { } row)
            {
                _rows[change.Key] = new Entry(row, change.NewCount);
                foreach (var index in _indexes)
                    index.Add(row);
            }
            else if (_rows.TryGetValue(change.Key, out var entry))
            {
                entry.Count = change.NewCount;
            }
        }
    }

    internal override void Fire(TableDelta delta, object context)
    {
        var d = (Delta)delta;
        var ctx = (TEventContext)context;
        foreach (var row in d.Deleted)
            Invoke(() => OnDelete?.Invoke(ctx, row));
        foreach (var (old, row) in d.Updated)
            Invoke(() => OnUpdate?.Invoke(ctx, old, row));
        foreach (var row in d.Inserted)
            Invoke(() => OnInsert?.Invoke(ctx, row));
        foreach (var row in d.Events)
            Invoke(() => OnInsert?.Invoke(ctx, row));
    }

    private static void Invoke(Action callback)
    {
        try
        {
            callback();
        }
#pragma warning disable CA1031 // A failing user callback must not leave the other callbacks of the transaction unrun.
        catch (Exception e)
#pragma warning restore CA1031
        {
            System.Diagnostics.Trace.TraceError($"A Meridian.Client row callback threw: {e}");
        }
    }

    private TRow Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new BsatnReader(bytes);
        var row = _read(ref reader);
        reader.EnsureAtEnd(RemoteTableName + " row");
        return row;
    }

    private void AddIndex(IRowIndex index)
    {
        _indexes.Add(index);
        foreach (var entry in _rows.Values)
            index.Add(entry.Row);
    }

    private sealed class Entry(TRow row, int count)
    {
        public TRow Row { get; } = row;

        public int Count { get; set; } = count;
    }

    /// <summary>Compares rows by identity (the generated rows compare by value).</summary>
    private sealed class SameObject : IEqualityComparer<TRow>
    {
        public static readonly SameObject Instance = new();

        public bool Equals(TRow? x, TRow? y) => ReferenceEquals(x, y);

        public int GetHashCode(TRow obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
    }

    private sealed record Change(ByteKey Key, int NewCount, TRow? Row);

    private sealed class Delta : TableDelta
    {
        public List<Change> Changes { get; } = [];

        public List<TRow> Inserted { get; } = [];

        public List<TRow> Deleted { get; } = [];

        public List<(TRow Old, TRow New)> Updated { get; } = [];

        public List<TRow> Events { get; } = [];

        public override bool IsEmpty => Changes.Count == 0 && Events.Count == 0;
    }

    private interface IRowIndex
    {
        void Add(TRow row);

        void Remove(TRow row);
    }

    /// <summary>A key that may be null, for dictionaries.</summary>
    private readonly record struct IndexKey<TKey>(TKey Value);

    /// <summary>Finds a row through a unique column (or a primary key); the generated handle has one per unique index.</summary>
    /// <typeparam name="TKey">The column's type.</typeparam>
    public abstract class UniqueIndexBase<TKey> : IRowIndex
    {
        private readonly Dictionary<IndexKey<TKey>, TRow> _byKey = [];

        /// <summary>Creates the index over <paramref name="table"/>'s cached rows.</summary>
        protected UniqueIndexBase(RemoteTableHandle<TEventContext, TRow> table)
        {
            ArgumentNullException.ThrowIfNull(table);
            table.AddIndex(this);
        }

        /// <summary>The indexed column of a row.</summary>
        protected abstract TKey GetKey(TRow row);

        /// <summary>The cached row whose column equals <paramref name="key"/>, or null.</summary>
        public TRow? Find(TKey key) => _byKey.TryGetValue(new IndexKey<TKey>(key), out var row) ? row : null;

        void IRowIndex.Add(TRow row) => _byKey[new IndexKey<TKey>(GetKey(row))] = row;

        void IRowIndex.Remove(TRow row)
        {
            var key = new IndexKey<TKey>(GetKey(row));
            if (_byKey.TryGetValue(key, out var current) && ReferenceEquals(current, row))
                _byKey.Remove(key);
        }
    }

    /// <summary>Finds the rows with a value in an indexed column (or columns, as a tuple); the generated handle has one per index.</summary>
    /// <typeparam name="TKey">The column's type, or a tuple of the columns' types.</typeparam>
    public abstract class BTreeIndexBase<TKey> : IRowIndex
    {
        private readonly Dictionary<IndexKey<TKey>, List<TRow>> _byKey = [];

        /// <summary>Creates the index over <paramref name="table"/>'s cached rows.</summary>
        protected BTreeIndexBase(RemoteTableHandle<TEventContext, TRow> table)
        {
            ArgumentNullException.ThrowIfNull(table);
            table.AddIndex(this);
        }

        /// <summary>The indexed column (or tuple of columns) of a row.</summary>
        protected abstract TKey GetKey(TRow row);

        /// <summary>The cached rows whose column equals <paramref name="key"/>.</summary>
        public IEnumerable<TRow> Filter(TKey key) =>
            _byKey.TryGetValue(new IndexKey<TKey>(key), out var rows) ? rows.ToArray() : [];

        void IRowIndex.Add(TRow row)
        {
            var key = new IndexKey<TKey>(GetKey(row));
            if (!_byKey.TryGetValue(key, out var rows))
                _byKey[key] = rows = [];
            rows.Add(row);
        }

        void IRowIndex.Remove(TRow row)
        {
            var key = new IndexKey<TKey>(GetKey(row));
            if (_byKey.TryGetValue(key, out var rows))
            {
                rows.RemoveAt(rows.FindIndex(r => ReferenceEquals(r, row)));
                if (rows.Count == 0)
                    _byKey.Remove(key);
            }
        }
    }
}

/// <summary>The cache's tables; the generated <c>RemoteTables</c> adds one handle per table and view.</summary>
public abstract class RemoteTablesBase
{
    private readonly List<RemoteTableHandleBase> _tables = [];

    /// <summary>Every table handle, in the order added.</summary>
    public IReadOnlyList<RemoteTableHandleBase> All => _tables;

    /// <summary>Adds a table handle.</summary>
    protected void AddTable(RemoteTableHandleBase table)
    {
        ArgumentNullException.ThrowIfNull(table);
        _tables.Add(table);
    }
}
