using System.Globalization;
using Meridian.Sats;
using Meridian.Sats.Json;
using Meridian.Sats.Types;
using Meridian.Sats.Values;

namespace Meridian.Client.Mirror;

/// <summary>
/// How a column's SATS type becomes an SQLite column and its values SQLite values, as the seed maps
/// them: integers as INTEGER, floats as REAL, strings as TEXT, booleans as 0/1, arrays, products and
/// sums as JSON text; plus what SATS adds: options as NULL or the value, plain enums as the
/// variant's name, byte arrays as BLOB, identities and ids as hex text, timestamps as ISO-8601 text,
/// durations as microseconds, integers wider than 64 bits as decimal text.
/// </summary>
public static class SqliteValueMapper
{
    /// <summary>The SQLite type of a column of <paramref name="type"/>: INTEGER, REAL, TEXT or BLOB.</summary>
    public static string DeclaredType(AlgebraicType type, Typespace typespace)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(typespace);
        type = typespace.Resolve(type);
        switch (type.SpecialKind)
        {
            case SpecialTypeKind.Identity:
            case SpecialTypeKind.ConnectionId:
            case SpecialTypeKind.Timestamp:
            case SpecialTypeKind.Uuid:
                return "TEXT";
            case SpecialTypeKind.TimeDuration:
                return "INTEGER";
            case SpecialTypeKind.Option:
                return DeclaredType(((SumType)type).Variants[0].Type, typespace);
        }
        return type.Tag switch
        {
            AlgebraicTypeTag.Bool or AlgebraicTypeTag.I8 or AlgebraicTypeTag.U8 or AlgebraicTypeTag.I16 or AlgebraicTypeTag.U16
                or AlgebraicTypeTag.I32 or AlgebraicTypeTag.U32 or AlgebraicTypeTag.I64 or AlgebraicTypeTag.U64 => "INTEGER",
            AlgebraicTypeTag.F32 or AlgebraicTypeTag.F64 => "REAL",
            AlgebraicTypeTag.Array when typespace.Resolve(((ArrayType)type).ElementType).Tag == AlgebraicTypeTag.U8 => "BLOB",
            _ => "TEXT",
        };
    }

    /// <summary>
    /// Whether a column of <paramref name="type"/> may hold NULL: options, and floats (SQLite stores
    /// NaN as NULL).
    /// </summary>
    public static bool IsNullable(AlgebraicType type, Typespace typespace)
    {
        ArgumentNullException.ThrowIfNull(typespace);
        type = typespace.Resolve(type);
        return type.SpecialKind == SpecialTypeKind.Option || type.Tag is AlgebraicTypeTag.F32 or AlgebraicTypeTag.F64;
    }

    /// <summary>
    /// The SQLite value of <paramref name="value"/> (of <paramref name="type"/>): a long, a double, a
    /// string, a byte array or null. A u64 above 2^63-1 does not fit SQLite's INTEGER and is given as
    /// decimal text, which SQLite's INTEGER affinity stores as REAL (rounded); say so to users.
    /// </summary>
    public static object? ToSqlite(AlgebraicValue value, AlgebraicType type, Typespace typespace)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(typespace);
        type = typespace.Resolve(type);
        switch (type.SpecialKind)
        {
            case SpecialTypeKind.Identity:
                return Identity.FromValue(value).ToHexString();
            case SpecialTypeKind.ConnectionId:
                return ConnectionId.FromValue(value).ToHexString();
            case SpecialTypeKind.Timestamp:
                return Timestamp.FromValue(value).ToString();
            case SpecialTypeKind.Uuid:
                return Uuid.FromValue(value).ToString();
            case SpecialTypeKind.TimeDuration:
                return TimeDuration.FromValue(value).Microseconds;
            case SpecialTypeKind.Option:
            {
                var sum = value.AsSum();
                return sum.Tag == 0 ? ToSqlite(sum.Payload, ((SumType)type).Variants[0].Type, typespace) : null;
            }
        }
        switch (type.Tag)
        {
            case AlgebraicTypeTag.Bool: return value.AsBool() ? 1L : 0L;
            case AlgebraicTypeTag.I8: return (long)value.AsI8();
            case AlgebraicTypeTag.U8: return (long)value.AsU8();
            case AlgebraicTypeTag.I16: return (long)value.AsI16();
            case AlgebraicTypeTag.U16: return (long)value.AsU16();
            case AlgebraicTypeTag.I32: return (long)value.AsI32();
            case AlgebraicTypeTag.U32: return (long)value.AsU32();
            case AlgebraicTypeTag.I64: return value.AsI64();
            case AlgebraicTypeTag.U64:
            {
                var u = value.AsU64();
                return u <= long.MaxValue ? (long)u : u.ToString(CultureInfo.InvariantCulture);
            }
            case AlgebraicTypeTag.I128: return value.AsI128().ToString(CultureInfo.InvariantCulture);
            case AlgebraicTypeTag.U128: return value.AsU128().ToString(CultureInfo.InvariantCulture);
            case AlgebraicTypeTag.I256: return value.AsI256().ToString();
            case AlgebraicTypeTag.U256: return value.AsU256().ToString();
            // The float's shortest decimal form, so 0.1f reads back as 0.1 rather than 0.10000000149011612.
            case AlgebraicTypeTag.F32: return Real(double.Parse(value.AsF32().ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
            case AlgebraicTypeTag.F64: return Real(value.AsF64());
            case AlgebraicTypeTag.String: return value.AsString();
            case AlgebraicTypeTag.Array when typespace.Resolve(((ArrayType)type).ElementType).Tag == AlgebraicTypeTag.U8:
                return value.AsArray().ToByteArray();
            case AlgebraicTypeTag.Sum when ((SumType)type).IsSimpleEnum:
                return VariantName((SumType)type, value.AsSum().Tag);
            default:
                return ToJson(value, type, typespace);
        }
    }

    /// <summary>
    /// The JSON text of a value, as TEXT columns of arrays, products and sums hold it: SATS-JSON in its
    /// readable form (<see cref="SatsJsonForm.Readable"/>): products as objects by field name, arrays as
    /// arrays, options as null or the value, plain enums as the variant's name, other sums as
    /// <c>{"Variant": payload}</c>, 64-bit integers as numbers, wider ones as decimal strings, byte
    /// arrays as hex strings, special types as their column text.
    /// </summary>
    public static string ToJson(AlgebraicValue value, AlgebraicType type, Typespace typespace)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(typespace);
        return SatsJson.ValueToJson(value, type, typespace, SatsJsonForm.Readable);
    }

    // NaN is written as NULL: SQLite would store it so anyway.
    private static double? Real(double v) => double.IsNaN(v) ? null : v;

    private static string VariantName(SumType type, byte tag) => type.Variants[tag].Name ?? tag.ToString(CultureInfo.InvariantCulture);
}
