using Meridian.Sats.Bsatn;
using Meridian.Sats.Rows;

namespace Meridian.Client;

/// <summary>The changes one transaction makes to one table, worked out before any is applied.</summary>
internal abstract class TableDelta
{
    public abstract bool IsEmpty { get; }
}

/// <summary>One change a prediction makes to a table: a row present (inserted) or absent (deleted).</summary>
/// <param name="Table">The table.</param>
/// <param name="Present">Whether the row is in the table after the change.</param>
/// <param name="Bytes">The row's BSATN.</param>
/// <param name="Row">The row, decoded from <paramref name="Bytes"/> (the client's own copy).</param>
internal sealed record PredictedOp(RemoteTableHandleBase Table, bool Present, ReadOnlyMemory<byte> Bytes, object Row);

/// <summary>A table (or view) of the client cache, without its row type; the connection drives it.</summary>
public abstract class RemoteTableHandleBase
{
    private protected RemoteTableHandleBase()
    {
    }

    /// <summary>The table's name on the wire and in SQL.</summary>
    public abstract string RemoteTableName { get; }

    /// <summary>The number of rows in the cache (as callbacks saw them: with the predictions not yet answered).</summary>
    public abstract int Count { get; }

    /// <summary>The connection whose cache holds the table (set when the connection registers its tables).</summary>
    internal DbConnectionBase? Connection { get; set; }

    /// <summary>Whether predictions not yet answered change this table.</summary>
    internal abstract bool HasOverlay { get; }

    /// <summary>
    /// Works out what <paramref name="inserts"/> and <paramref name="deletes"/> from the server do to the cache, and
    /// what replacing the table's predictions with <paramref name="overlay"/> (null: unchanged) does, changing nothing.
    /// </summary>
    internal abstract TableDelta Prepare(
        List<ReadOnlyMemory<byte>> inserts, List<ReadOnlyMemory<byte>> deletes, List<ReadOnlyMemory<byte>> events, List<PredictedOp>? overlay);

    internal abstract void FireBeforeDelete(TableDelta delta, object context);

    internal abstract void Apply(TableDelta delta);

    internal abstract void Fire(TableDelta delta, object context);

    /// <summary>The server's rows a prepared delta changes, with their counts after it (0: removed), for the offline cache.</summary>
    internal abstract IEnumerable<(ReadOnlyMemory<byte> Row, int Count)> ChangedRows(TableDelta delta);

    /// <summary>
    /// The BSATN of every row the server sent (predictions left out), each with the number of subscriptions that
    /// hold it (for tests, the offline cache and reconciliation).
    /// </summary>
    internal abstract IEnumerable<(ReadOnlyMemory<byte> Row, int Count)> CachedRows();

    /// <summary>Whether some cached rows are held: stale (loaded from the offline store, or from a lost session) and not yet claimed.</summary>
    internal abstract bool HasHeld { get; }

    /// <summary>Holds every cached row: none is confirmed by a subscription of the current session until claimed.</summary>
    internal abstract void HoldAll();

    /// <summary>
    /// Lets rows arriving from the server claim held rows: a held row with the same BSATN, or else with the same primary key
    /// (it changed), is added to <paramref name="deletes"/> and no longer held, so inserting <paramref name="rows"/> with
    /// those deletes in one transaction makes no callback for an unchanged row and an update for a changed one.
    /// </summary>
    internal abstract void Claim(List<ReadOnlyMemory<byte>> rows, List<ReadOnlyMemory<byte>> deletes);

    /// <summary>Every held copy of a row (a row held twice is listed twice), no longer held: the caller deletes them.</summary>
    internal abstract List<ReadOnlyMemory<byte>> ReleaseHeld();
}

/// <summary>
/// A table of the client cache: its rows, the callbacks that report their changes, and (in the
/// generated subclasses) finds through its indexes. Rows are stored once per distinct BSATN value
/// with a count of the subscriptions that hold them, so overlapping subscriptions do not repeat
/// rows and a row leaves only when the last subscription holding it drops it.
/// </summary>
/// <remarks>
/// The server's rows are one layer; predictions not yet answered (<see cref="DbConnectionBase.CallWithPrediction"/>)
/// are an overlay on it, kept only while there are some. What the app reads (<see cref="Iter"/>,
/// <see cref="Count"/>, the indexes) and what callbacks report is the server's rows with the overlay
/// applied; each change to either layer reports the difference it makes to that view.
/// </remarks>
/// <typeparam name="TEventContext">The generated <c>EventContext</c>.</typeparam>
/// <typeparam name="TRow">The generated row type.</typeparam>
public abstract class RemoteTableHandle<TEventContext, TRow> : RemoteTableHandleBase
    where TEventContext : class
    where TRow : class
{
    private static BsatnWrite<TRow>? s_write;
    private readonly Dictionary<ByteKey, Entry> _rows = [];
    private readonly List<IRowIndex> _indexes = [];
    private readonly BsatnRead<TRow> _read;
    private Overlay? _overlay;
    private int _count;

    // Held copies per row (at most its count): rows of a stale cache that no subscription of this session has claimed.
    private Dictionary<ByteKey, int>? _held;

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
    public override int Count => _count;

    internal override bool HasOverlay => _overlay is not null;

    /// <summary>The cached rows, in no particular order.</summary>
    public IEnumerable<TRow> Iter()
    {
        var overlay = _overlay;
        if (overlay is null)
        {
            foreach (var entry in _rows.Values)
                yield return entry.Row;
            yield break;
        }
        foreach (var pair in _rows)
        {
            if (ServerRowVisible(pair.Key, pair.Value.Row, overlay))
                yield return pair.Value.Row;
        }
        foreach (var pair in overlay.Ops)
        {
            if (pair.Value.Present && !_rows.ContainsKey(pair.Key))
                yield return pair.Value.Row!;
        }
    }

    /// <summary>
    /// Runs <c>SELECT * FROM</c> this table with <paramref name="filter"/> (e.g. <c>WHERE score &gt; 10</c>) once on the
    /// server, without subscribing: see <see cref="DbConnectionBase.OneOffQuery{T}"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The handle belongs to no connection.</exception>
    public Task<IReadOnlyList<TRow>> RemoteQuery(string filter = "") =>
        (Connection ?? throw new InvalidOperationException("The table belongs to no connection."))
            .OneOffQuery($"SELECT * FROM {RemoteTableName} {filter}".TrimEnd(), _read);

    /// <summary>The primary key of a row, or null when the table has none (the generated handle overrides it).</summary>
    protected virtual object? GetPrimaryKey(TRow row) => null;

    /// <summary>
    /// Encodes a row, for predictions. By default it calls the row type's public static
    /// <c>WriteBsatn(BsatnWriter, TRow)</c>, which generated rows have.
    /// </summary>
    /// <exception cref="NotSupportedException">The row type has no such method.</exception>
    protected virtual void WriteRow(BsatnWriter writer, TRow row) => (s_write ??= FindWriter())(writer, row);

    private static BsatnWrite<TRow> FindWriter()
    {
        var method = typeof(TRow).GetMethod(
            "WriteBsatn", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static, null, [typeof(BsatnWriter), typeof(TRow)], null);
        return method is null
            ? throw new NotSupportedException(
                $"{typeof(TRow).Name} has no public static WriteBsatn(BsatnWriter, {typeof(TRow).Name}): predictions need to encode its rows.")
#pragma warning disable CA2263 // The generic overload does not exist in netstandard2.1.
            : (BsatnWrite<TRow>)method.CreateDelegate(typeof(BsatnWrite<TRow>));
#pragma warning restore CA2263
    }

    /// <summary>A prediction's change to this table: <paramref name="row"/> encoded, and decoded again as the cache's own copy.</summary>
    internal PredictedOp Predicted(bool present, TRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var writer = new BsatnWriter(64);
        WriteRow(writer, row);
        var bytes = writer.ToArray();
        return new PredictedOp(this, present, bytes, Decode(bytes));
    }

    /// <summary>The row the cache shows with the same primary key as <paramref name="row"/>, or null.</summary>
    /// <exception cref="InvalidOperationException">The table has no primary key.</exception>
    internal TRow? WithSamePrimaryKey(TRow row)
    {
        var pk = GetPrimaryKey(row) ?? throw new InvalidOperationException(
            $"{RemoteTableName} has no primary key: predict the update with the old row and the new one.");
        foreach (var cached in Iter())
        {
            if (pk.Equals(GetPrimaryKey(cached)))
                return cached;
        }
        return null;
    }

    internal override IEnumerable<(ReadOnlyMemory<byte> Row, int Count)> CachedRows()
    {
        foreach (var pair in _rows)
            yield return (pair.Key.Bytes, pair.Value.Count);
    }

    internal override bool HasHeld => _held is { Count: > 0 };

    internal override void HoldAll()
    {
        _held = _rows.Count == 0 ? null : _rows.ToDictionary(pair => pair.Key, pair => pair.Value.Count);
    }

    internal override void Claim(List<ReadOnlyMemory<byte>> rows, List<ReadOnlyMemory<byte>> deletes)
    {
        if (_held is not { Count: > 0 } held)
            return;
        Dictionary<object, ByteKey>? heldByKey = null;
        foreach (var row in rows)
        {
            var key = new ByteKey(row);
            if (!held.ContainsKey(key))
            {
                heldByKey ??= HeldByPrimaryKey(held);
                if (heldByKey.Count == 0 || GetPrimaryKey(Decode(row.Span)) is not { } pk || !heldByKey.TryGetValue(pk, out key))
                    continue;
            }
            deletes.Add(key.Bytes);
            if (--held[key] == 0)
            {
                held.Remove(key);
                if (heldByKey is not null && GetPrimaryKey(_rows[key].Row) is { } heldPk)
                    heldByKey.Remove(heldPk);
            }
        }
        if (held.Count == 0)
            _held = null;
    }

    private Dictionary<object, ByteKey> HeldByPrimaryKey(Dictionary<ByteKey, int> held)
    {
        var byKey = new Dictionary<object, ByteKey>();
        foreach (var key in held.Keys)
        {
            if (GetPrimaryKey(_rows[key].Row) is { } pk)
                byKey[pk] = key;
        }
        return byKey;
    }

    internal override List<ReadOnlyMemory<byte>> ReleaseHeld()
    {
        var rows = new List<ReadOnlyMemory<byte>>();
        foreach (var pair in _held ?? [])
        {
            for (var i = 0; i < pair.Value; i++)
                rows.Add(pair.Key.Bytes);
        }
        _held = null;
        return rows;
    }

    internal override IEnumerable<(ReadOnlyMemory<byte> Row, int Count)> ChangedRows(TableDelta delta)
    {
        foreach (var change in ((Delta)delta).Changes)
            yield return (change.Key.Bytes, change.NewCount);
    }

    internal override TableDelta Prepare(
        List<ReadOnlyMemory<byte>> inserts, List<ReadOnlyMemory<byte>> deletes, List<ReadOnlyMemory<byte>> events, List<PredictedOp>? overlay)
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

        // The server's layer: new counts, and rows that enter or leave it.
        var changed = new Dictionary<ByteKey, Change>();
        foreach (var pair in counts)
        {
            if (pair.Value == 0)
                continue;
            var before = _rows.TryGetValue(pair.Key, out var entry) ? entry.Count : 0;
            var after = Math.Max(0, before + pair.Value);
            if (before == after)
                continue;
            var change = new Change(pair.Key, before, after, entry?.Row ?? (after > 0 ? Decode(pair.Key.Bytes.Span) : null));
            delta.Changes.Add(change);
            changed[pair.Key] = change;
        }

        var inserted = new List<TRow>();
        var deleted = new List<TRow>();
        var oldOverlay = _overlay;
        var newOverlay = overlay is null ? oldOverlay : Overlay.Build(overlay, GetPrimaryKey);
        delta.OverlayChanged = overlay is not null;
        delta.NewOverlay = newOverlay;
        if (oldOverlay is null && newOverlay is null)
        {
            foreach (var change in delta.Changes)
            {
                if (change.Before == 0)
                    inserted.Add(change.Row!);
                else if (change.NewCount == 0)
                    deleted.Add(change.Row!);
            }
        }
        else
        {
            foreach (var key in Affected(changed, oldOverlay, newOverlay))
            {
                var before = Visible(key, _rows.TryGetValue(key, out var entry) && entry.Count > 0 ? entry.Row : null, oldOverlay);
                TRow? serverAfter;
                if (changed.TryGetValue(key, out var change))
                    serverAfter = change.NewCount > 0 ? change.Row : null;
                else
                    serverAfter = entry is { Count: > 0 } ? entry.Row : null;
                var after = Visible(key, serverAfter, newOverlay);
                if (before is null && after is not null)
                    inserted.Add(after);
                else if (before is not null && after is null)
                    deleted.Add(before);
                else if (before is not null && !ReferenceEquals(before, after))
                    delta.Swapped.Add((before, after!));
            }
        }
        delta.VisibleInserted.AddRange(inserted);
        delta.VisibleDeleted.AddRange(deleted);
        PairUpdates(delta, inserted, deleted);
        foreach (var row in events)
            delta.Events.Add(Decode(row.Span));
        return delta;
    }

    /// <summary>
    /// The rows whose visibility a change may alter: those the server changes, those either overlay names, and the server's
    /// rows that share a primary key with a row either overlay makes present (a predicted row replaces the server's row with
    /// its key). That last set needs a scan, done only when the overlay changes.
    /// </summary>
    private HashSet<ByteKey> Affected(Dictionary<ByteKey, Change> changed, Overlay? oldOverlay, Overlay? newOverlay)
    {
        var keys = new HashSet<ByteKey>(changed.Keys);
        if (oldOverlay is not null)
            keys.UnionWith(oldOverlay.Ops.Keys);
        if (newOverlay is not null)
            keys.UnionWith(newOverlay.Ops.Keys);
        if (ReferenceEquals(oldOverlay, newOverlay) || (oldOverlay?.PresentByKey.Count ?? 0) + (newOverlay?.PresentByKey.Count ?? 0) == 0)
            return keys;
        foreach (var pair in _rows)
        {
            if (GetPrimaryKey(pair.Value.Row) is { } pk
                && ((oldOverlay?.PresentByKey.ContainsKey(pk) ?? false) || (newOverlay?.PresentByKey.ContainsKey(pk) ?? false)))
                keys.Add(pair.Key);
        }
        return keys;
    }

    /// <summary>
    /// The row the app sees for <paramref name="key"/>: the server's (<paramref name="serverRow"/>, null when absent) under <paramref name="overlay"/>.
    /// </summary>
    private TRow? Visible(ByteKey key, TRow? serverRow, Overlay? overlay)
    {
        if (overlay is not null && overlay.Ops.TryGetValue(key, out var op))
            return op.Present ? serverRow ?? op.Row : null;
        if (serverRow is null)
            return null;
        return overlay is null || ServerRowVisible(key, serverRow, overlay) ? serverRow : null;
    }

    /// <summary>
    /// Whether a row of the server's layer shows under <paramref name="overlay"/>: not deleted by it, not replaced by a predicted row with
    /// its primary key.
    /// </summary>
    private bool ServerRowVisible(ByteKey key, TRow row, Overlay overlay)
    {
        if (overlay.Ops.TryGetValue(key, out var op))
            return op.Present;
        return overlay.PresentByKey.Count == 0 || GetPrimaryKey(row) is not { } pk
            || !overlay.PresentByKey.TryGetValue(pk, out var predicted) || predicted == key;
    }

    /// <summary>A delete and an insert with the same primary key in one transaction are an update.</summary>
    private void PairUpdates(Delta delta, List<TRow> inserted, List<TRow> deleted)
    {
        Dictionary<object, TRow>? deletedByKey = null;
        if (deleted.Count > 0 && inserted.Count > 0)
        {
            foreach (var row in deleted)
            {
                if (GetPrimaryKey(row) is { } pk)
                {
                    deletedByKey ??= [];
                    deletedByKey[pk] = row;
                }
            }
        }
        foreach (var row in inserted)
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
        if (delta.Updated.Count == 0)
        {
            delta.Deleted.AddRange(deleted);
            return;
        }
        var updatedOld = new HashSet<TRow>(delta.Updated.Select(u => u.Old), SameObject.Instance);
        foreach (var row in deleted)
        {
            if (!updatedOld.Contains(row))
                delta.Deleted.Add(row);
        }
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
        var d = (Delta)delta;
        foreach (var change in d.Changes)
        {
            if (change.NewCount == 0)
                _rows.Remove(change.Key);
            else if (change.Before == 0)
                _rows[change.Key] = new Entry(change.Row!, change.NewCount);
            else
                _rows[change.Key].Count = change.NewCount;
            // A row leaving (or losing copies) takes its held copies with it: a row holds no more than its count.
            if (_held is not null && _held.TryGetValue(change.Key, out var held) && held > change.NewCount)
            {
                if (change.NewCount == 0)
                    _held.Remove(change.Key);
                else
                    _held[change.Key] = change.NewCount;
            }
        }
        if (d.OverlayChanged)
            _overlay = d.NewOverlay;
        foreach (var row in d.VisibleDeleted)
        {
            foreach (var index in _indexes)
                index.Remove(row);
        }
        foreach (var (old, row) in d.Swapped)
        {
            foreach (var index in _indexes)
            {
                index.Remove(old);
                index.Add(row);
            }
        }
        foreach (var row in d.VisibleInserted)
        {
            foreach (var index in _indexes)
                index.Add(row);
        }
        _count += d.VisibleInserted.Count - d.VisibleDeleted.Count;
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
        foreach (var row in Iter())
            index.Add(row);
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

    /// <summary>A row of the server's layer whose count changes (0 before: it enters; 0 after: it leaves).</summary>
    private sealed record Change(ByteKey Key, int Before, int NewCount, TRow? Row);

    private sealed class Delta : TableDelta
    {
        /// <summary>The server's layer.</summary>
        public List<Change> Changes { get; } = [];

        public bool OverlayChanged { get; set; }

        public Overlay? NewOverlay { get; set; }

        /// <summary>Rows that appear to or vanish from the app (for the indexes and the count).</summary>
        public List<TRow> VisibleInserted { get; } = [];

        public List<TRow> VisibleDeleted { get; } = [];

        /// <summary>A predicted row the server now has too: the same value, the server's instance from now on (no callback).</summary>
        public List<(TRow Old, TRow New)> Swapped { get; } = [];

        /// <summary>What callbacks report.</summary>
        public List<TRow> Inserted { get; } = [];

        public List<TRow> Deleted { get; } = [];

        public List<(TRow Old, TRow New)> Updated { get; } = [];

        public List<TRow> Events { get; } = [];

        public override bool IsEmpty =>
            Changes.Count == 0 && Events.Count == 0 && !OverlayChanged && VisibleInserted.Count == 0 && VisibleDeleted.Count == 0;
    }

    /// <summary>The predictions not yet answered, as they change this table: the last change to each row, in call order.</summary>
    private sealed class Overlay
    {
        /// <summary>Per row (BSATN): present or absent, and the row when present.</summary>
        public Dictionary<ByteKey, (bool Present, TRow? Row)> Ops { get; } = [];

        /// <summary>The primary keys of the rows the overlay makes present, to their rows: they replace the server's rows with those keys.</summary>
        public Dictionary<object, ByteKey> PresentByKey { get; } = [];

        /// <summary>The overlay of <paramref name="ops"/>, or null when they are none.</summary>
        public static Overlay? Build(List<PredictedOp> ops, Func<TRow, object?> primaryKey)
        {
            if (ops.Count == 0)
                return null;
            var overlay = new Overlay();
            foreach (var op in ops)
                overlay.Ops[new ByteKey(op.Bytes)] = (op.Present, op.Present ? (TRow)op.Row : null);
            foreach (var pair in overlay.Ops)
            {
                if (pair.Value.Present && primaryKey(pair.Value.Row!) is { } pk)
                    overlay.PresentByKey[pk] = pair.Key;
            }
            return overlay;
        }
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
