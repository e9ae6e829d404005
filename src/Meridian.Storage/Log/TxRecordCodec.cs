using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Storage.Changesets;
using Meridian.Storage.Schema;
using Meridian.Sats.Rows;

namespace Meridian.Storage.Log;

/// <summary>
/// Encodes a <see cref="Changeset"/> as a commit-log transaction record (format version 1, see
/// docs/dev/storage.md) and decodes it back.
/// </summary>
internal static class TxRecordCodec
{
    /// <summary>Section flags of a record. Persisted: values may only grow.</summary>
    [Flags]
    public enum Sections : byte
    {
        None = 0,
        Schema = 0x10,
        Mutations = 0x20,
        Error = 0x40,
        Call = 0x80,
    }

    /// <summary>Schema change kinds. Persisted: values may only grow.</summary>
    public enum SchemaOp : byte
    {
        CreateTable = 1,
        DropTable = 2,
        AlterTable = 3,
    }

    public static void Write(BsatnWriter w, Changeset cs)
    {
        var sections = Sections.None;
        if (cs.Call is not null)
            sections |= Sections.Call;
        if (cs.Call?.Error is not null)
            sections |= Sections.Error;
        if (cs.SchemaChanges.Count > 0)
            sections |= Sections.Schema;
        if (cs.Tables.Count > 0)
            sections |= Sections.Mutations;
        w.WriteU8((byte)sections);
        w.WriteI64(cs.CommitTime.MicrosecondsSinceUnixEpoch);
        if (cs.Call is { } call)
        {
            w.WriteString(call.ReducerName);
            w.WriteBytes(call.Args.Span);
            w.WriteU256(call.Caller.Value);
            w.WriteU128(call.ConnectionId.Value);
            w.WriteI64(call.Timestamp.MicrosecondsSinceUnixEpoch);
            if (call.Error is not null)
                w.WriteString(call.Error);
        }
        if (cs.SchemaChanges.Count > 0)
        {
            w.WriteU32((uint)cs.SchemaChanges.Count);
            foreach (var change in cs.SchemaChanges)
            {
                switch (change)
                {
                    case TableCreated created:
                        w.WriteU8((byte)SchemaOp.CreateTable);
                        SchemaCodec.Write(w, created.Table);
                        break;
                    case TableDropped dropped:
                        w.WriteU8((byte)SchemaOp.DropTable);
                        w.WriteU32(dropped.TableId.Value);
                        w.WriteString(dropped.TableName);
                        break;
                    case TableAltered altered:
                        w.WriteU8((byte)SchemaOp.AlterTable);
                        SchemaCodec.Write(w, altered.Table);
                        WriteRows(w, altered.Rows);
                        w.WriteU32((uint)altered.Sequences.Count);
                        foreach (var next in altered.Sequences)
                            w.WriteI128(next);
                        break;
                    default:
                        throw new InvalidOperationException($"Unknown schema change {change}.");
                }
            }
        }
        if (cs.Tables.Count > 0)
        {
            w.WriteU32((uint)cs.Tables.Count);
            // Indexed: a foreach over these IReadOnlyLists would box an enumerator per table list and per sequence list per commit.
            var tables = cs.Tables;
            for (var ti = 0; ti < tables.Count; ti++)
            {
                var t = tables[ti];
                w.WriteU32(t.TableId.Value);
                w.WriteString(t.TableName);
                w.WriteBool(t.IsEvent);
                WriteRows(w, t.Inserts);
                WriteRows(w, t.Deletes);
                var sequences = t.Sequences;
                w.WriteU32((uint)sequences.Count);
                for (var si = 0; si < sequences.Count; si++)
                {
                    w.WriteU16((ushort)sequences[si].Sequence);
                    w.WriteI128(sequences[si].Next);
                }
            }
        }
    }

    private static void WriteRows(BsatnWriter w, RowList rows)
    {
        w.WriteU32((uint)rows.Count);
        for (var i = 0; i < rows.Count; i++)
            w.WriteBytes(rows.Span(i));
    }

    public static Changeset Read(ReadOnlySpan<byte> record, ulong offset)
    {
        var r = new BsatnReader(record);
        var sections = (Sections)r.ReadU8();
        if (((byte)sections & 0x0F) != 0)
            throw new BsatnDecodeException($"Unknown record sections 0x{(byte)sections:x2}.", 0);
        var commitTime = new Timestamp(r.ReadI64());
        TransactionCall? call = null;
        if (sections.HasFlag(Sections.Call))
        {
            var name = r.ReadString();
            var args = r.ReadBytes().ToArray();
            var caller = new Identity(r.ReadU256());
            var connection = new ConnectionId(r.ReadU128());
            var timestamp = new Timestamp(r.ReadI64());
            var error = sections.HasFlag(Sections.Error) ? r.ReadString() : null;
            call = new TransactionCall(name, args, caller, connection, timestamp, error);
        }
        var schema = new List<SchemaChange>();
        if (sections.HasFlag(Sections.Schema))
        {
            var count = r.ReadArrayLength(5, "schema changes");
            for (var i = 0; i < count; i++)
            {
                var op = r.ReadU8();
                schema.Add(op switch
                {
                    (byte)SchemaOp.CreateTable => new TableCreated(SchemaCodec.Read(ref r)),
                    (byte)SchemaOp.DropTable => new TableDropped(new TableId(r.ReadU32()), r.ReadString()),
                    (byte)SchemaOp.AlterTable => new TableAltered(SchemaCodec.Read(ref r), ReadRows(ref r), ReadSequences(ref r)),
                    _ => throw new BsatnDecodeException($"Unknown schema change kind {op}.", r.Position),
                });
            }
        }
        var tables = new List<TableChange>();
        if (sections.HasFlag(Sections.Mutations))
        {
            var count = r.ReadArrayLength(17, "tables");
            for (var i = 0; i < count; i++)
            {
                var id = new TableId(r.ReadU32());
                var name = r.ReadString();
                var isEvent = r.ReadBool();
                var inserts = ReadRows(ref r);
                var deletes = ReadRows(ref r);
                var seqCount = r.ReadArrayLength(18, "sequences");
                var sequences = new SequenceUpdate[seqCount];
                for (var s = 0; s < seqCount; s++)
                    sequences[s] = new SequenceUpdate(r.ReadU16(), r.ReadI128());
                tables.Add(new TableChange(id, name, isEvent, inserts, deletes, sequences));
            }
        }
        r.EnsureAtEnd("transaction record");
        return new Changeset(offset, commitTime, call, tables, schema);
    }

    internal static Int128[] ReadSequences(ref BsatnReader r)
    {
        var count = r.ReadArrayLength(16, "sequences");
        var result = new Int128[count];
        for (var i = 0; i < count; i++)
            result[i] = r.ReadI128();
        return result;
    }

    internal static RowList ReadRows(ref BsatnReader r)
    {
        var count = r.ReadArrayLength(4, "rows");
        if (count == 0)
            return RowList.Empty;
        var builder = new RowList.Builder(count, 64);
        for (var i = 0; i < count; i++)
            builder.Add(r.ReadBytes());
        return builder.Build();
    }
}

/// <summary>Applies logged records to a replay transaction without building changesets.</summary>
internal static class TxRecordReplay
{
    /// <summary>Applies one record; returns a problem description when the record does not fit the state, else null.</summary>
    public static string? Apply(ReadOnlySpan<byte> record, Transaction tx)
    {
        var r = new BsatnReader(record);
        var sections = (TxRecordCodec.Sections)r.ReadU8();
        if (((byte)sections & 0x0F) != 0)
            return $"unknown record sections 0x{(byte)sections:x2}";
        r.ReadI64();
        if (sections.HasFlag(TxRecordCodec.Sections.Call))
        {
            r.ReadBytes();
            r.ReadBytes();
            r.ReadRaw(32 + 16 + 8);
            if (sections.HasFlag(TxRecordCodec.Sections.Error))
                r.ReadBytes();
        }
        if (sections.HasFlag(TxRecordCodec.Sections.Schema))
        {
            var count = r.ReadArrayLength(5, "schema changes");
            for (var i = 0; i < count; i++)
            {
                var op = r.ReadU8();
                switch (op)
                {
                    case (byte)TxRecordCodec.SchemaOp.CreateTable:
                        tx.CreateTableWithId(SchemaCodec.Read(ref r));
                        break;
                    case (byte)TxRecordCodec.SchemaOp.DropTable:
                        tx.DropTable(new TableId(r.ReadU32()));
                        r.ReadBytes();
                        break;
                    case (byte)TxRecordCodec.SchemaOp.AlterTable:
                        var schema = SchemaCodec.Read(ref r);
                        if (!tx.TryGetTableById(schema.Id))
                            return $"the record alters table {schema.Id.Value}, which does not exist at this point";
                        tx.ReplayAlter(schema, TxRecordCodec.ReadRows(ref r), TxRecordCodec.ReadSequences(ref r));
                        break;
                    default:
                        return $"unknown schema change kind {op}";
                }
            }
        }
        if (sections.HasFlag(TxRecordCodec.Sections.Mutations))
        {
            var count = r.ReadArrayLength(17, "tables");
            for (var i = 0; i < count; i++)
            {
                var id = new TableId(r.ReadU32());
                r.ReadBytes();
                r.ReadBool();
                if (!tx.TryGetTableById(id))
                    return $"the record changes table {id.Value}, which does not exist at this point";
                var inserts = r.ReadArrayLength(4, "rows");
                var insertsAt = r.Position;
                for (var k = 0; k < inserts; k++)
                    r.ReadBytes();
                var deletes = r.ReadArrayLength(4, "rows");
                for (var k = 0; k < deletes; k++)
                {
                    if (!tx.ReplayDelete(id, r.ReadBytes()))
                        return $"a deleted row of table {id.Value} is not present";
                }
                // Deletes first, then inserts: an update's new row may reuse its old key.
                var again = new BsatnReader(record[insertsAt..]);
                for (var k = 0; k < inserts; k++)
                    tx.ReplayInsert(id, again.ReadBytes());
                var sequences = r.ReadArrayLength(18, "sequences");
                for (var s = 0; s < sequences; s++)
                    tx.ReplaySequence(id, r.ReadU16(), r.ReadI128());
            }
        }
        r.EnsureAtEnd("transaction record");
        return null;
    }
}
