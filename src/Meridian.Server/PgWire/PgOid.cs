namespace Meridian.Server.PgWire;

/// <summary>The PostgreSQL type OIDs the wire protocol reports (the values of PostgreSQL's <c>pg_type</c>; they never change).</summary>
public static class PgOid
{
    /// <summary><c>bool</c>.</summary>
    public const int Bool = 16;
    /// <summary><c>bytea</c>.</summary>
    public const int Bytea = 17;
    /// <summary><c>int8</c>.</summary>
    public const int Int8 = 20;
    /// <summary><c>int2</c>.</summary>
    public const int Int2 = 21;
    /// <summary><c>int4</c>.</summary>
    public const int Int4 = 23;
    /// <summary><c>json</c>.</summary>
    public const int Json = 114;
    /// <summary><c>float4</c>.</summary>
    public const int Float4 = 700;
    /// <summary><c>float8</c>.</summary>
    public const int Float8 = 701;
    /// <summary><c>bool[]</c>.</summary>
    public const int BoolArray = 1000;
    /// <summary><c>int2[]</c>.</summary>
    public const int Int2Array = 1005;
    /// <summary><c>int4[]</c>.</summary>
    public const int Int4Array = 1007;
    /// <summary><c>varchar[]</c>.</summary>
    public const int VarcharArray = 1015;
    /// <summary><c>int8[]</c>.</summary>
    public const int Int8Array = 1016;
    /// <summary><c>float4[]</c>.</summary>
    public const int Float4Array = 1021;
    /// <summary><c>float8[]</c>.</summary>
    public const int Float8Array = 1022;
    /// <summary><c>varchar</c>.</summary>
    public const int Varchar = 1043;
    /// <summary><c>timestamp</c> (without time zone).</summary>
    public const int Timestamp = 1114;
    /// <summary><c>interval</c>.</summary>
    public const int Interval = 1186;
    /// <summary><c>numeric[]</c>.</summary>
    public const int NumericArray = 1231;
    /// <summary><c>numeric</c>.</summary>
    public const int Numeric = 1700;
    /// <summary><c>uuid</c>.</summary>
    public const int Uuid = 2950;
    /// <summary><c>anyenum</c>.</summary>
    public const int AnyEnum = 3500;
}
