using Meridian.Sats;
using Meridian.Sats.Values;
using Meridian.Storage.Changesets;
using Meridian.Storage.Schema;
using Meridian.Storage.Tables;

namespace Meridian.Storage;

/// <summary>
/// The single write transaction of a <see cref="Datastore"/>. It reads its own writes; cursors it
/// opens see the table as it was when they were opened, so code may insert and delete while
/// iterating. <see cref="Commit(TransactionCall?)"/> publishes everything at once and returns the immutable
/// <see cref="Changeset"/>; <see cref="Rollback"/> (or disposing without committing) discards
/// everything. Not thread-safe: use it from one thread at a time.
/// </summary>
public sealed partial class Transaction : StateReader, IDisposable
{
    private readonly Datastore _store;
    private readonly DbState _committed;
    private readonly bool _replay;
    private TableData?[] _tables;
    private bool _tablesOwned;
    private TableTx?[]? _changes;
    private Dictionary<string, uint>? _names;
    private uint _nextTableId;
    private List<SchemaChange>? _schemaChanges;
    private long _edit;
    private bool _finished;
    private byte[]? _scratch;
    private readonly RowHint _hint = new();

    internal Transaction(Datastore store, DbState committed, bool replay = false)
    {
        _store = store;
        _committed = committed;
        _replay = replay;
        _tables = committed.Tables;
        _nextTableId = committed.NextTableId;
        _edit = NewEdit();
    }

    private static long NewEdit() => EditToken.Next();

    private protected override DbState State => _committed;

    private protected override RowHint? Hint => _hint;

    /// <summary>True until the transaction commits or rolls back.</summary>
    public bool IsOpen => !_finished;

    private protected override TableData? ReadTable(uint id) => id < (uint)_tables.Length ? _tables[id] : null;

    private protected override bool TryGetTableId(string name, out uint id) => (_names ?? _committed.Names).TryGetValue(name, out id);

    private protected override void OnCursorOpened(uint table)
    {
        // Nodes written so far become shared with the cursor; later writes copy them.
        if (_changes is not null && table < (uint)_changes.Length && _changes[table] is not null)
            _edit = NewEdit();
    }

    private void EnsureOpen()
    {
        if (_finished)
            throw new InvalidOperationException("The transaction has already committed or rolled back.");
    }

    private void EnsureCapacity(uint id)
    {
        if (!_tablesOwned || id >= (uint)_tables.Length)
        {
            var size = Math.Max(_tables.Length, (int)Math.Max(id + 1, _nextTableId));
            var copy = new TableData?[size];
            Array.Copy(_tables, copy, _tables.Length);
            _tables = copy;
            _tablesOwned = true;
        }
        if (_changes is null || id >= (uint)_changes.Length)
        {
            var size = Math.Max(_tables.Length, (int)id + 1);
            if (_changes is null && _store.TakeChangesArray(size) is { } spare)
            {
                _changes = spare;
                return;
            }
            var grown = new TableTx?[size];
            if (_changes is not null)
                Array.Copy(_changes, grown, _changes.Length);
            _changes = grown;
        }
    }

    private TableTx Writable(TableId table)
    {
        EnsureOpen();
        var id = table.Value;
        if (_changes is not null && id < (uint)_changes.Length && _changes[id] is { } existing)
            return existing;
        var committed = ReadTable(id) ?? throw new NoSuchTableException($"There is no table with id {id}.");
        EnsureCapacity(id);
        var work = committed.CloneForWrite();
        _tables[id] = work;
        var tt = new TableTx(committed, work, track: !_replay);
        _changes![id] = tt;
        return tt;
    }

    // ---- schema ----

    /// <summary>Creates a table; it exists for this transaction at once and for everyone after commit.</summary>
    public TableId CreateTable(TableSchema schema)
    {
        EnsureOpen();
        if (TryGetTableId(schema.Name, out _))
            throw new StorageException($"A table named '{schema.Name}' already exists.");
        var id = _nextTableId;
        CreateTableWithId(schema.WithId(new TableId(id)));
        return new TableId(id);
    }

    internal void CreateTableWithId(TableSchema schema)
    {
        var id = schema.Id.Value;
        if (ReadTable(id) is not null)
            throw new StorageException($"Table id {id} is already in use.");
        _nextTableId = Math.Max(_nextTableId, id + 1);
        EnsureCapacity(id);
        var data = new TableData(schema);
        _tables[id] = data;
        _changes![id] = new TableTx(null, data, track: !_replay);
        _names ??= new Dictionary<string, uint>(_committed.Names, StringComparer.Ordinal);
        _names[schema.Name] = id;
        (_schemaChanges ??= []).Add(new TableCreated(schema));
    }

    /// <summary>Drops a table and all its rows.</summary>
    public void DropTable(TableId table)
    {
        EnsureOpen();
        var t = TableOrThrow(table);
        EnsureCapacity(table.Value);
        _tables[table.Value] = null;
        _changes![table.Value] = null;
        _names ??= new Dictionary<string, uint>(_committed.Names, StringComparer.Ordinal);
        _names.Remove(t.Schema.Name);
        (_schemaChanges ??= []).Add(new TableDropped(table, t.Schema.Name));
    }

    // ---- writes ----

    /// <summary>
    /// Inserts a row given as BSATN and returns it as stored, with sequence values filled in. A row
    /// identical to one already present is not inserted again (tables are sets) and that row is
    /// returned. The returned span stays valid for the life of the transaction (and after commit).
    /// </summary>
    /// <exception cref="Sats.Bsatn.BsatnDecodeException">The bytes are not one row of the table.</exception>
    /// <exception cref="UniqueConstraintViolationException">Another row has the same value in a unique column set.</exception>
    /// <exception cref="SequenceExhaustedException">A sequence has no value left.</exception>
    public ReadOnlySpan<byte> Insert(TableId table, ReadOnlySpan<byte> row)
    {
        var tt = Writable(table);
        tt.Work.Layout.Validate(row);
        return InsertValidated(tt, row);
    }

    private ReadOnlySpan<byte> InsertValidated(TableTx tt, ReadOnlySpan<byte> row)
    {
        var t = tt.Work;
        if (t.SequenceNext.Length > 0)
            row = ApplySequences(t, row);

        uint same;
        if (t.UniqueIndexes.Length > 0)
        {
            foreach (var u in t.UniqueIndexes)
            {
                if (t.Indexes[u].TryFindSameKey(row, out same))
                {
                    var existingRow = t.ReadRow(same);
                    if (existingRow.SequenceEqual(row))
                        return existingRow;
                    throw Violation(t, u, row);
                }
            }
        }
        else if (t.TryFindIdenticalForWrite(row, out same, _edit))
        {
            return t.ReadRow(same);
        }

        if (tt.DeletedCommitted > 0 && tt.Committed!.TryFindIdentical(row, out var old) && SlotMap.IsFree(t.Slots.Get(old)))
            return Restore(tt, old);

        var id = t.Add(row, _edit);
        tt.Touched?.Add(new(id, TableTx.NewRow));
        return t.ReadRow(id);
    }

    /// <summary>Makes a committed row this transaction deleted live again, under its old id and bytes.</summary>
    private ReadOnlySpan<byte> Restore(TableTx tt, uint committedId)
    {
        var ptr = tt.Committed!.Slots.Get(committedId);
        tt.Work.Restore(committedId, ptr, _edit);
        tt.DeletedCommitted--;
        tt.Restored = true;
        return tt.Work.Heap.Read(ptr);
    }

    /// <summary>Inserts a row given as a value; returns the stored row decoded.</summary>
    public ProductValue Insert(TableId table, ProductValue row) => Decode(table, Insert(table, row.ToBsatn()));

    /// <summary>Deletes the row with exactly these bytes; false when there is none.</summary>
    public bool Delete(TableId table, ReadOnlySpan<byte> row)
    {
        EnsureOpen();
        var t = TableOrThrow(table);
        // The row the code just read, when these are its bytes (tables are sets: then it is the row).
        var id = _hint.Row;
        if (!(_hint.Table == table.Value && t.IsLive(id) && t.ReadRow(id).SequenceEqual(row)) && !t.TryFindIdentical(row, out id))
            return false;
        DeleteRow(Writable(table), id);
        return true;
    }

    /// <summary>Deletes the row equal to <paramref name="row"/>; false when there is none.</summary>
    public bool Delete(TableId table, ProductValue row) => Delete(table, row.ToBsatn());

    /// <summary>Deletes every row whose full key in index <paramref name="index"/> equals <paramref name="keyBsatn"/>; returns how many.</summary>
    public int DeleteByKey(TableId table, int index, ReadOnlySpan<byte> keyBsatn)
    {
        EnsureOpen();
        var t = TableOrThrow(table);
        var idx = IndexOrThrow(t, index);
        if (idx.Schema.IsUnique)
        {
            if (!idx.TryFind(keyBsatn, out var id))
                return 0;
            DeleteRow(Writable(table), id);
            return 1;
        }
        return DeleteAll(table, Sats.Bsatn.BsatnReader.MaxZeroSizedElements, Filter(table, index, keyBsatn));
    }

    /// <summary>Deletes every row whose key equals <paramref name="key"/>; returns how many.</summary>
    public int DeleteByKey(TableId table, int index, AlgebraicValue key) => DeleteByKey(table, index, key.ToBsatn());

    /// <summary>Deletes every row in a range of an index; returns how many.</summary>
    public int DeleteRange(TableId table, int index, Indexes.IndexScanRange range) =>
        DeleteAll(table, int.MaxValue, ScanIndex(table, index, range));

    /// <summary>Deletes every row of a table; returns how many.</summary>
    public int Clear(TableId table) => DeleteAll(table, int.MaxValue, Scan(table));

    private int DeleteAll(TableId table, int limit, RowCursor cursor)
    {
        var ids = new List<uint>();
        while (ids.Count < limit && cursor.MoveNext())
            ids.Add(cursor.CurrentRowId);
        if (ids.Count == 0)
            return 0;
        var tt = Writable(table);
        foreach (var id in ids)
            DeleteRow(tt, id);
        return ids.Count;
    }

    /// <summary>
    /// Replaces the row that has the same key as <paramref name="newRow"/> in unique index
    /// <paramref name="index"/> (for example the primary key). The row keeps its identity (only the
    /// indexes whose key changed are touched); the changeset records a delete plus an insert.
    /// Returns the stored new row.
    /// </summary>
    /// Sequences are not applied: the new row is stored as given.
    /// <exception cref="RowNotFoundException">No row has that key.</exception>
    /// <exception cref="UniqueConstraintViolationException">The new row clashes with another row in a different unique index.</exception>
    public ReadOnlySpan<byte> Update(TableId table, int index, ReadOnlySpan<byte> newRow)
    {
        var tt = Writable(table);
        var t = tt.Work;
        var idx = IndexOrThrow(t, index);
        if (!idx.Schema.IsUnique)
            throw new StorageException($"Index '{idx.Schema.Name}' of table '{t.Schema.Name}' is not unique, so rows cannot be updated through it.");
        // Usually the row the code just read (iterate and update, find and update). One comparison of its
        // bytes with the new row's tells whether it is the row (it has the new row's key, which is
        // unique), whether anything changed, whether the new bytes need validating and which indexes
        // kept their key. Otherwise: validate, then find the row by its key.
        var id = _hint.Row;
        ulong oldPtr = 0;
        var hinted = _hint.Table == table.Value && id < t.Slots.Count && !SlotMap.IsFree(oldPtr = t.Slots.Get(id));
        var oldRow = hinted ? t.Heap.Read(oldPtr) : default;
        var change = hinted ? RowChange.Of(oldRow, newRow) : default;
        var validated = false;
        if (!hinted || !t.Diff.KeyUnchanged(index, change))
        {
            t.Layout.Validate(newRow);
            validated = true;
            if (!hinted || !idx.SameKeyColumns(oldRow, newRow))
            {
                if (!idx.TryFindSameKey(newRow, out id))
                {
                    throw new RowNotFoundException(
                        $"Table '{t.Schema.Name}' has no row with key {KeyValue(t, index, newRow)} in index '{idx.Schema.Name}' to update.");
                }
                oldPtr = t.Slots.Get(id);
                oldRow = t.Heap.Read(oldPtr);
                change = RowChange.Of(oldRow, newRow);
            }
        }
        if (change.Identical)
            return oldRow;
        if (!validated && !t.Diff.StaysValid(change))
            t.Layout.Validate(newRow);
        foreach (var u in t.UniqueIndexes)
        {
            // The row holds its own key in a unique index whose key bytes did not change: no other row can.
            if (u != index && !t.Diff.KeyUnchanged(u, change) && t.Indexes[u].TryFindSameKey(newRow, out var other) && other != id)
                throw Violation(t, u, newRow);
        }
        var own = tt.IsOwn(oldPtr);
        // The key in `index` stays with this row and every other unique index was checked above, so
        // the only thing left to find out is whether the new bytes restore a committed row this
        // transaction deleted (only possible when the updated row is one of its own).
        if (own && tt.DeletedCommitted > 0 && tt.Committed is not null
            && tt.Committed.Indexes[index].TryFindSameKey(newRow, out var committedId) && committedId != id
            && SlotMap.IsFree(t.Slots.Get(committedId)) && tt.Committed.ReadRow(committedId).SequenceEqual(newRow))
        {
            DeleteRow(tt, id);
            return Restore(tt, committedId);
        }
        // In place: the row keeps its id; new bytes are appended and its slot re-pointed. Indexes whose
        // key columns did not change are not touched. The changeset shows a delete plus an insert.
        t.Update(id, oldRow, newRow, index, change, _edit, out var stored);
        if (!own)
            tt.Touched?.Add(new(id, oldPtr));
        _hint.Set(table.Value, id);
        return stored;
    }

    /// <summary>Updates by a unique index with a row value; returns the stored row decoded.</summary>
    public ProductValue Update(TableId table, int index, ProductValue newRow) => Decode(table, Update(table, index, newRow.ToBsatn()));

    private void DeleteRow(TableTx tt, uint id)
    {
        var ptr = tt.Work.Delete(id, _edit);
        if (tt.Touched is null)
            return;
        if (!tt.IsOwn(ptr))
        {
            tt.Touched.Add(new(id, ptr));
            tt.DeletedCommitted++;
        }
        else if (tt.Committed is { } committed && committed.IsLive(id))
        {
            tt.DeletedCommitted++; // a committed row this transaction updated, then deleted: restorable too
        }
    }

    private ReadOnlySpan<byte> ApplySequences(TableData t, ReadOnlySpan<byte> row)
    {
        var sequences = t.Schema.Sequences;
        Span<byte> patched = default;
        for (var i = 0; i < sequences.Count; i++)
        {
            var seq = sequences[i];
            var (start, length) = t.Layout.ColumnRange(row, seq.Column);
            if (row.Slice(start, length).ContainsAnyExcept((byte)0))
                continue;
            var value = t.SequenceNext[i];
            if (value < seq.Min || value > seq.Max)
                throw new SequenceExhaustedException(t.Schema.Name, seq.Name, value);
            if (patched.IsEmpty)
            {
                if (_scratch is null || _scratch.Length < row.Length)
                    _scratch = new byte[Math.Max(row.Length, 256)];
                patched = _scratch.AsSpan(0, row.Length);
                row.CopyTo(patched);
                row = patched;
            }
            WriteInteger(patched.Slice(start, length), value);
            t.SequenceNext[i] = value + seq.Increment;
        }
        return row;
    }

    private static void WriteInteger(Span<byte> destination, Int128 value)
    {
        Span<byte> all = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteInt128LittleEndian(all, value);
        all[..destination.Length].CopyTo(destination);
    }

    private static UniqueConstraintViolationException Violation(TableData t, int index, ReadOnlySpan<byte> row)
    {
        var schema = t.Schema;
        var indexSchema = schema.Indexes[index];
        var constraint = schema.ConstraintFor(indexSchema);
        return new UniqueConstraintViolationException(
            schema.Name,
            constraint?.Name ?? indexSchema.Name,
            indexSchema.Name,
            indexSchema.Columns.Select(schema.ColumnName).ToArray(),
            KeyValue(t, index, row));
    }

    private static AlgebraicValue KeyValue(TableData t, int index, ReadOnlySpan<byte> row)
    {
        var schema = t.Schema;
        var columns = schema.Indexes[index].Columns;
        var values = new AlgebraicValue[columns.Count];
        for (var i = 0; i < values.Length; i++)
            values[i] = AlgebraicValue.FromBsatn(t.Layout.Column(row, columns[i]), schema.ColumnTypes[columns[i]], schema.Typespace);
        return values.Length == 1 ? values[0] : AlgebraicValue.Product(values);
    }
}
