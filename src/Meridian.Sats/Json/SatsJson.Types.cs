using System.Text;
using System.Text.Json;
using Meridian.Sats.Types;

namespace Meridian.Sats.Json;

// Types in the typed SATS-JSON of the AlgebraicType meta-type, e.g.
// {"Product": {"elements": [{"name": {"some": "x"}, "algebraic_type": {"U32": []}}]}}.
public static partial class SatsJson
{
    /// <summary>Writes a type in typed SATS-JSON.</summary>
    public static void WriteType(Utf8JsonWriter writer, AlgebraicType type)
    {
        writer.WriteStartObject();
        writer.WritePropertyName(type.Tag.ToString());
        switch (type)
        {
            case RefType r:
                writer.WriteNumberValue(r.Index);
                break;
            case ProductType p:
                WriteProductType(writer, p);
                break;
            case SumType s:
                writer.WriteStartObject();
                writer.WritePropertyName("variants");
                writer.WriteStartArray();
                foreach (var v in s.Variants)
                    WriteNamedType(writer, v.Name, v.Type);
                writer.WriteEndArray();
                writer.WriteEndObject();
                break;
            case ArrayType a:
                WriteType(writer, a.ElementType);
                break;
            default:
                writer.WriteStartArray();
                writer.WriteEndArray();
                break;
        }
        writer.WriteEndObject();
    }

    /// <summary>Writes a <c>ProductType</c> (<c>{"elements": [...]}</c>, no AlgebraicType wrapper).</summary>
    public static void WriteProductType(Utf8JsonWriter writer, ProductType type)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("elements");
        writer.WriteStartArray();
        foreach (var e in type.Elements)
            WriteNamedType(writer, e.Name, e.Type);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Writes a typespace as <c>{"types": [...]}</c>.</summary>
    public static void WriteTypespace(Utf8JsonWriter writer, Typespace typespace)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("types");
        writer.WriteStartArray();
        foreach (var t in typespace.Types)
            WriteType(writer, t);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Writes an <c>Option&lt;string&gt;</c> in typed form: <c>{"some": "x"}</c> or <c>{"none": []}</c>.</summary>
    public static void WriteOptionalString(Utf8JsonWriter writer, string? value)
    {
        writer.WriteStartObject();
        if (value is null)
        {
            writer.WritePropertyName("none");
            writer.WriteStartArray();
            writer.WriteEndArray();
        }
        else
        {
            writer.WriteString("some", value);
        }
        writer.WriteEndObject();
    }

    private static void WriteNamedType(Utf8JsonWriter writer, string? name, AlgebraicType type)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("name");
        WriteOptionalString(writer, name);
        writer.WritePropertyName("algebraic_type");
        WriteType(writer, type);
        writer.WriteEndObject();
    }

    /// <summary>The typed SATS-JSON text of a type.</summary>
    public static string TypeToJson(AlgebraicType type)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
            WriteType(writer, type);
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>Parses a type from typed SATS-JSON text.</summary>
    public static AlgebraicType ParseType(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 512 });
        }
        catch (JsonException e)
        {
            throw new SatsJsonException($"Invalid JSON: {e.Message}", e);
        }
        using (doc)
            return ReadType(doc.RootElement);
    }

    /// <summary>Reads a type from typed SATS-JSON (also accepts <c>[tag, payload]</c> sums).</summary>
    public static AlgebraicType ReadType(JsonElement json) => ReadType(json, "$", 0);

    /// <summary>Reads a <c>ProductType</c> (<c>{"elements": [...]}</c>).</summary>
    public static ProductType ReadProductType(JsonElement json) => ReadProductType(json, "$", 0);

    /// <summary>Reads a typespace (<c>{"types": [...]}</c>).</summary>
    public static Typespace ReadTypespace(JsonElement json)
    {
        var types = Field(json, "types", "$");
        if (types.ValueKind != JsonValueKind.Array)
            throw Expected("$.types", "an array of types", types);
        return new Typespace(types.EnumerateArray().Select((t, i) => ReadType(t, $"$.types[{i}]", 0)).ToArray());
    }

    /// <summary>Reads an <c>Option&lt;string&gt;</c>: <c>{"some": "x"}</c>, <c>{"none": []}</c>, <c>[0, "x"]</c>, a bare string or null.</summary>
    public static string? ReadOptionalString(JsonElement json, string path = "$")
    {
        switch (json.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.String:
                return json.GetString();
            case JsonValueKind.Object:
            {
                if (json.TryGetProperty("some", out var some) && some.ValueKind == JsonValueKind.String)
                    return some.GetString();
                if (json.TryGetProperty("none", out _))
                    return null;
                break;
            }
            case JsonValueKind.Array when json.GetArrayLength() >= 1 && json[0].ValueKind == JsonValueKind.Number:
                return json[0].GetInt32() == 0 && json.GetArrayLength() == 2 && json[1].ValueKind == JsonValueKind.String ? json[1].GetString() : null;
        }
        throw Expected(path, "an optional string", json);
    }

    private static AlgebraicType ReadType(JsonElement json, string path, int depth)
    {
        if (depth > AlgebraicType.MaxTypeDepth)
            throw new SatsJsonException($"{path}: type nested deeper than {AlgebraicType.MaxTypeDepth} levels.");
        string name;
        JsonElement payload;
        if (json.ValueKind == JsonValueKind.Object)
        {
            var props = json.EnumerateObject().ToList();
            if (props.Count != 1)
                throw new SatsJsonException($"{path}: a type is an object with exactly one variant such as {{\"U32\": []}}, got {props.Count} properties.");
            name = props[0].Name;
            payload = props[0].Value;
        }
        else if (json.ValueKind == JsonValueKind.Array && json.GetArrayLength() == 2 && json[0].TryGetInt32(out var tagNumber) && tagNumber is >= 0 and < 20)
        {
            name = ((AlgebraicTypeTag)tagNumber).ToString();
            payload = json[1];
        }
        else
        {
            throw Expected(path, "a type such as {\"U32\": []}", json);
        }

        if (!Enum.TryParse<AlgebraicTypeTag>(name, ignoreCase: false, out var tag) || !Enum.IsDefined(tag) || int.TryParse(name, out _))
            throw new SatsJsonException($"{path}: unknown type variant \"{name}\".");
        var inner = $"{path}.{name}";
        switch (tag)
        {
            case AlgebraicTypeTag.Ref:
                if (payload.ValueKind != JsonValueKind.Number || !payload.TryGetUInt32(out var index))
                    throw Expected(inner, "a type index (u32)", payload);
                return new RefType(index);
            case AlgebraicTypeTag.Array:
                return new ArrayType(ReadType(payload, inner, depth + 1));
            case AlgebraicTypeTag.Product:
                return ReadProductType(payload, inner, depth + 1);
            case AlgebraicTypeTag.Sum:
            {
                var variants = Field(payload, "variants", inner);
                if (variants.ValueKind != JsonValueKind.Array)
                    throw Expected(inner + ".variants", "an array", variants);
                var list = variants.EnumerateArray()
                    .Select((v, i) => ReadNamed(v, $"{inner}.variants[{i}]", depth + 1))
                    .Select(v => new SumTypeVariant(v.Name, v.Type))
                    .ToList();
                if (list.Count > 256)
                    throw new SatsJsonException($"{inner}: a sum has at most 256 variants.");
                return new SumType(list);
            }
            default:
                return AlgebraicType.Primitive(tag);
        }
    }

    private static ProductType ReadProductType(JsonElement json, string path, int depth)
    {
        var elements = Field(json, "elements", path);
        if (elements.ValueKind != JsonValueKind.Array)
            throw Expected(path + ".elements", "an array", elements);
        return new ProductType(elements.EnumerateArray()
            .Select((e, i) => ReadNamed(e, $"{path}.elements[{i}]", depth))
            .Select(e => new ProductTypeElement(e.Name, e.Type)));
    }

    private static (string? Name, AlgebraicType Type) ReadNamed(JsonElement json, string path, int depth)
    {
        if (json.ValueKind == JsonValueKind.Array && json.GetArrayLength() == 2)
            return (ReadOptionalString(json[0], path + "[0]"), ReadType(json[1], path + "[1]", depth + 1));
        var name = json.ValueKind == JsonValueKind.Object && json.TryGetProperty("name", out var n) ? ReadOptionalString(n, path + ".name") : null;
        return (name, ReadType(Field(json, "algebraic_type", path), path + ".algebraic_type", depth + 1));
    }

    private static JsonElement Field(JsonElement json, string name, string path)
    {
        if (json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value))
            return value;
        if (json.ValueKind == JsonValueKind.Array && json.GetArrayLength() == 1)
            return json[0];
        throw new SatsJsonException($"{path}: missing \"{name}\".");
    }
}
