using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Meridian.Sats.Numerics;
using Meridian.Sats.Types;
using Meridian.Sats.Values;

namespace Meridian.Sats.Json;

public static partial class SatsJson
{
    /// <summary>Parses JSON text as a value of <paramref name="type"/>, accepting both forms.</summary>
    public static AlgebraicValue ParseValue(string json, AlgebraicType type, Typespace? typespace = null)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = AlgebraicValue.MaxDepth });
        }
        catch (JsonException e)
        {
            throw new SatsJsonException($"Invalid JSON: {e.Message}", e);
        }
        using (doc)
            return ReadValue(doc.RootElement, type, typespace);
    }

    /// <summary>
    /// Reads a value of <paramref name="type"/>, leniently: a product may be an array or an object,
    /// a sum <c>[tag, v]</c>, <c>{"name": v}</c> or <c>{"index": v}</c>, a special product its bare
    /// inner value (an Identity as <c>"hex"</c> or <c>"0xhex"</c>), big integers numbers or strings.
    /// </summary>
    public static AlgebraicValue ReadValue(JsonElement json, AlgebraicType type, Typespace? typespace = null) =>
        Read(json, type, typespace ?? Typespace.Empty, "$", 0);

    private static AlgebraicValue Read(JsonElement json, AlgebraicType type, Typespace ts, string path, int depth)
    {
        if (depth > AlgebraicValue.MaxDepth)
            throw new SatsJsonException($"{path}: nested deeper than {AlgebraicValue.MaxDepth} levels.");
        type = ts.Resolve(type);
        switch (type.Tag)
        {
            case AlgebraicTypeTag.Bool:
                return json.ValueKind switch
                {
                    JsonValueKind.True => AlgebraicValue.Bool(true),
                    JsonValueKind.False => AlgebraicValue.Bool(false),
                    _ => throw Expected(path, "a bool", json),
                };
            case AlgebraicTypeTag.I8: return AlgebraicValue.I8((sbyte)ReadInteger(json, path, "i8", sbyte.MinValue, sbyte.MaxValue));
            case AlgebraicTypeTag.U8: return AlgebraicValue.U8((byte)ReadInteger(json, path, "u8", byte.MinValue, byte.MaxValue));
            case AlgebraicTypeTag.I16: return AlgebraicValue.I16((short)ReadInteger(json, path, "i16", short.MinValue, short.MaxValue));
            case AlgebraicTypeTag.U16: return AlgebraicValue.U16((ushort)ReadInteger(json, path, "u16", ushort.MinValue, ushort.MaxValue));
            case AlgebraicTypeTag.I32: return AlgebraicValue.I32((int)ReadInteger(json, path, "i32", int.MinValue, int.MaxValue));
            case AlgebraicTypeTag.U32: return AlgebraicValue.U32((uint)ReadInteger(json, path, "u32", uint.MinValue, uint.MaxValue));
            case AlgebraicTypeTag.I64: return AlgebraicValue.I64((long)ReadInteger(json, path, "i64", long.MinValue, long.MaxValue));
            case AlgebraicTypeTag.U64: return AlgebraicValue.U64((ulong)ReadInteger(json, path, "u64", ulong.MinValue, ulong.MaxValue));
            case AlgebraicTypeTag.I128: return AlgebraicValue.I128(
                (Int128)ReadInteger(json, path, "i128", (BigInteger)Int128.MinValue, (BigInteger)Int128.MaxValue));
            case AlgebraicTypeTag.U128: return AlgebraicValue.U128((UInt128)ReadInteger(json, path, "u128", BigInteger.Zero, (BigInteger)UInt128.MaxValue));
            case AlgebraicTypeTag.I256: return AlgebraicValue.I256(
                Int256.FromBigInteger(ReadInteger(json, path, "i256", Int256.MinValue.ToBigInteger(), Int256.MaxValue.ToBigInteger())));
            case AlgebraicTypeTag.U256: return AlgebraicValue.U256(
                UInt256.FromBigInteger(ReadInteger(json, path, "u256", BigInteger.Zero, UInt256.MaxValue.ToBigInteger())));
            case AlgebraicTypeTag.F32: return AlgebraicValue.F32(
                json.ValueKind == JsonValueKind.Number && json.TryGetSingle(out var f) ? f : (float)ReadFloat(json, path, "f32"));
            case AlgebraicTypeTag.F64: return AlgebraicValue.F64(ReadFloat(json, path, "f64"));
            case AlgebraicTypeTag.String:
                return json.ValueKind == JsonValueKind.String ? AlgebraicValue.String(json.GetString()!) : throw Expected(path, "a string", json);
            case AlgebraicTypeTag.Array:
                return ReadArray(json, ts.Resolve(((ArrayType)type).ElementType), ts, path, depth);
            case AlgebraicTypeTag.Product:
                return ReadProduct(json, (ProductType)type, ts, path, depth);
            case AlgebraicTypeTag.Sum:
                return ReadSum(json, (SumType)type, ts, path, depth);
            default:
                throw new SatsJsonException($"{path}: cannot read a value of type {type}.");
        }
    }

    private static ArrayValue ReadArray(JsonElement json, AlgebraicType elementType, Typespace ts, string path, int depth)
    {
        if (elementType.Tag == AlgebraicTypeTag.U8 && json.ValueKind == JsonValueKind.String)
        {
            var hex = json.GetString()!;
            if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
                hex = hex[2..];
            try
            {
                return AlgebraicValue.Bytes(Convert.FromHexString(hex));
            }
            catch (FormatException)
            {
                throw new SatsJsonException($"{path}: expected hex digits for a byte array, got \"{Truncate(json.GetString()!)}\".");
            }
        }
        if (json.ValueKind != JsonValueKind.Array)
            throw Expected(path, "an array", json);
        var items = new AlgebraicValue[json.GetArrayLength()];
        var i = 0;
        foreach (var e in json.EnumerateArray())
        {
            items[i] = Read(e, elementType, ts, $"{path}[{i}]", depth + 1);
            i++;
        }
        return AlgebraicValue.Array(items);
    }

    private static ProductValue ReadProduct(JsonElement json, ProductType type, Typespace ts, string path, int depth)
    {
        var elements = type.Elements;
        if (type.IsSpecialProduct && json.ValueKind is not JsonValueKind.Array and not JsonValueKind.Object)
            return AlgebraicValue.Product(ReadSpecialInner(json, type, path));
        if (elements.Count == 0 && json.ValueKind == JsonValueKind.Null)
            return AlgebraicValue.Unit;
        if (json.ValueKind == JsonValueKind.Array)
        {
            var n = json.GetArrayLength();
            if (n != elements.Count)
                throw new SatsJsonException($"{path}: expected {elements.Count} element(s) for {Describe(type)}, got an array of {n}.");
            var items = new AlgebraicValue[n];
            var i = 0;
            foreach (var e in json.EnumerateArray())
            {
                items[i] = Read(e, elements[i].Type, ts, $"{path}[{i}]", depth + 1);
                i++;
            }
            return AlgebraicValue.Product(items);
        }
        if (json.ValueKind == JsonValueKind.Object)
        {
            var items = new AlgebraicValue?[elements.Count];
            foreach (var prop in json.EnumerateObject())
            {
                var index = type.IndexOf(prop.Name);
                if (index < 0
                    && int.TryParse(prop.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var position)
                    && position < elements.Count
                    && elements[position].Name is null)
                    index = position;
                if (index < 0)
                    throw new SatsJsonException($"{path}: unknown field \"{Truncate(prop.Name)}\" for {Describe(type)}.");
                if (items[index] is not null)
                    throw new SatsJsonException($"{path}: field \"{prop.Name}\" given twice.");
                items[index] = Read(prop.Value, elements[index].Type, ts, $"{path}.{prop.Name}", depth + 1);
            }
            for (var i = 0; i < items.Length; i++)
            {
                if (items[i] is null)
                    throw new SatsJsonException(
                        $"{path}: missing field \"{elements[i].Name ?? i.ToString(CultureInfo.InvariantCulture)}\" for {Describe(type)}.");
            }
            return AlgebraicValue.Product(items!);
        }
        throw Expected(path, "an array or object for " + Describe(type), json);
    }

    private static AlgebraicValue ReadSpecialInner(JsonElement json, ProductType type, string path)
    {
        var kind = type.SpecialKind;
        if (json.ValueKind == JsonValueKind.String)
        {
            var text = json.GetString()!;
            switch (kind)
            {
                case SpecialTypeKind.Identity when Identity.TryParse(text, out var id):
                    return AlgebraicValue.U256(id.Value);
                case SpecialTypeKind.ConnectionId when ConnectionId.TryParse(text, out var cid):
                    return AlgebraicValue.U128(cid.Value);
                case SpecialTypeKind.Uuid when Uuid.TryParse(text, out var uuid):
                    return AlgebraicValue.U128(uuid.Value);
                case SpecialTypeKind.Timestamp when !IsIntegerText(text) && Timestamp.TryParse(text, out var ts):
                    return AlgebraicValue.I64(ts.MicrosecondsSinceUnixEpoch);
            }
        }
        var element = type.Elements[0];
        return Read(json, element.Type, Typespace.Empty, path, 1);
    }

    private static bool IsIntegerText(string s) => s.Length > 0 && (char.IsAsciiDigit(s[0]) || s[0] == '-') && s.Skip(1).All(char.IsAsciiDigit);

    private static SumValue ReadSum(JsonElement json, SumType type, Typespace ts, string path, int depth)
    {
        int tag;
        JsonElement payload;
        var hasPayload = true;
        switch (json.ValueKind)
        {
            case JsonValueKind.Array:
            {
                if (json.GetArrayLength() is not (1 or 2) || json[0].ValueKind != JsonValueKind.Number || !json[0].TryGetInt32(out tag))
                    throw new SatsJsonException($"{path}: expected [tag, value] for {Describe(type)}.");
                hasPayload = json.GetArrayLength() == 2;
                payload = hasPayload ? json[1] : default;
                break;
            }
            case JsonValueKind.Object:
            {
                var props = json.EnumerateObject().ToList();
                if (props.Count != 1)
                    throw new SatsJsonException($"{path}: expected an object with exactly one variant for {Describe(type)}, got {props.Count} properties.");
                tag = VariantIndex(type, props[0].Name, path);
                payload = props[0].Value;
                break;
            }
            case JsonValueKind.String when type.IsSimpleEnum:
                tag = VariantIndex(type, json.GetString()!, path);
                payload = default;
                hasPayload = false;
                break;
            case JsonValueKind.Null when type.SpecialKind == SpecialTypeKind.Option:
                return AlgebraicValue.OptionNone;
            default:
                throw Expected(path, "[tag, value] or {\"variant\": value} for " + Describe(type), json);
        }
        if (tag < 0 || tag >= type.Variants.Count)
            throw new SatsJsonException($"{path}: variant tag {tag} is out of range for {Describe(type)}.");
        var variant = type.Variants[tag];
        var variantPath = $"{path}.{variant.Name ?? tag.ToString(CultureInfo.InvariantCulture)}";
        AlgebraicValue value;
        if (!hasPayload)
        {
            if (ts.Resolve(variant.Type) is not ProductType { Elements.Count: 0 })
                throw new SatsJsonException($"{variantPath}: variant needs a value.");
            value = AlgebraicValue.Unit;
        }
        else
        {
            value = Read(payload, variant.Type, ts, variantPath, depth + 1);
        }
        return AlgebraicValue.Sum((byte)tag, value);
    }

    private static int VariantIndex(SumType type, string name, string path)
    {
        var index = type.IndexOf(name);
        if (index >= 0)
            return index;
        if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var position) && position < type.Variants.Count)
            return position;
        throw new SatsJsonException($"{path}: unknown variant \"{Truncate(name)}\" for {Describe(type)}.");
    }

    private static BigInteger ReadInteger(JsonElement json, string path, string typeName, BigInteger min, BigInteger max)
    {
        BigInteger value;
        if (json.ValueKind == JsonValueKind.Number)
        {
            var raw = json.GetRawText();
            if (!BigInteger.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
            {
                // Accept integral numbers written with an exponent or fraction, e.g. 1e3 or 5.0.
                if (!decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || d != decimal.Truncate(d))
                    throw new SatsJsonException($"{path}: expected an integer ({typeName}), got {Truncate(raw)}.");
                value = new BigInteger(d);
            }
        }
        else if (json.ValueKind == JsonValueKind.String)
        {
            var text = json.GetString()!.Trim();
            var negative = text.StartsWith('-');
            var digits = negative ? text[1..] : text;
            bool ok;
            value = default;
            if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            {
                ok = digits.Length > 2 && BigInteger.TryParse("0" + digits[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
                if (negative)
                    value = -value;
            }
            else
            {
                ok = BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
            }
            if (!ok)
                throw new SatsJsonException($"{path}: expected an integer ({typeName}), got \"{Truncate(text)}\".");
        }
        else
        {
            throw Expected(path, $"an integer ({typeName})", json);
        }
        if (value < min || value > max)
            throw new SatsJsonException($"{path}: {value} is out of range for {typeName}.");
        return value;
    }

    private static double ReadFloat(JsonElement json, string path, string typeName)
    {
        if (json.ValueKind == JsonValueKind.Number)
            return json.GetDouble();
        if (json.ValueKind == JsonValueKind.String)
        {
            var s = json.GetString()!;
            switch (s)
            {
                case "NaN": return double.NaN;
                case "Infinity" or "inf": return double.PositiveInfinity;
                case "-Infinity" or "-inf": return double.NegativeInfinity;
            }
            if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                return d;
        }
        throw Expected(path, $"a number ({typeName})", json);
    }

    private static SatsJsonException Expected(string path, string what, JsonElement got) =>
        new($"{path}: expected {what}, got {Describe(got)}.");

    private static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{Truncate(e.GetString()!)}\"",
        JsonValueKind.Number => $"the number {Truncate(e.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => e.GetRawText(),
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string Describe(AlgebraicType type)
    {
        var text = type.ToString() ?? "";
        return text.Length > 120 ? text[..117] + "..." : text;
    }

    private static string Truncate(string s) => s.Length > 60 ? s[..57] + "..." : s;
}
