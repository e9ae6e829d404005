using System.Buffers.Binary;
using Meridian.Sats.Rows;
using Meridian.Storage.Changesets;
using Meridian.Storage.Schema;
using Meridian.Storage.Tables;

namespace Meridian.Storage;

public sealed partial class Transaction
{
    private HashSet<uint>? _altered;

    /// <summary>
    /// Gives table <paramref name="table"/> a new definition in place (same id): its rows are copied
    /// into the new definition, each passed through <paramref name="rewrite"/> when given (to fill
    /// added columns; a null result leaves the row out, as for a manual migration that refills the table).
    /// Unique constraints are checked against the copied rows; sequences kept on the same column keep
    /// their position, new ones start after the largest value present. The table's state at commit
    /// (definition, rows and sequence positions) is logged whole as one schema change, so the
    /// changeset carries no row changes for it.
    /// </summary>
    /// <exception cref="UniqueConstraintViolationException">Two rows share a value of a unique column set of the new definition.</exception>
    /// <exception cref="StorageException">A row does not fit the new definition, or a new sequence has no room above the values present.</exception>
    public void AlterTable(TableId table, TableSchema schema, Func<ReadOnlyMemory<byte>, byte[]?>? rewrite = null)
    {
        EnsureOpen();
        var old = TableOrThrow(table);
        if (schema.Name != old.Schema.Name)
            throw new StorageException($"Altering table '{old.Schema.Name}' cannot rename it to '{schema.Name}'.");
        var data = new TableData(schema.WithId(table));
        var cursor = Scan(table);
        while (cursor.MoveNext())
        {
            ReadOnlySpan<byte> row;
            if (rewrite is null)
            {
                row = cursor.Current;
            }
            else
            {
                if (rewrite(cursor.CurrentMemory) is not { } rewritten)
                    continue;
                row = rewritten;
            }
            try
            {
                data.Layout.Validate(row);
            }
            catch (Sats.Bsatn.BsatnDecodeException e)
            {
                throw new StorageException($"A row of table '{schema.Name}' does not fit its new definition: {e.Message}", e);
            }
            foreach (var u in data.UniqueIndexes)
            {
                if (data.Indexes[u].TryFindSameKey(row, out _))
                    throw Violation(data, u, row);
            }
            if (data.UniqueIndexes.Length == 0 && data.TryFindIdenticalForWrite(row, out _, _edit))
                continue;
            data.Add(row, _edit);
        }
        StartSequences(old, data);
        EnsureCapacity(table.Value);
        _tables[table.Value] = data;
        _changes![table.Value] = new TableTx(null, data, track: false);
        if ((_altered ??= []).Add(table.Value))
            (_schemaChanges ??= []).Add(new TableAltered(data.Schema, RowList.Empty, []));
    }

    private static void StartSequences(TableData old, TableData data)
    {
        var schema = data.Schema;
        for (var i = 0; i < schema.Sequences.Count; i++)
        {
            var seq = schema.Sequences[i];
            var kept = -1;
            for (var k = 0; k < old.Schema.Sequences.Count; k++)
            {
                if (old.Schema.Sequences[k].Column == seq.Column && old.Schema.ColumnTypes[seq.Column].Equals(schema.ColumnTypes[seq.Column]))
                    kept = k;
            }
            if (kept >= 0)
            {
                data.SequenceNext[i] = old.SequenceNext[kept];
                continue;
            }
            // A new sequence continues past the values already present (in its direction).
            var next = seq.Start;
            for (uint row = 0; row < data.Slots.Count; row++)
            {
                if (!data.IsLive(row))
                    continue;
                var bytes = data.ReadRow(row);
                var (start, length) = data.Layout.ColumnRange(bytes, seq.Column);
                var value = ReadInteger(bytes.Slice(start, length), schema.ColumnTypes[seq.Column].Tag);
                if (seq.Increment > 0 && value >= next)
                    next = value + seq.Increment;
                else if (seq.Increment < 0 && value <= next)
                    next = value + seq.Increment;
            }
            if (next < seq.Min || next > seq.Max)
                throw new StorageException(
                    $"Sequence '{seq.Name}' of table '{schema.Name}' cannot start: the values present leave no room in [{seq.Min}, {seq.Max}].");
            data.SequenceNext[i] = next;
        }
    }

    private static Int128 ReadInteger(ReadOnlySpan<byte> bytes, Sats.Types.AlgebraicTypeTag tag)
    {
        Span<byte> all = stackalloc byte[16];
        bytes.CopyTo(all);
        var signed = tag is Sats.Types.AlgebraicTypeTag.I8 or Sats.Types.AlgebraicTypeTag.I16 or Sats.Types.AlgebraicTypeTag.I32
            or Sats.Types.AlgebraicTypeTag.I64 or Sats.Types.AlgebraicTypeTag.I128;
        if (signed && bytes.Length < 16 && (bytes[^1] & 0x80) != 0)
            all[bytes.Length..].Fill(0xFF);
        return BinaryPrimitives.ReadInt128LittleEndian(all);
    }

    // At commit: each altered table's record carries its final rows and sequence positions.
    private List<SchemaChange> FinishAlteredTables(List<SchemaChange> changes)
    {
        if (_altered is null)
            return changes;
        var result = new List<SchemaChange>(changes.Count);
        foreach (var change in changes)
        {
            if (change is not TableAltered altered)
            {
                result.Add(change);
                continue;
            }
            if (ReadTable(altered.Table.Id.Value) is not { } data || !_altered.Contains(altered.Table.Id.Value))
                continue; // dropped later in the transaction
            var rows = new RowList.Builder((int)data.RowCount, (int)Math.Min(data.RowCount * 32, int.MaxValue / 2));
            for (uint row = 0; row < data.Slots.Count; row++)
            {
                if (data.IsLive(row))
                    rows.Add(data.ReadRow(row));
            }
            result.Add(new TableAltered(data.Schema, rows.Build(), (Int128[])data.SequenceNext.Clone()));
        }
        return result;
    }

    /// <summary>Replay: the table gets the logged definition, rows and sequence positions.</summary>
    internal void ReplayAlter(TableSchema schema, RowList rows, IReadOnlyList<Int128> sequences)
    {
        EnsureOpen();
        TableOrThrow(schema.Id);
        var data = new TableData(schema);
        foreach (var row in rows)
            data.Add(row.Span, _edit);
        data.FlushIndexes();
        for (var i = 0; i < sequences.Count && i < data.SequenceNext.Length; i++)
            data.SequenceNext[i] = sequences[i];
        EnsureCapacity(schema.Id.Value);
        _tables[schema.Id.Value] = data;
        _changes![schema.Id.Value] = new TableTx(null, data, track: false);
    }
}
