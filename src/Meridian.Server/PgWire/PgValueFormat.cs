using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Meridian.Sats;
using Meridian.Sats.Types;
using Meridian.Sats.Values;

namespace Meridian.Server.PgWire;

/// <summary>
/// Renders SATS values as PostgreSQL field values, in the text format (what <c>psql</c> shows; upstream's renderings:
/// <c>\x</c> hex for bytes and identities, RFC 3339 timestamps, ISO 8601 durations, JSON records) and in the binary
/// format of the column's PostgreSQL type (what Npgsql asks for).
/// </summary>
internal static class PgValueFormat
{
    private const long PostgresEpochMicros = 946_684_800_000_000; // 2000-01-01T00:00:00Z in Unix microseconds

    private static readonly JavaScriptEncoder JsonText = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>Appends <paramref name="value"/> in the text format (no length prefix).</summary>
    public static void WriteText(PgWriter w, PgColumn column, AlgebraicValue value)
    {
        switch (column.Render)
        {
            case PgRender.String:
                w.WriteUtf8(value.AsString());
                break;
            case PgRender.Bool:
                w.WriteByte(value.AsBool() ? (byte)'t' : (byte)'f');
                break;
            case PgRender.Bytes:
                WriteHexText(w, value.AsArray().ToByteArray());
                break;
            case PgRender.SpecialBytes:
                WriteHexText(w, SpecialBytes(column.Type, value));
                break;
            case PgRender.Enum:
                w.WriteUtf8(VariantName((SumType)column.Type, value.AsSum().Tag));
                break;
            case PgRender.Json:
                w.WriteUtf8(Json(column.Type, value, column.Typespace));
                break;
            case PgRender.Array:
                w.WriteUtf8(ArrayLiteral(column.Element!, value.AsArray()));
                break;
            default:
                w.WriteUtf8(ScalarText(column, value));
                break;
        }
    }

    /// <summary>Appends <paramref name="value"/> in the binary format of the column's type (no length prefix).</summary>
    public static void WriteBinary(PgWriter w, PgColumn column, AlgebraicValue value)
    {
        switch (column.Render)
        {
            case PgRender.String:
                w.WriteUtf8(value.AsString());
                break;
            case PgRender.Bool:
                w.WriteByte(value.AsBool() ? (byte)1 : (byte)0);
                break;
            case PgRender.Int2:
                w.WriteInt16(value.Kind switch
                {
                    AlgebraicTypeTag.U8 => value.AsU8(),
                    AlgebraicTypeTag.I8 => value.AsI8(),
                    _ => value.AsI16(),
                });
                break;
            case PgRender.Int4:
                w.WriteInt32(value.Kind == AlgebraicTypeTag.U16 ? value.AsU16() : value.AsI32());
                break;
            case PgRender.Int8:
                w.WriteInt64(value.Kind == AlgebraicTypeTag.U32 ? value.AsU32() : value.AsI64());
                break;
            case PgRender.Float4:
                w.WriteInt32(BitConverter.SingleToInt32Bits(value.AsF32()));
                break;
            case PgRender.Float8:
                w.WriteInt64(BitConverter.DoubleToInt64Bits(value.AsF64()));
                break;
            case PgRender.Numeric:
                WriteNumericBinary(w, IntegerText(value));
                break;
            case PgRender.Bytes:
                w.WriteBytes(value.AsArray().ToByteArray());
                break;
            case PgRender.SpecialBytes:
                w.WriteBytes(SpecialBytes(column.Type, value));
                break;
            case PgRender.Timestamp:
                w.WriteInt64(value.AsProduct()[0].AsI64() - PostgresEpochMicros);
                break;
            case PgRender.Interval:
                w.WriteInt64(value.AsProduct()[0].AsI64());
                w.WriteInt32(0); // days
                w.WriteInt32(0); // months
                break;
            case PgRender.Uuid:
                Span<byte> uuid = stackalloc byte[16];
                BinaryPrimitives.WriteUInt128BigEndian(uuid, value.AsProduct()[0].AsU128());
                w.WriteBytes(uuid);
                break;
            case PgRender.Enum:
                w.WriteUtf8(VariantName((SumType)column.Type, value.AsSum().Tag));
                break;
            case PgRender.Json:
                w.WriteUtf8(Json(column.Type, value, column.Typespace));
                break;
            case PgRender.Array:
                WriteArrayBinary(w, column.Element!, value.AsArray());
                break;
            default:
                throw new InvalidOperationException($"No binary form for {column.Render}.");
        }
    }

    private static string ScalarText(PgColumn column, AlgebraicValue value) => column.Render switch
    {
        PgRender.Int2 or PgRender.Int4 or PgRender.Int8 or PgRender.Numeric => IntegerText(value),
        PgRender.Float4 => FloatText(value.AsF32(), value.AsF32().ToString("R", CultureInfo.InvariantCulture)),
        PgRender.Float8 => FloatText(value.AsF64(), value.AsF64().ToString("R", CultureInfo.InvariantCulture)),
        PgRender.Timestamp => TimestampText(value.AsProduct()[0].AsI64()),
        PgRender.Interval => IntervalText(value.AsProduct()[0].AsI64()),
        PgRender.Uuid => new Uuid(value.AsProduct()[0].AsU128()).ToString(),
        _ => throw new InvalidOperationException($"{column.Render} is not a scalar."),
    };

    private static string IntegerText(AlgebraicValue value) => value.Kind switch
    {
        AlgebraicTypeTag.I8 => value.AsI8().ToString(CultureInfo.InvariantCulture),
        AlgebraicTypeTag.U8 => value.AsU8().ToString(CultureInfo.InvariantCulture),
        AlgebraicTypeTag.I16 => value.AsI16().ToString(CultureInfo.InvariantCulture),
        AlgebraicTypeTag.U16 => value.AsU16().ToString(CultureInfo.InvariantCulture),
        AlgebraicTypeTag.I32 => value.AsI32().ToString(CultureInfo.InvariantCulture),
        AlgebraicTypeTag.U32 => value.AsU32().ToString(CultureInfo.InvariantCulture),
        AlgebraicTypeTag.I64 => value.AsI64().ToString(CultureInfo.InvariantCulture),
        AlgebraicTypeTag.U64 => value.AsU64().ToString(CultureInfo.InvariantCulture),
        AlgebraicTypeTag.I128 => value.AsI128().ToString(CultureInfo.InvariantCulture),
        AlgebraicTypeTag.U128 => value.AsU128().ToString(CultureInfo.InvariantCulture),
        AlgebraicTypeTag.I256 => value.AsI256().ToString(),
        AlgebraicTypeTag.U256 => value.AsU256().ToString(),
        _ => throw new InvalidOperationException($"{value.Kind} is not an integer."),
    };

    // PostgreSQL's spellings of the special values; exponents in lower case as PostgreSQL prints them.
    private static string FloatText(double value, string text) =>
        double.IsNaN(value) ? "NaN"
        : double.IsPositiveInfinity(value) ? "Infinity"
        : double.IsNegativeInfinity(value) ? "-Infinity"
        : text.Replace('E', 'e');

    /// <summary>RFC 3339 in UTC, fraction digits as needed in steps of three (upstream's <c>to_rfc3339</c>).</summary>
    internal static string TimestampText(long micros)
    {
        DateTimeOffset time;
        try
        {
            time = DateTimeOffset.UnixEpoch.AddTicks(checked(micros * 10));
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or OverflowException)
        {
            return new Timestamp(micros).ToString();
        }
        var fraction = ((micros % 1_000_000) + 1_000_000) % 1_000_000;
        var format = fraction == 0 ? "yyyy-MM-dd'T'HH:mm:ss" : fraction % 1000 == 0 ? "yyyy-MM-dd'T'HH:mm:ss.fff" : "yyyy-MM-dd'T'HH:mm:ss.ffffff";
        return time.ToString(format, CultureInfo.InvariantCulture) + "+00:00";
    }

    /// <summary>ISO 8601 as upstream prints a duration: <c>P0D</c>, <c>PT90S</c>, <c>-PT1.5S</c>.</summary>
    internal static string IntervalText(long micros)
    {
        if (micros == 0)
            return "P0D";
        var sign = micros < 0 ? "-" : "";
        var abs = micros == long.MinValue ? (ulong)long.MaxValue + 1 : (ulong)Math.Abs(micros);
        var seconds = abs / 1_000_000;
        var fraction = abs % 1_000_000;
        if (fraction == 0)
            return string.Create(CultureInfo.InvariantCulture, $"{sign}PT{seconds}S");
        return string.Create(CultureInfo.InvariantCulture, $"{sign}PT{seconds}.{fraction.ToString("D6", CultureInfo.InvariantCulture).TrimEnd('0')}S");
    }

    private static byte[] SpecialBytes(AlgebraicType type, AlgebraicValue value)
    {
        var inner = value.AsProduct()[0];
        if (type.SpecialKind == SpecialTypeKind.Identity)
            return new Identity(inner.AsU256()).ToBigEndianBytes();
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, inner.AsU128());
        return bytes;
    }

    private static void WriteHexText(PgWriter w, byte[] bytes)
    {
        w.WriteAscii("\\x");
        w.WriteAscii(Convert.ToHexStringLower(bytes));
    }

    private static string VariantName(SumType type, byte tag) =>
        type.Variants[tag].Name ?? tag.ToString(CultureInfo.InvariantCulture);

    // A PostgreSQL array literal of primitives: {1,2,3}, {"a b",c}; strings quoted when they must be.
    private static string ArrayLiteral(PgColumn element, ArrayValue array)
    {
        var sb = new StringBuilder("{");
        for (var i = 0; i < array.Count; i++)
        {
            if (i > 0)
                sb.Append(',');
            var text = element.Render switch
            {
                PgRender.String => array[i].AsString(),
                PgRender.Bool => array[i].AsBool() ? "t" : "f",
                _ => ScalarText(element, array[i]),
            };
            if (element.Render == PgRender.String && NeedsQuotes(text))
            {
                sb.Append('"');
                foreach (var c in text)
                {
                    if (c is '"' or '\\')
                        sb.Append('\\');
                    sb.Append(c);
                }
                sb.Append('"');
            }
            else
            {
                sb.Append(text);
            }
        }
        return sb.Append('}').ToString();
    }

    private static bool NeedsQuotes(string text)
    {
        if (text.Length == 0 || text.Equals("NULL", StringComparison.OrdinalIgnoreCase))
            return true;
        foreach (var c in text)
        {
            if (c is '{' or '}' or ',' or '"' or '\\' || char.IsWhiteSpace(c))
                return true;
        }
        return false;
    }

    // One dimension, no nulls, lower bound 1; each element length-prefixed in its own binary form.
    private static void WriteArrayBinary(PgWriter w, PgColumn element, ArrayValue array)
    {
        w.WriteInt32(array.Count == 0 ? 0 : 1);
        w.WriteInt32(0);
        w.WriteInt32(element.Oid);
        if (array.Count > 0)
        {
            w.WriteInt32(array.Count);
            w.WriteInt32(1);
        }
        for (var i = 0; i < array.Count; i++)
        {
            var at = w.StartField();
            WriteBinary(w, element, array[i]);
            w.EndField(at);
        }
    }

    // numeric's binary form: base-10000 digits, most significant first, with the weight of the first digit.
    private static void WriteNumericBinary(PgWriter w, string decimalText)
    {
        var negative = decimalText.StartsWith('-');
        var digits = negative ? decimalText[1..] : decimalText;
        if (digits == "0")
        {
            w.WriteInt64(0); // ndigits, weight, sign and dscale all 0
            return;
        }
        var padded = digits.PadLeft((digits.Length + 3) / 4 * 4, '0');
        var groups = new short[padded.Length / 4];
        for (var i = 0; i < groups.Length; i++)
            groups[i] = short.Parse(padded.AsSpan(i * 4, 4), NumberStyles.None, CultureInfo.InvariantCulture);
        var count = groups.Length;
        while (count > 0 && groups[count - 1] == 0)
            count--; // trailing zero groups are implied by the weight
        w.WriteInt16((short)count);
        w.WriteInt16((short)(groups.Length - 1));
        w.WriteInt16(negative ? (short)0x4000 : (short)0);
        w.WriteInt16(0);
        for (var i = 0; i < count; i++)
            w.WriteInt16(groups[i]);
    }

    /// <summary>
    /// A record, sum or array as JSON, laid out as upstream's <c>psql</c> rendering (<c>{"x": 1, "y": "a"}</c>, a sum as
    /// <c>{"variant": payload}</c>, unnamed fields as <c>col_N</c>), with strings escaped so the text is valid JSON.
    /// </summary>
    internal static string Json(AlgebraicType type, AlgebraicValue value, Typespace typespace)
    {
        var sb = new StringBuilder();
        AppendJson(sb, type, value, typespace);
        return sb.ToString();
    }

    private static void AppendJson(StringBuilder sb, AlgebraicType type, AlgebraicValue value, Typespace typespace)
    {
        type = typespace.Resolve(type);
        switch (type.SpecialKind)
        {
            case SpecialTypeKind.Identity:
            case SpecialTypeKind.ConnectionId:
                sb.Append("\"0x").Append(Convert.ToHexStringLower(SpecialBytes(type, value))).Append('"');
                return;
            case SpecialTypeKind.Timestamp:
                sb.Append('"').Append(TimestampText(value.AsProduct()[0].AsI64())).Append('"');
                return;
            case SpecialTypeKind.TimeDuration:
                sb.Append('"').Append(IntervalText(value.AsProduct()[0].AsI64())).Append('"');
                return;
            case SpecialTypeKind.Uuid:
                sb.Append('"').Append(new Uuid(value.AsProduct()[0].AsU128())).Append('"');
                return;
        }
        switch (type)
        {
            case PrimitiveType { Tag: AlgebraicTypeTag.String }:
                AppendJsonString(sb, value.AsString());
                break;
            case PrimitiveType { Tag: AlgebraicTypeTag.Bool }:
                sb.Append(value.AsBool() ? "true" : "false");
                break;
            case PrimitiveType { Tag: AlgebraicTypeTag.F32 }:
                AppendJsonFloat(sb, value.AsF32(), value.AsF32().ToString("R", CultureInfo.InvariantCulture));
                break;
            case PrimitiveType { Tag: AlgebraicTypeTag.F64 }:
                AppendJsonFloat(sb, value.AsF64(), value.AsF64().ToString("R", CultureInfo.InvariantCulture));
                break;
            case PrimitiveType:
                sb.Append(IntegerText(value));
                break;
            case ArrayType a when typespace.Resolve(a.ElementType).Tag == AlgebraicTypeTag.U8:
                sb.Append("\"0x").Append(Convert.ToHexStringLower(value.AsArray().ToByteArray())).Append('"');
                break;
            case ArrayType array:
            {
                var items = value.AsArray();
                sb.Append('[');
                for (var i = 0; i < items.Count; i++)
                {
                    if (i > 0)
                        sb.Append(", ");
                    AppendJson(sb, array.ElementType, items[i], typespace);
                }
                sb.Append(']');
                break;
            }
            case ProductType product:
            {
                var fields = value.AsProduct();
                sb.Append('{');
                for (var i = 0; i < product.Elements.Count; i++)
                {
                    if (i > 0)
                        sb.Append(", ");
                    AppendJsonString(sb, product.Elements[i].Name ?? $"col_{i}");
                    sb.Append(": ");
                    AppendJson(sb, product.Elements[i].Type, fields[i], typespace);
                }
                sb.Append('}');
                break;
            }
            case SumType sum:
            {
                var variant = value.AsSum();
                sb.Append('{');
                AppendJsonString(sb, sum.Variants[variant.Tag].Name ?? $"col_{variant.Tag}");
                sb.Append(": ");
                AppendJson(sb, sum.Variants[variant.Tag].Type, variant.Payload, typespace);
                sb.Append('}');
                break;
            }
            default:
                throw new InvalidOperationException($"Unresolved type {type} in a result row.");
        }
    }

    private static void AppendJsonString(StringBuilder sb, string text) =>
        sb.Append('"').Append(JsonEncodedText.Encode(text, JsonText).Value).Append('"');

    // JSON has no NaN or infinities: those go as strings.
    private static void AppendJsonFloat(StringBuilder sb, double value, string text)
    {
        if (double.IsFinite(value))
            sb.Append(text);
        else
            sb.Append('"').Append(FloatText(value, text)).Append('"');
    }
}
