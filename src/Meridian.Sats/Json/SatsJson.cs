using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Meridian.Sats.Numerics;
using Meridian.Sats.Types;
using Meridian.Sats.Values;

namespace Meridian.Sats.Json;

/// <summary>
/// SATS-JSON (protocol.md §6.4): values written in the typed or untyped form given their type,
/// read leniently in either form; types written and read in the typed meta-type form.
/// </summary>
public static partial class SatsJson
{
    /// <summary>Writes <paramref name="value"/> (of <paramref name="type"/>) as JSON.</summary>
    public static void WriteValue(
        Utf8JsonWriter writer, AlgebraicValue value, AlgebraicType type, Typespace? typespace = null, SatsJsonForm form = SatsJsonForm.Untyped) =>
        Write(writer, value, type, typespace ?? Typespace.Empty, form, 0);

    /// <summary>The JSON text of <paramref name="value"/> (of <paramref name="type"/>).</summary>
    public static string ValueToJson(AlgebraicValue value, AlgebraicType type, Typespace? typespace = null, SatsJsonForm form = SatsJsonForm.Untyped)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
            WriteValue(writer, value, type, typespace, form);
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private static void Write(Utf8JsonWriter w, AlgebraicValue value, AlgebraicType type, Typespace ts, SatsJsonForm form, int depth)
    {
        if (depth > AlgebraicValue.MaxDepth)
            throw new InvalidOperationException($"Value nested deeper than {AlgebraicValue.MaxDepth} levels.");
        type = ts.Resolve(type);
        if (form == SatsJsonForm.Readable && WriteReadable(w, value, type, ts, depth))
            return;
        switch (type.Tag)
        {
            case AlgebraicTypeTag.Bool: w.WriteBooleanValue(value.AsBool()); break;
            case AlgebraicTypeTag.I8: w.WriteNumberValue(value.AsI8()); break;
            case AlgebraicTypeTag.U8: w.WriteNumberValue(value.AsU8()); break;
            case AlgebraicTypeTag.I16: w.WriteNumberValue(value.AsI16()); break;
            case AlgebraicTypeTag.U16: w.WriteNumberValue(value.AsU16()); break;
            case AlgebraicTypeTag.I32: w.WriteNumberValue(value.AsI32()); break;
            case AlgebraicTypeTag.U32: w.WriteNumberValue(value.AsU32()); break;
            case AlgebraicTypeTag.I64: w.WriteNumberValue(value.AsI64()); break;
            case AlgebraicTypeTag.U64: w.WriteNumberValue(value.AsU64()); break;
            case AlgebraicTypeTag.I128: w.WriteRawValue(value.AsI128().ToString(CultureInfo.InvariantCulture), skipInputValidation: true); break;
            case AlgebraicTypeTag.U128: w.WriteRawValue(value.AsU128().ToString(CultureInfo.InvariantCulture), skipInputValidation: true); break;
            case AlgebraicTypeTag.I256: w.WriteStringValue(HexOf(value.AsI256().ToBigInteger())); break;
            case AlgebraicTypeTag.U256: w.WriteStringValue(HexOf(value.AsU256().ToBigInteger())); break;
            case AlgebraicTypeTag.F32: WriteFloat(w, value.AsF32()); break;
            case AlgebraicTypeTag.F64: WriteFloat(w, value.AsF64()); break;
            case AlgebraicTypeTag.String: w.WriteStringValue(value.AsString()); break;
            case AlgebraicTypeTag.Array:
            {
                var elementType = ts.Resolve(((ArrayType)type).ElementType);
                var array = value.AsArray();
                if (elementType.Tag == AlgebraicTypeTag.U8)
                {
                    w.WriteStringValue(Convert.ToHexStringLower(array.ToByteArray()));
                    break;
                }
                w.WriteStartArray();
                foreach (var e in array.Elements)
                    Write(w, e, elementType, ts, form, depth + 1);
                w.WriteEndArray();
                break;
            }
            case AlgebraicTypeTag.Product:
            {
                var pt = (ProductType)type;
                var product = value.AsProduct();
                if (product.Count != pt.Elements.Count)
                    throw new InvalidOperationException($"A product of {product.Count} element(s) does not fit the type {pt}.");
                var asObject = form is SatsJsonForm.Typed or SatsJsonForm.Readable && pt.Elements.Count > 0 && pt.Elements.All(e => e.Name is not null);
                if (asObject)
                {
                    w.WriteStartObject();
                    for (var i = 0; i < pt.Elements.Count; i++)
                    {
                        w.WritePropertyName(pt.Elements[i].Name!);
                        Write(w, product[i], pt.Elements[i].Type, ts, form, depth + 1);
                    }
                    w.WriteEndObject();
                }
                else
                {
                    w.WriteStartArray();
                    for (var i = 0; i < pt.Elements.Count; i++)
                        Write(w, product[i], pt.Elements[i].Type, ts, form, depth + 1);
                    w.WriteEndArray();
                }
                break;
            }
            case AlgebraicTypeTag.Sum:
            {
                var st = (SumType)type;
                var sum = value.AsSum();
                if (sum.Tag >= st.Variants.Count)
                    throw new InvalidOperationException($"Sum tag {sum.Tag} is outside the type {st}.");
                var variant = st.Variants[sum.Tag];
                if (form is SatsJsonForm.Typed or SatsJsonForm.Readable)
                {
                    w.WriteStartObject();
                    w.WritePropertyName(variant.Name ?? sum.Tag.ToString(CultureInfo.InvariantCulture));
                    Write(w, sum.Payload, variant.Type, ts, form, depth + 1);
                    w.WriteEndObject();
                }
                else
                {
                    w.WriteStartArray();
                    w.WriteNumberValue(sum.Tag);
                    Write(w, sum.Payload, variant.Type, ts, form, depth + 1);
                    w.WriteEndArray();
                }
                break;
            }
            default:
                throw new InvalidOperationException($"Cannot write a value of type {type}.");
        }
    }

    // The shapes where the readable form differs from the typed one; false leaves the value to the typed form's code.
    private static bool WriteReadable(Utf8JsonWriter w, AlgebraicValue value, AlgebraicType type, Typespace ts, int depth)
    {
        switch (type.SpecialKind)
        {
            case SpecialTypeKind.Identity: w.WriteStringValue(Identity.FromValue(value).ToHexString()); return true;
            case SpecialTypeKind.ConnectionId: w.WriteStringValue(ConnectionId.FromValue(value).ToHexString()); return true;
            case SpecialTypeKind.Timestamp: w.WriteStringValue(Timestamp.FromValue(value).ToString()); return true;
            case SpecialTypeKind.Uuid: w.WriteStringValue(Uuid.FromValue(value).ToString()); return true;
            case SpecialTypeKind.TimeDuration: w.WriteNumberValue(TimeDuration.FromValue(value).Microseconds); return true;
            case SpecialTypeKind.Option:
            {
                var option = value.AsSum();
                if (option.Tag == 0)
                    Write(w, option.Payload, ((SumType)type).Variants[0].Type, ts, SatsJsonForm.Readable, depth + 1);
                else
                    w.WriteNullValue();
                return true;
            }
        }
        switch (type.Tag)
        {
            case AlgebraicTypeTag.I128: w.WriteStringValue(value.AsI128().ToString(CultureInfo.InvariantCulture)); return true;
            case AlgebraicTypeTag.U128: w.WriteStringValue(value.AsU128().ToString(CultureInfo.InvariantCulture)); return true;
            case AlgebraicTypeTag.I256: w.WriteStringValue(value.AsI256().ToString()); return true;
            case AlgebraicTypeTag.U256: w.WriteStringValue(value.AsU256().ToString()); return true;
            case AlgebraicTypeTag.Product when ((ProductType)type).Elements.Count == 0:
                w.WriteStartObject();
                w.WriteEndObject();
                return true;
            case AlgebraicTypeTag.Sum when ((SumType)type).IsSimpleEnum:
            {
                var st = (SumType)type;
                var tag = value.AsSum().Tag;
                if (tag >= st.Variants.Count)
                    throw new InvalidOperationException($"Sum tag {tag} is outside the type {st}.");
                w.WriteStringValue(st.Variants[tag].Name ?? tag.ToString(CultureInfo.InvariantCulture));
                return true;
            }
            default:
                return false;
        }
    }

    private static string HexOf(BigInteger v) =>
        v.Sign < 0 ? "-0x" + HexOf(-v)[2..] : "0x" + (v.IsZero ? "0" : v.ToString("x", CultureInfo.InvariantCulture).TrimStart('0'));

    private static void WriteFloat(Utf8JsonWriter w, double v)
    {
        if (double.IsNaN(v))
            w.WriteStringValue("NaN");
        else if (double.IsPositiveInfinity(v))
            w.WriteStringValue("Infinity");
        else if (double.IsNegativeInfinity(v))
            w.WriteStringValue("-Infinity");
        else
            w.WriteNumberValue(v);
    }

    private static void WriteFloat(Utf8JsonWriter w, float v)
    {
        if (float.IsFinite(v))
            w.WriteNumberValue(v);
        else
            WriteFloat(w, (double)v);
    }
}
