using Meridian.Sats.Bsatn;
using Meridian.Sats.Types;
using Meridian.Sats.Values;
using Meridian.Storage.Schema;

namespace Meridian.Storage.Tests;

/// <summary>Small schemas and row builders shared by the tests.</summary>
internal static class TestSchemas
{
    public static ProductType PersonType { get; } = AlgebraicType.Product(
        ("id", AlgebraicType.U32), ("age", AlgebraicType.U64), ("name", AlgebraicType.String));

    public static TableSchema Person(string name = "person", bool pk = true, bool btreeEach = false, bool autoInc = false, bool isEvent = false) =>
        new(
            name,
            PersonType,
            indexes: btreeEach
                ? [new IndexSchema($"{name}_id", [0]), new IndexSchema($"{name}_age", [1]), new IndexSchema($"{name}_name", [2])]
                : null,
            sequences: autoInc ? [SequenceSchema.Ascending($"{name}_id_seq", 0, uint.MaxValue)] : null,
            primaryKey: pk ? 0 : null,
            isEvent: isEvent);

    public static byte[] PersonRow(uint id, ulong age, string name)
    {
        var w = new BsatnWriter();
        w.WriteU32(id);
        w.WriteU64(age);
        w.WriteString(name);
        return w.ToArray();
    }

    public static byte[] U32(uint v) => AlgebraicValue.U32(v).ToBsatn();

    public static byte[] U64(ulong v) => AlgebraicValue.U64(v).ToBsatn();

    public static byte[] Str(string v) => AlgebraicValue.String(v).ToBsatn();

    public static (uint Id, ulong Age, string Name) ReadPerson(ReadOnlySpan<byte> row)
    {
        var r = new BsatnReader(row);
        return (r.ReadU32(), r.ReadU64(), r.ReadString());
    }
}
