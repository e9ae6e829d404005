using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Meridian.Sats.Json;

namespace Meridian.Sats.ModuleDef;

// Typed SATS-JSON of module definitions (protocol.md §6.4, §9): what /schema?version=10 serves and
// what `spacetime generate --module-def` reads, e.g. {"V10": {"sections": [{"Typespace": ...}]}}.
public sealed partial record RawModuleDef
{
    /// <summary>The typed SATS-JSON text: <c>{"V10": {...}}</c>.</summary>
    [SuppressMessage("Usage", "CA1507", Justification = "Property names are SATS-JSON wire names; nameof would let a C# rename change the format.")]
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WritePropertyName("V10");
            V10.WriteJson(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }
}

public sealed partial record RawModuleDefV10
{
    /// <summary>Writes the typed SATS-JSON object <c>{"sections": [...]}</c>.</summary>
    [SuppressMessage("Usage", "CA1507", Justification = "Property names are SATS-JSON wire names; nameof would let a C# rename change the format.")]
    public void WriteJson(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteStartArray("sections");
        foreach (var section in Sections)
        {
            w.WriteStartObject();
            switch (section)
            {
                case RawModuleDefV10Section.TypespaceSection s:
                    w.WritePropertyName("Typespace");
                    SatsJson.WriteTypespace(w, s.Typespace);
                    break;
                case RawModuleDefV10Section.TypesSection s:
                    Array(w, "Types", s.Types, t =>
                    {
                        w.WriteStartObject();
                        w.WriteStartObject("source_name");
                        w.WriteStartArray("scope");
                        foreach (var part in t.SourceName.Scope)
                            w.WriteStringValue(part);
                        w.WriteEndArray();
                        w.WriteString("source_name", t.SourceName.SourceName);
                        w.WriteEndObject();
                        w.WriteNumber("ty", t.Ty);
                        w.WriteBoolean("custom_ordering", t.CustomOrdering);
                        w.WriteEndObject();
                    });
                    break;
                case RawModuleDefV10Section.TablesSection s:
                    Array(w, "Tables", s.Tables, t => WriteTable(w, t));
                    break;
                case RawModuleDefV10Section.ReducersSection s:
                    Array(w, "Reducers", s.Reducers, r =>
                    {
                        w.WriteStartObject();
                        w.WriteString("source_name", r.SourceName);
                        w.WritePropertyName("params");
                        SatsJson.WriteProductType(w, r.Params);
                        Unit(w, "visibility", r.Visibility.ToString());
                        w.WritePropertyName("ok_return_type");
                        SatsJson.WriteType(w, r.OkReturnType);
                        w.WritePropertyName("err_return_type");
                        SatsJson.WriteType(w, r.ErrReturnType);
                        w.WriteEndObject();
                    });
                    break;
                case RawModuleDefV10Section.ProceduresSection s:
                    Array(w, "Procedures", s.Procedures, p =>
                    {
                        w.WriteStartObject();
                        w.WriteString("source_name", p.SourceName);
                        w.WritePropertyName("params");
                        SatsJson.WriteProductType(w, p.Params);
                        w.WritePropertyName("return_type");
                        SatsJson.WriteType(w, p.ReturnType);
                        Unit(w, "visibility", p.Visibility.ToString());
                        w.WriteEndObject();
                    });
                    break;
                case RawModuleDefV10Section.ViewsSection s:
                    Array(w, "Views", s.Views, v =>
                    {
                        w.WriteStartObject();
                        w.WriteString("source_name", v.SourceName);
                        w.WriteNumber("index", v.Index);
                        w.WriteBoolean("is_public", v.IsPublic);
                        w.WriteBoolean("is_anonymous", v.IsAnonymous);
                        w.WritePropertyName("params");
                        SatsJson.WriteProductType(w, v.Params);
                        w.WritePropertyName("return_type");
                        SatsJson.WriteType(w, v.ReturnType);
                        w.WriteEndObject();
                    });
                    break;
                case RawModuleDefV10Section.SchedulesSection s:
                    Array(w, "Schedules", s.Schedules, d =>
                    {
                        w.WriteStartObject();
                        OptionalString(w, "source_name", d.SourceName);
                        w.WriteString("table_name", d.TableName);
                        w.WriteNumber("schedule_at_col", d.ScheduleAtCol);
                        w.WriteString("function_name", d.FunctionName);
                        w.WriteEndObject();
                    });
                    break;
                case RawModuleDefV10Section.LifeCycleReducersSection s:
                    Array(w, "LifeCycleReducers", s.LifeCycleReducers, l =>
                    {
                        w.WriteStartObject();
                        Unit(w, "lifecycle_spec", l.LifecycleSpec.ToString());
                        w.WriteString("function_name", l.FunctionName);
                        w.WriteEndObject();
                    });
                    break;
                case RawModuleDefV10Section.RowLevelSecuritySection s:
                    Array(w, "RowLevelSecurity", s.Filters, f =>
                    {
                        w.WriteStartObject();
                        w.WriteString("sql", f.Sql);
                        w.WriteEndObject();
                    });
                    break;
                case RawModuleDefV10Section.CaseConversionPolicySection s:
                    Unit(w, "CaseConversionPolicy", s.Policy.ToString());
                    break;
                case RawModuleDefV10Section.ExplicitNamesSection s:
                    w.WriteStartObject("ExplicitNames");
                    Array(w, "entries", s.Entries, e =>
                    {
                        w.WriteStartObject();
                        w.WriteStartObject(e.Kind.ToString());
                        w.WriteString("source_name", e.SourceName);
                        w.WriteString("canonical_name", e.CanonicalName);
                        w.WriteEndObject();
                        w.WriteEndObject();
                    });
                    w.WriteEndObject();
                    break;
                case RawModuleDefV10Section.HttpHandlersSection s:
                    Array(w, "HttpHandlers", s.Handlers, h =>
                    {
                        w.WriteStartObject();
                        w.WriteString("source_name", h.SourceName);
                        w.WriteEndObject();
                    });
                    break;
                case RawModuleDefV10Section.HttpRoutesSection s:
                    Array(w, "HttpRoutes", s.Routes, r =>
                    {
                        w.WriteStartObject();
                        w.WriteString("handler_function", r.HandlerFunction);
                        w.WriteStartObject("method");
                        if (r.Method is not { } method)
                        {
                            w.WriteStartArray("Any");
                            w.WriteEndArray();
                        }
                        else
                        {
                            w.WriteStartObject("Method");
                            if (method == RawHttpMethod.Extension)
                            {
                                w.WriteString("Extension", r.ExtensionMethod ?? "");
                            }
                            else
                            {
                                w.WriteStartArray(method.ToString());
                                w.WriteEndArray();
                            }
                            w.WriteEndObject();
                        }
                        w.WriteEndObject();
                        w.WriteString("path", r.Path);
                        w.WriteEndObject();
                    });
                    break;
                case RawModuleDefV10Section.ViewPrimaryKeysSection s:
                    Array(w, "ViewPrimaryKeys", s.PrimaryKeys, k =>
                    {
                        w.WriteStartObject();
                        w.WriteString("view_source_name", k.ViewSourceName);
                        w.WriteStartArray("columns");
                        foreach (var c in k.Columns)
                            w.WriteStringValue(c);
                        w.WriteEndArray();
                        w.WriteEndObject();
                    });
                    break;
                case RawModuleDefV10Section.SubmodulesSection s:
                    Array(w, "Submodules", s.Submodules, m =>
                    {
                        w.WriteStartObject();
                        w.WriteString("namespace", m.Namespace);
                        w.WritePropertyName("module");
                        m.Module.WriteJson(w);
                        w.WriteEndObject();
                    });
                    break;
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteTable(Utf8JsonWriter w, RawTableDefV10 t)
    {
        w.WriteStartObject();
        w.WriteString("source_name", t.SourceName);
        w.WriteNumber("product_type_ref", t.ProductTypeRef);
        Columns(w, "primary_key", t.PrimaryKey);
        Array(w, "indexes", t.Indexes, i =>
        {
            w.WriteStartObject();
            OptionalString(w, "source_name", i.SourceName);
            OptionalString(w, "accessor_name", i.AccessorName);
            ModuleDefJsonParts.WriteIndexAlgorithm(w, i.Algorithm);
            w.WriteEndObject();
        });
        Array(w, "constraints", t.Constraints, c =>
        {
            w.WriteStartObject();
            OptionalString(w, "source_name", c.SourceName);
            ModuleDefJsonParts.WriteUniqueConstraintData(w, c.UniqueColumns);
            w.WriteEndObject();
        });
        Array(w, "sequences", t.Sequences, s =>
        {
            w.WriteStartObject();
            OptionalString(w, "source_name", s.SourceName);
            ModuleDefJsonParts.WriteSequenceFields(w, s);
            w.WriteEndObject();
        });
        Unit(w, "table_type", t.TableType.ToString());
        Unit(w, "table_access", t.TableAccess.ToString());
        Array(w, "default_values", t.DefaultValues, d =>
        {
            w.WriteStartObject();
            w.WriteNumber("col_id", d.ColId);
            w.WriteString("value", Convert.ToHexStringLower(d.Value));
            w.WriteEndObject();
        });
        w.WriteBoolean("is_event", t.IsEvent);
        w.WriteEndObject();
    }

    private static void Array<T>(Utf8JsonWriter w, string name, IReadOnlyList<T> items, Action<T> write)
    {
        w.WriteStartArray(name);
        foreach (var item in items)
            write(item);
        w.WriteEndArray();
    }

    private static void Columns(Utf8JsonWriter w, string name, IReadOnlyList<ushort> columns) => ModuleDefJsonParts.WriteColumns(w, name, columns);

    private static void Unit(Utf8JsonWriter w, string name, string variant) => ModuleDefJsonParts.WriteUnitVariant(w, name, variant);

    private static void OptionalString(Utf8JsonWriter w, string name, string? value)
    {
        w.WritePropertyName(name);
        SatsJson.WriteOptionalString(w, value);
    }
}

/// <summary>
/// Pieces of typed SATS-JSON that module definitions of every version spell the same way: the V10 writer above and
/// the server's V9 form (<c>/schema?version=9</c>) both write tables' indexes, constraints and sequences with them.
/// </summary>
public static class ModuleDefJsonParts
{
    /// <summary>A unit variant as property <paramref name="name"/>: <c>"name": {"Variant": []}</c>.</summary>
    public static void WriteUnitVariant(Utf8JsonWriter w, string name, string variant)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteStartObject(name);
        w.WriteStartArray(variant);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Column numbers as property <paramref name="name"/>: <c>"name": [0, 2]</c>.</summary>
    public static void WriteColumns(Utf8JsonWriter w, string name, IReadOnlyList<ushort> columns)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(columns);
        w.WriteStartArray(name);
        foreach (var c in columns)
            w.WriteNumberValue(c);
        w.WriteEndArray();
    }

    /// <summary>An index's <c>"algorithm"</c>: <c>{"BTree": [cols]}</c>, <c>{"Hash": [cols]}</c> or <c>{"Direct": col}</c>.</summary>
    [SuppressMessage("Usage", "CA1507", Justification = "Property names are SATS-JSON wire names.")]
    public static void WriteIndexAlgorithm(Utf8JsonWriter w, RawIndexAlgorithm algorithm)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(algorithm);
        w.WriteStartObject("algorithm");
        if (algorithm.Kind == RawIndexAlgorithmKind.Direct)
            w.WriteNumber("Direct", algorithm.Columns.Count > 0 ? algorithm.Columns[0] : 0);
        else
            WriteColumns(w, algorithm.Kind == RawIndexAlgorithmKind.Hash ? "Hash" : "BTree", algorithm.Columns);
        w.WriteEndObject();
    }

    /// <summary>A unique constraint's <c>"data": {"Unique": {"columns": [...]}}</c>.</summary>
    public static void WriteUniqueConstraintData(Utf8JsonWriter w, IReadOnlyList<ushort> columns)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteStartObject("data");
        w.WriteStartObject("Unique");
        WriteColumns(w, "columns", columns);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>A sequence's fields after its name: <c>column</c>, <c>start</c>, <c>min_value</c>, <c>max_value</c>, <c>increment</c>.</summary>
    public static void WriteSequenceFields(Utf8JsonWriter w, RawSequenceDefV10 sequence)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(sequence);
        w.WriteNumber("column", sequence.Column);
        OptionalInt128(w, "start", sequence.Start);
        OptionalInt128(w, "min_value", sequence.MinValue);
        OptionalInt128(w, "max_value", sequence.MaxValue);
        w.WritePropertyName("increment");
        w.WriteRawValue(sequence.Increment.ToString(CultureInfo.InvariantCulture), skipInputValidation: true);
    }

    private static void OptionalInt128(Utf8JsonWriter w, string name, Int128? value)
    {
        w.WriteStartObject(name);
        if (value is { } v)
        {
            w.WritePropertyName("some");
            w.WriteRawValue(v.ToString(CultureInfo.InvariantCulture), skipInputValidation: true);
        }
        else
        {
            w.WriteStartArray("none");
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }
}
