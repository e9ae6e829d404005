using System.Text.Json;
using Meridian.Runtime.Modules;
using Meridian.Sats.Json;
using Meridian.Sats.ModuleDef;

namespace Meridian.Server.Http;

/// <summary>
/// <c>/schema?version=9</c>: the validated module as typed SATS-JSON of <c>RawModuleDefV9</c>
/// (protocol.md §9.5), the older form <c>spacetime describe</c> falls back to. Every name is the
/// canonical one, and index, constraint, sequence and schedule names are spelled out, as upstream
/// derives V9 from its validated definition.
/// </summary>
internal static class SchemaV9
{
    public static void Write(Utf8JsonWriter w, ModuleSchema schema)
    {
        var canonical = schema.Canonical;
        var rawTables = canonical.Tables ?? [];
        w.WriteStartObject();
        w.WritePropertyName("typespace");
        SatsJson.WriteTypespace(w, schema.Typespace);

        w.WriteStartArray("tables");
        for (var i = 0; i < schema.Tables.Count && i < rawTables.Count; i++)
            WriteTable(w, schema, schema.Tables[i], rawTables[i]);
        w.WriteEndArray();

        w.WriteStartArray("reducers");
        foreach (var r in schema.Reducers)
        {
            w.WriteStartObject();
            w.WriteString("name", r.Name);
            w.WritePropertyName("params");
            SatsJson.WriteProductType(w, r.Params);
            w.WriteStartObject("lifecycle");
            if (r.Lifecycle is { } lifecycle)
            {
                w.WriteStartObject("some");
                Unit(w, lifecycle.ToString());
                w.WriteEndObject();
            }
            else
            {
                Unit(w, "none");
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("types");
        foreach (var t in canonical.Types ?? [])
        {
            w.WriteStartObject();
            w.WriteStartObject("name");
            w.WriteStartArray("scope");
            foreach (var part in t.SourceName.Scope)
                w.WriteStringValue(part);
            w.WriteEndArray();
            w.WriteString("name", CanonicalNames.ConvertTypeName(t.SourceName.SourceName, canonical.CaseConversionPolicy));
            w.WriteEndObject();
            w.WriteNumber("ty", t.Ty);
            w.WriteBoolean("custom_ordering", t.CustomOrdering);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("misc_exports");
        foreach (var p in schema.Procedures)
        {
            w.WriteStartObject();
            w.WriteStartObject("Procedure");
            w.WriteString("name", p.Name);
            w.WritePropertyName("params");
            SatsJson.WriteProductType(w, p.Params);
            w.WritePropertyName("return_type");
            SatsJson.WriteType(w, p.ReturnType);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        var rawViews = canonical.Views ?? [];
        for (var i = 0; i < rawViews.Count; i++)
        {
            var v = rawViews[i];
            w.WriteStartObject();
            w.WriteStartObject("View");
            w.WriteString("name", i < schema.Views.Count ? schema.Views[i].Name : v.SourceName);
            w.WriteNumber("index", v.Index);
            w.WriteBoolean("is_public", v.IsPublic);
            w.WriteBoolean("is_anonymous", v.IsAnonymous);
            w.WritePropertyName("params");
            SatsJson.WriteProductType(w, v.Params);
            w.WritePropertyName("return_type");
            SatsJson.WriteType(w, v.ReturnType);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("row_level_security");
        foreach (var f in canonical.RowLevelSecurity ?? [])
        {
            w.WriteStartObject();
            w.WriteString("sql", f.Sql);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteTable(Utf8JsonWriter w, ModuleSchema schema, ModuleTable table, RawTableDefV10 raw)
    {
        w.WriteStartObject();
        w.WriteString("name", table.Name);
        w.WriteNumber("product_type_ref", raw.ProductTypeRef);
        ModuleDefJsonParts.WriteColumns(w, "primary_key", raw.PrimaryKey);

        w.WriteStartArray("indexes");
        for (var j = 0; j < raw.Indexes.Count; j++)
        {
            var index = raw.Indexes[j];
            w.WriteStartObject();
            w.WritePropertyName("name");
            SatsJson.WriteOptionalString(w, table.IndexName(j) ?? index.SourceName);
            w.WritePropertyName("accessor_name");
            SatsJson.WriteOptionalString(w, index.AccessorName ?? index.SourceName);
            ModuleDefJsonParts.WriteIndexAlgorithm(w, index.Algorithm);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("constraints");
        foreach (var c in raw.Constraints)
        {
            var name = table.UniqueConstraintName(c.UniqueColumns.Select(x => (int)x).ToArray());
            w.WriteStartObject();
            w.WritePropertyName("name");
            SatsJson.WriteOptionalString(w, name);
            ModuleDefJsonParts.WriteUniqueConstraintData(w, c.UniqueColumns);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("sequences");
        foreach (var s in raw.Sequences)
        {
            var name = table.SequenceName(s.Column);
            w.WriteStartObject();
            w.WritePropertyName("name");
            SatsJson.WriteOptionalString(w, name);
            ModuleDefJsonParts.WriteSequenceFields(w, s);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartObject("schedule");
        if (schema.Schedules.FirstOrDefault(s => s.Table == table) is { } schedule)
        {
            w.WriteStartObject("some");
            w.WritePropertyName("name");
            SatsJson.WriteOptionalString(w, CanonicalNames.ScheduleName(table.Name));
            w.WriteString("reducer_name", schedule.FunctionName);
            w.WriteNumber("scheduled_at_column", schedule.ScheduleAtColumn);
            w.WriteEndObject();
        }
        else
        {
            Unit(w, "none");
        }
        w.WriteEndObject();

        ModuleDefJsonParts.WriteUnitVariant(w, "table_type", raw.TableType.ToString());
        ModuleDefJsonParts.WriteUnitVariant(w, "table_access", raw.TableAccess.ToString());
        w.WriteEndObject();
    }

    private static void Unit(Utf8JsonWriter w, string variant)
    {
        w.WriteStartArray(variant);
        w.WriteEndArray();
    }
}
