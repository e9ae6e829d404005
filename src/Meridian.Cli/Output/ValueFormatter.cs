using System.Globalization;
using System.Text;
using System.Text.Json;
using Meridian.Sats;
using Meridian.Sats.Types;
using Meridian.Sats.Values;

namespace Meridian.Cli.Output;

/// <summary>
/// Renders SQL result values compactly for a table cell: strings unquoted, identities and
/// connection ids as bare hex, timestamps in ISO-8601, an option's value or <c>null</c>,
/// simple enums by variant name. Inside arrays and structs strings are quoted, so
/// <c>["a, b"]</c> stays readable.
/// </summary>
internal static class ValueFormatter
{
    /// <summary>A cell for <paramref name="value"/> of <paramref name="type"/>.</summary>
    public static string Format(AlgebraicValue value, AlgebraicType type)
    {
        var text = new StringBuilder();
        Append(text, value, type, topLevel: true);
        return text.ToString();
    }

    /// <summary>A cell for a value whose type is unknown: the JSON, with top-level strings unquoted.</summary>
    public static string FormatJson(JsonElement json) =>
        json.ValueKind == JsonValueKind.String ? json.GetString()! : json.GetRawText();

    private static void Append(StringBuilder text, AlgebraicValue value, AlgebraicType type, bool topLevel)
    {
        switch (type.SpecialKind)
        {
            case SpecialTypeKind.Identity:
                text.Append(new Identity(value.AsProduct()[0].AsU256()).ToHexString());
                return;
            case SpecialTypeKind.ConnectionId:
                text.Append(new ConnectionId(value.AsProduct()[0].AsU128()).ToHexString());
                return;
            case SpecialTypeKind.Timestamp:
                text.Append(Times.FromUnixMicros(value.AsProduct()[0].AsI64()));
                return;
            case SpecialTypeKind.TimeDuration:
                text.Append(new TimeDuration(value.AsProduct()[0].AsI64()).ToString());
                return;
            case SpecialTypeKind.Uuid:
                text.Append(new Uuid(value.AsProduct()[0].AsU128()).ToString());
                return;
            case SpecialTypeKind.Option:
            {
                var option = value.AsSum();
                if (option.Tag == 0)
                    Append(text, option.Payload, ((SumType)type).Variants[0].Type, topLevel);
                else
                    text.Append("null");
                return;
            }
        }

        switch (type)
        {
            case PrimitiveType when value is StringValue s:
                if (topLevel)
                    text.Append(s.Value);
                else
                    text.Append(JsonSerializer.Serialize(s.Value));
                return;
            case PrimitiveType:
                AppendPrimitive(text, value);
                return;
            case ArrayType { ElementType.Tag: AlgebraicTypeTag.U8 }:
                text.Append("0x").Append(Convert.ToHexStringLower(value.AsArray().ToByteArray()));
                return;
            case ArrayType array:
            {
                text.Append('[');
                var elements = value.AsArray().Elements;
                for (var i = 0; i < elements.Count; i++)
                {
                    if (i > 0)
                        text.Append(", ");
                    Append(text, elements[i], array.ElementType, topLevel: false);
                }
                text.Append(']');
                return;
            }
            case ProductType product:
            {
                var elements = value.AsProduct().Elements;
                text.Append('(');
                for (var i = 0; i < elements.Count; i++)
                {
                    if (i > 0)
                        text.Append(", ");
                    var name = product.Elements[i].Name;
                    if (name is not null)
                        text.Append(name).Append(" = ");
                    Append(text, elements[i], product.Elements[i].Type, topLevel: false);
                }
                text.Append(')');
                return;
            }
            case SumType sum:
            {
                var sumValue = value.AsSum();
                var variant = sum.Variants[sumValue.Tag];
                text.Append(variant.Name ?? sumValue.Tag.ToString(CultureInfo.InvariantCulture));
                if (variant.Type is ProductType { Elements.Count: 0 })
                    return;
                text.Append('(');
                Append(text, sumValue.Payload, variant.Type, topLevel: false);
                text.Append(')');
                return;
            }
            default:
                text.Append(value);
                return;
        }
    }

    private static void AppendPrimitive(StringBuilder text, AlgebraicValue value)
    {
        switch (value)
        {
            case PrimitiveValue<bool> b:
                text.Append(b.Value ? "true" : "false");
                break;
            case PrimitiveValue<float> f:
                text.Append(f.Value.ToString("R", CultureInfo.InvariantCulture));
                break;
            case PrimitiveValue<double> d:
                text.Append(d.Value.ToString("R", CultureInfo.InvariantCulture));
                break;
            default:
                text.Append(CultureInfo.InvariantCulture, $"{value}");
                break;
        }
    }
}
