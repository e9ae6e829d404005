using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;

namespace Meridian.Storage.Schema;

/// <summary>
/// The on-disk encoding of a <see cref="TableSchema"/> (commit log and snapshots), BSATN-based:
/// id u32, name, row type (AlgebraicType), typespace, primary key (u8 flag + u32), indexes, unique
/// constraints, sequences, access u8, event bool. Part of the formats in docs/dev/storage.md.
/// </summary>
internal static class SchemaCodec
{
    public static void Write(BsatnWriter w, TableSchema schema)
    {
        w.WriteU32(schema.Id.Value);
        w.WriteString(schema.Name);
        ((AlgebraicType)schema.RowType).WriteBsatn(w);
        schema.Typespace.WriteBsatn(w);
        w.WriteBool(schema.PrimaryKey.HasValue);
        w.WriteU32((uint)(schema.PrimaryKey ?? 0));
        w.WriteU32((uint)schema.Indexes.Count);
        foreach (var index in schema.Indexes)
        {
            w.WriteString(index.Name);
            WriteColumns(w, index.Columns);
            w.WriteU8((byte)index.Algorithm);
            w.WriteBool(index.IsUnique);
        }
        w.WriteU32((uint)schema.UniqueConstraints.Count);
        foreach (var c in schema.UniqueConstraints)
        {
            w.WriteString(c.Name);
            WriteColumns(w, c.Columns);
        }
        w.WriteU32((uint)schema.Sequences.Count);
        foreach (var s in schema.Sequences)
        {
            w.WriteString(s.Name);
            w.WriteU32((uint)s.Column);
            w.WriteI128(s.Start);
            w.WriteI128(s.Min);
            w.WriteI128(s.Max);
            w.WriteI128(s.Increment);
        }
        w.WriteU8((byte)schema.Access);
        w.WriteBool(schema.IsEvent);
    }

    public static TableSchema Read(ref BsatnReader r)
    {
        var id = r.ReadU32();
        var name = r.ReadString();
        var rowType = AlgebraicType.ReadBsatn(ref r) as ProductType
            ?? throw new BsatnDecodeException($"Table '{name}' has a row type that is not a product.", r.Position);
        var typespace = Typespace.ReadBsatn(ref r);
        var hasPk = r.ReadBool();
        var pk = (int)r.ReadU32();
        var indexes = new IndexSchema[r.ReadArrayLength(6, "indexes")];
        for (var i = 0; i < indexes.Length; i++)
        {
            var indexName = r.ReadString();
            var columns = ReadColumns(ref r);
            var algorithm = r.ReadU8();
            if (algorithm > (byte)IndexAlgorithm.Hash)
                throw new BsatnDecodeException($"Unknown index algorithm {algorithm}.", r.Position);
            indexes[i] = new IndexSchema(indexName, columns, (IndexAlgorithm)algorithm, r.ReadBool());
        }
        var constraints = new UniqueConstraintSchema[r.ReadArrayLength(8, "constraints")];
        for (var i = 0; i < constraints.Length; i++)
            constraints[i] = new UniqueConstraintSchema(r.ReadString(), ReadColumns(ref r));
        var sequences = new SequenceSchema[r.ReadArrayLength(68, "sequences")];
        for (var i = 0; i < sequences.Length; i++)
            sequences[i] = new SequenceSchema(r.ReadString(), (int)r.ReadU32(), r.ReadI128(), r.ReadI128(), r.ReadI128(), r.ReadI128());
        var access = r.ReadU8();
        if (access > (byte)TableAccess.Private)
            throw new BsatnDecodeException($"Unknown table access {access}.", r.Position);
        var isEvent = r.ReadBool();
        return new TableSchema(name, rowType, indexes, constraints, sequences, hasPk ? pk : null, (TableAccess)access, isEvent, typespace)
            .WithId(new TableId(id));
    }

    private static void WriteColumns(BsatnWriter w, IReadOnlyList<int> columns)
    {
        w.WriteU32((uint)columns.Count);
        foreach (var c in columns)
            w.WriteU16((ushort)c);
    }

    private static int[] ReadColumns(ref BsatnReader r)
    {
        var columns = new int[r.ReadArrayLength(2, "columns")];
        for (var i = 0; i < columns.Length; i++)
            columns[i] = r.ReadU16();
        return columns;
    }
}
