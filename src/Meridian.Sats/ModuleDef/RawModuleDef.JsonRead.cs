using System.Globalization;
using System.Text.Json;
using Meridian.Sats.Json;
using Meridian.Sats.Types;

namespace Meridian.Sats.ModuleDef;

public sealed partial record RawModuleDefV10
{
    /// <summary>
    /// Reads the typed SATS-JSON that <see cref="RawModuleDef.ToJson"/> writes and <c>/schema?version=10</c> serves:
    /// <c>{"V10": {"sections": [...]}}</c> or the bare <c>{"sections": [...]}</c>. Sections a reader of the schema does
    /// not need (row-level security, HTTP handlers and routes, submodules) are skipped.
    /// </summary>
    /// <exception cref="ModuleDefJsonException">The text is not a V10 module definition; the message names the JSON path.</exception>
    public static RawModuleDefV10 ParseJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 512 });
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("V10", out var v10))
                return RawModuleDefJsonReader.ReadV10(v10, "$.V10");
            if (root.ValueKind == JsonValueKind.Object && (root.TryGetProperty("V9", out _) || root.TryGetProperty("V8BackCompat", out _)))
                throw new ModuleDefJsonException(
                    "This is a V8 or V9 module definition; only V10 (what SpacetimeDB 2 and Meridian modules produce) is read.");
            return RawModuleDefJsonReader.ReadV10(root, "$");
        }
        catch (JsonException e)
        {
            throw new ModuleDefJsonException($"The module definition is not valid JSON: {e.Message}", e);
        }
        catch (SatsJsonException e)
        {
            throw new ModuleDefJsonException($"The module definition has an invalid type: {e.Message}", e);
        }
    }
}

/// <summary>A module definition's JSON that does not read; the message names the JSON path and what was expected.</summary>
public sealed class ModuleDefJsonException : FormatException
{
    /// <summary>Creates the error.</summary>
    public ModuleDefJsonException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with an inner cause.</summary>
    public ModuleDefJsonException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

internal static class RawModuleDefJsonReader
{
    internal static RawModuleDefV10 ReadV10(JsonElement json, string path)
    {
        var sections = new List<RawModuleDefV10Section>();
        var list = Field(json, "sections", path);
        if (list.ValueKind != JsonValueKind.Array)
            throw Expected(path + ".sections", "an array of sections");
        var i = 0;
        foreach (var section in list.EnumerateArray())
        {
            var at = $"{path}.sections[{i++}]";
            var (tag, payload) = Variant(section, at);
            at += "." + tag;
            RawModuleDefV10Section? read = tag switch
            {
                "Typespace" => new RawModuleDefV10Section.TypespaceSection(SatsJson.ReadTypespace(payload)),
                "Types" => new RawModuleDefV10Section.TypesSection(Array(payload, at, ReadTypeDef)),
                "Tables" => new RawModuleDefV10Section.TablesSection(Array(payload, at, ReadTable)),
                "Reducers" => new RawModuleDefV10Section.ReducersSection(Array(payload, at, (r, p) => new RawReducerDefV10(
                    String(r, "source_name", p),
                    SatsJson.ReadProductType(Field(r, "params", p)),
                    Enum<FunctionVisibility>(Field(r, "visibility", p), p + ".visibility"),
                    SatsJson.ReadType(Field(r, "ok_return_type", p)),
                    SatsJson.ReadType(Field(r, "err_return_type", p))))),
                "Procedures" => new RawModuleDefV10Section.ProceduresSection(Array(payload, at, (r, p) => new RawProcedureDefV10(
                    String(r, "source_name", p),
                    SatsJson.ReadProductType(Field(r, "params", p)),
                    SatsJson.ReadType(Field(r, "return_type", p)),
                    Enum<FunctionVisibility>(Field(r, "visibility", p), p + ".visibility")))),
                "Views" => new RawModuleDefV10Section.ViewsSection(Array(payload, at, (r, p) => new RawViewDefV10(
                    String(r, "source_name", p),
                    UInt(r, "index", p),
                    Bool(r, "is_public", p),
                    Bool(r, "is_anonymous", p),
                    SatsJson.ReadProductType(Field(r, "params", p)),
                    SatsJson.ReadType(Field(r, "return_type", p))))),
                "Schedules" => new RawModuleDefV10Section.SchedulesSection(Array(payload, at, (r, p) => new RawScheduleDefV10(
                    SatsJson.ReadOptionalString(Field(r, "source_name", p), p + ".source_name"),
                    String(r, "table_name", p),
                    (ushort)UInt(r, "schedule_at_col", p),
                    String(r, "function_name", p)))),
                "LifeCycleReducers" => new RawModuleDefV10Section.LifeCycleReducersSection(Array(payload, at, (r, p) => new RawLifeCycleReducerDefV10(
                    Enum<Lifecycle>(Field(r, "lifecycle_spec", p), p + ".lifecycle_spec"),
                    String(r, "function_name", p)))),
                "CaseConversionPolicy" => new RawModuleDefV10Section.CaseConversionPolicySection(Enum<CaseConversionPolicy>(payload, at)),
                "ExplicitNames" => new RawModuleDefV10Section.ExplicitNamesSection(Array(Field(payload, "entries", at), at + ".entries", (e, p) =>
                {
                    var (kind, mapping) = Variant(e, p);
                    return new ExplicitNameEntry(
                        ParseEnum<ExplicitNameKind>(kind, p),
                        String(mapping, "source_name", p + "." + kind),
                        String(mapping, "canonical_name", p + "." + kind));
                })),
                "ViewPrimaryKeys" => new RawModuleDefV10Section.ViewPrimaryKeysSection(Array(payload, at, (r, p) => new RawViewPrimaryKeyDefV10(
                    String(r, "view_source_name", p),
                    Array(Field(r, "columns", p), p + ".columns", StringItem)))),
                _ => null,
            };
            if (read is not null)
                sections.Add(read);
        }
        return new RawModuleDefV10(sections);
    }

    private static RawTypeDefV10 ReadTypeDef(JsonElement t, string path)
    {
        var name = Field(t, "source_name", path);
        var scope = Array(Field(name, "scope", path + ".source_name"), path + ".source_name.scope", StringItem);
        return new RawTypeDefV10(
            new RawScopedTypeNameV10(scope, String(name, "source_name", path + ".source_name")),
            UInt(t, "ty", path),
            Bool(t, "custom_ordering", path));
    }

    private static RawTableDefV10 ReadTable(JsonElement t, string path) => new(
        String(t, "source_name", path),
        UInt(t, "product_type_ref", path),
        Columns(Field(t, "primary_key", path), path + ".primary_key"),
        Array(Field(t, "indexes", path), path + ".indexes", (i, p) =>
        {
            var (kind, columns) = Variant(Field(i, "algorithm", p), p + ".algorithm");
            var algorithm = kind switch
            {
                "BTree" => new RawIndexAlgorithm(RawIndexAlgorithmKind.BTree, Columns(columns, p + ".algorithm.BTree")),
                "Hash" => new RawIndexAlgorithm(RawIndexAlgorithmKind.Hash, Columns(columns, p + ".algorithm.Hash")),
                "Direct" => new RawIndexAlgorithm(RawIndexAlgorithmKind.Direct, [ColumnId(columns, p + ".algorithm.Direct")]),
                _ => throw Expected(p + ".algorithm", "BTree, Hash or Direct"),
            };
            return new RawIndexDefV10(
                SatsJson.ReadOptionalString(Field(i, "source_name", p), p + ".source_name"),
                SatsJson.ReadOptionalString(Field(i, "accessor_name", p), p + ".accessor_name"),
                algorithm);
        }),
        Array(Field(t, "constraints", path), path + ".constraints", (c, p) =>
        {
            var (kind, data) = Variant(Field(c, "data", p), p + ".data");
            if (kind != "Unique")
                throw Expected(p + ".data", "a Unique constraint");
            return new RawConstraintDefV10(
                SatsJson.ReadOptionalString(Field(c, "source_name", p), p + ".source_name"),
                Columns(Field(data, "columns", p + ".data.Unique"), p + ".data.Unique.columns"));
        }),
        Array(Field(t, "sequences", path), path + ".sequences", (s, p) => new RawSequenceDefV10(
            SatsJson.ReadOptionalString(Field(s, "source_name", p), p + ".source_name"),
            ColumnId(Field(s, "column", p), p + ".column"),
            OptionalInt(Field(s, "start", p), p + ".start"),
            OptionalInt(Field(s, "min_value", p), p + ".min_value"),
            OptionalInt(Field(s, "max_value", p), p + ".max_value"),
            Int(Field(s, "increment", p), p + ".increment"))),
        Enum<TableType>(Field(t, "table_type", path), path + ".table_type"),
        Enum<TableAccess>(Field(t, "table_access", path), path + ".table_access"),
        t.TryGetProperty("default_values", out var defaults)
            ? Array(defaults, path + ".default_values", (d, p) => new RawColumnDefaultValueV10(
                ColumnId(Field(d, "col_id", p), p + ".col_id"), Hex(String(d, "value", p), p + ".value")))
            : [],
        t.TryGetProperty("is_event", out var isEvent) && isEvent.ValueKind == JsonValueKind.True);

    private static (string Tag, JsonElement Payload) Variant(JsonElement json, string path)
    {
        if (json.ValueKind == JsonValueKind.Object)
        {
            using var e = json.EnumerateObject();
            if (e.MoveNext())
            {
                var first = e.Current;
                if (!e.MoveNext())
                    return (first.Name, first.Value);
            }
        }
        throw Expected(path, "an object with exactly one property (a sum variant)");
    }

    private static T Enum<T>(JsonElement json, string path)
        where T : struct, Enum => ParseEnum<T>(Variant(json, path).Tag, path);

    private static T ParseEnum<T>(string name, string path)
        where T : struct, Enum =>
        System.Enum.TryParse<T>(name, ignoreCase: false, out var value) && Defined(value)
            ? value
            : throw Expected(path, $"one of {string.Join(", ", Names<T>())}, not '{name}'");

#if NET
    private static bool Defined<T>(T value)
        where T : struct, Enum => System.Enum.IsDefined(value);

    private static string[] Names<T>()
        where T : struct, Enum => System.Enum.GetNames<T>();
#else
    private static bool Defined<T>(T value)
        where T : struct, Enum => System.Enum.IsDefined(typeof(T), value);

    private static string[] Names<T>()
        where T : struct, Enum => System.Enum.GetNames(typeof(T));
#endif

    private static List<T> Array<T>(JsonElement json, string path, Func<JsonElement, string, T> read)
    {
        if (json.ValueKind != JsonValueKind.Array)
            throw Expected(path, "an array");
        var list = new List<T>();
        var i = 0;
        foreach (var item in json.EnumerateArray())
            list.Add(read(item, $"{path}[{i++}]"));
        return list;
    }

    private static string StringItem(JsonElement json, string path) =>
        json.ValueKind == JsonValueKind.String ? json.GetString()! : throw Expected(path, "a string");

    private static List<ushort> Columns(JsonElement json, string path) => Array(json, path, ColumnId);

    private static ushort ColumnId(JsonElement json, string path) =>
        json.ValueKind == JsonValueKind.Number && json.TryGetUInt16(out var v) ? v : throw Expected(path, "a column number");

    private static Int128? OptionalInt(JsonElement json, string path)
    {
        var (tag, payload) = Variant(json, path);
        return tag switch
        {
            "some" => Int(payload, path + ".some"),
            "none" => null,
            _ => throw Expected(path, "{\"some\": n} or {\"none\": []}"),
        };
    }

    private static Int128 Int(JsonElement json, string path) =>
        json.ValueKind == JsonValueKind.Number && Int128.TryParse(json.GetRawText(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw Expected(path, "an integer");

    private static JsonElement Field(JsonElement json, string name, string path) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var v) ? v : throw Expected($"{path}.{name}", "a value (it is missing)");

    private static string String(JsonElement json, string name, string path)
    {
        var v = Field(json, name, path);
        return v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Expected($"{path}.{name}", "a string");
    }

    private static uint UInt(JsonElement json, string name, string path)
    {
        var v = Field(json, name, path);
        return v.ValueKind == JsonValueKind.Number && v.TryGetUInt32(out var n) ? n : throw Expected($"{path}.{name}", "a non-negative integer");
    }

    private static bool Bool(JsonElement json, string name, string path)
    {
        var v = Field(json, name, path);
        return v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw Expected($"{path}.{name}", "true or false");
    }

    private static byte[] Hex(string text, string path)
    {
        if (text.Length % 2 != 0)
            throw Expected(path, "hexadecimal bytes");
        var bytes = new byte[text.Length / 2];
        for (var i = 0; i < bytes.Length; i++)
        {
            if (!byte.TryParse(text.AsSpan(2 * i, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bytes[i]))
                throw Expected(path, "hexadecimal bytes");
        }
        return bytes;
    }

    private static ModuleDefJsonException Expected(string path, string what) => new($"The module definition at {path} should be {what}.");
}
