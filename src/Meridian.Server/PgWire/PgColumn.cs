using Meridian.Sats.Types;

namespace Meridian.Server.PgWire;

/// <summary>How one result column goes on the wire: its name, PostgreSQL type and how its values are rendered.</summary>
/// <param name="Name">The column name (<c>col_N</c> for an unnamed column, as upstream).</param>
/// <param name="Oid">The PostgreSQL type OID.</param>
/// <param name="TypeSize">PostgreSQL's <c>typlen</c>: the fixed size in bytes, or -1 for variable-length types.</param>
/// <param name="Render">How values of the column are rendered.</param>
/// <param name="Type">The column's SATS type, references resolved.</param>
/// <param name="Typespace">What references inside <paramref name="Type"/> resolve against.</param>
/// <param name="Element">For an array column of a PostgreSQL array type: how its elements are rendered.</param>
internal sealed record PgColumn(string Name, int Oid, short TypeSize, PgRender Render, AlgebraicType Type, Typespace Typespace, PgColumn? Element = null)
{
    /// <summary>
    /// Maps a SATS column to PostgreSQL as upstream SpacetimeDB does (crates/pg encoder): strings varchar, integers the
    /// smallest signed type that holds them (u64 and wider numeric), Identity/ConnectionId/byte arrays bytea,
    /// Timestamp timestamp, TimeDuration interval, Uuid uuid, simple enums anyenum, other products and sums json,
    /// arrays of primitives the matching array type. Arrays of anything else are json here (upstream: anyarray, which
    /// no client can read).
    /// </summary>
    public static PgColumn For(string name, AlgebraicType type, Typespace typespace)
    {
        type = typespace.Resolve(type);
        switch (type.SpecialKind)
        {
            case SpecialTypeKind.Identity:
            case SpecialTypeKind.ConnectionId:
                return new(name, PgOid.Bytea, -1, PgRender.SpecialBytes, type, typespace);
            case SpecialTypeKind.Timestamp:
                return new(name, PgOid.Timestamp, 8, PgRender.Timestamp, type, typespace);
            case SpecialTypeKind.TimeDuration:
                return new(name, PgOid.Interval, 16, PgRender.Interval, type, typespace);
            case SpecialTypeKind.Uuid:
                return new(name, PgOid.Uuid, 16, PgRender.Uuid, type, typespace);
        }
        switch (type)
        {
            case PrimitiveType p:
                return Primitive(name, p, typespace);
            case ArrayType { ElementType: var element }:
                var resolved = typespace.Resolve(element);
                if (resolved.Tag == AlgebraicTypeTag.U8)
                    return new(name, PgOid.Bytea, -1, PgRender.Bytes, type, typespace);
                if (resolved is PrimitiveType primitive)
                {
                    var inner = Primitive(name, primitive, typespace);
                    return new(name, ArrayOid(inner.Oid), -1, PgRender.Array, type, typespace, inner);
                }
                return new(name, PgOid.Json, -1, PgRender.Json, type, typespace);
            case SumType sum when sum.IsSimpleEnum && sum.SpecialKind != SpecialTypeKind.Option:
                return new(name, PgOid.AnyEnum, 4, PgRender.Enum, type, typespace);
            default:
                return new(name, PgOid.Json, -1, PgRender.Json, type, typespace);
        }
    }

    private static PgColumn Primitive(string name, PrimitiveType type, Typespace typespace) => type.Tag switch
    {
        AlgebraicTypeTag.String => new(name, PgOid.Varchar, -1, PgRender.String, type, typespace),
        AlgebraicTypeTag.Bool => new(name, PgOid.Bool, 1, PgRender.Bool, type, typespace),
        AlgebraicTypeTag.U8 or AlgebraicTypeTag.I8 or AlgebraicTypeTag.I16 => new(name, PgOid.Int2, 2, PgRender.Int2, type, typespace),
        AlgebraicTypeTag.U16 or AlgebraicTypeTag.I32 => new(name, PgOid.Int4, 4, PgRender.Int4, type, typespace),
        AlgebraicTypeTag.U32 or AlgebraicTypeTag.I64 => new(name, PgOid.Int8, 8, PgRender.Int8, type, typespace),
        AlgebraicTypeTag.F32 => new(name, PgOid.Float4, 4, PgRender.Float4, type, typespace),
        AlgebraicTypeTag.F64 => new(name, PgOid.Float8, 8, PgRender.Float8, type, typespace),
        _ => new(name, PgOid.Numeric, -1, PgRender.Numeric, type, typespace),
    };

    private static int ArrayOid(int element) => element switch
    {
        PgOid.Varchar => PgOid.VarcharArray,
        PgOid.Bool => PgOid.BoolArray,
        PgOid.Int2 => PgOid.Int2Array,
        PgOid.Int4 => PgOid.Int4Array,
        PgOid.Int8 => PgOid.Int8Array,
        PgOid.Float4 => PgOid.Float4Array,
        PgOid.Float8 => PgOid.Float8Array,
        _ => PgOid.NumericArray,
    };

    /// <summary>The columns of a result schema.</summary>
    public static PgColumn[] ForSchema(ProductType schema, Typespace typespace)
    {
        var columns = new PgColumn[schema.Elements.Count];
        for (var i = 0; i < columns.Length; i++)
            columns[i] = For(schema.Elements[i].Name ?? $"col_{i}", schema.Elements[i].Type, typespace);
        return columns;
    }
}

/// <summary>How a column's values are rendered.</summary>
internal enum PgRender
{
    String,
    Bool,
    Int2,
    Int4,
    Int8,
    Float4,
    Float8,
    Numeric,
    Bytes,
    SpecialBytes,
    Timestamp,
    Interval,
    Uuid,
    Enum,
    Json,
    Array,
}
