using System.CommandLine;
using System.Text.Json;
using Meridian.Cli.Output;
using Meridian.Codegen;
using Meridian.Codegen.Model;
using Meridian.Sats.ModuleDef;
using Meridian.Sats.Types;

namespace Meridian.Cli.Commands;

/// <summary>
/// <c>meridian describe [-s SERVER] [--json] DATABASE [table NAME | reducer NAME]</c>: the module's
/// tables, views, reducers and procedures, read from <c>GET /v1/database/:db/schema?version=10</c>.
/// </summary>
internal static class DescribeCommand
{
    public static Command Create(CliContext context)
    {
        var server = CommonOptions.Server();
        var json = new Option<bool>("--json") { Description = "Print the module definition (or the table's or reducer's part of it) as JSON" };
        var database = CommonOptions.Database();
        var kind = new Argument<string?>("KIND") { Description = "table or reducer: describe one of them", Arity = ArgumentArity.ZeroOrOne };
        kind.AcceptOnlyFromAmong("table", "reducer");
        var name = new Argument<string?>("NAME") { Description = "The table's or reducer's name", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("describe", "Describes a database's module: its tables, views, reducers and procedures")
        {
            server, json, database, kind, name,
        };
        command.SetAction((parse, ct) => context.RunAsync(async token =>
        {
            var db = parse.GetValue(database)!;
            var what = parse.GetValue(kind);
            var which = parse.GetValue(name);
            if (what is not null && which is null)
                throw new CliException($"name the {what} to describe.", $"meridian describe {db} {what} NAME");
            using var client = context.Connect(parse.GetValue(server)!);
            var schemaJson = await (await client.ApiAsync(token)).GetSchemaJsonAsync(db, 10, token);
            RawModuleDefV10 definition;
            try
            {
                definition = ModuleDefJson.Parse(schemaJson);
            }
            catch (CodegenException e)
            {
                throw new CliException($"the server's schema of {db} could not be read: {e.Message}");
            }
            var model = ModuleModel.From(definition);
            var output = context.Out;
            switch (what)
            {
                case "table":
                    var table = model.Tables.Concat(model.Views).FirstOrDefault(t => t.Name == which || t.AccessorName == which)
                        ?? throw new CliException(
                            $"database {db} has no table or view '{which}'.",
                            $"Its tables: {string.Join(", ", model.Tables.Concat(model.Views).Select(t => t.Name))}.");
                    if (parse.GetValue(json))
                        WriteJsonPart(output, schemaJson, table.IsView ? "Views" : "Tables", table.AccessorName);
                    else
                        WriteTable(output, model, table);
                    return 0;
                case "reducer":
                    var reducer = model.Reducers.Concat(model.Procedures).FirstOrDefault(r => r.Name == which || r.AccessorName == which)
                        ?? throw new CliException(
                            $"database {db} has no reducer or procedure '{which}'.",
                            $"Its reducers: {string.Join(", ", model.Reducers.Select(r => r.Name))}.");
                    if (parse.GetValue(json))
                        WriteJsonPart(output, schemaJson, reducer.ReturnType is null ? "Reducers" : "Procedures", reducer.AccessorName);
                    else
                        await output.WriteLineAsync(Signature(model, reducer));
                    return 0;
                default:
                    if (parse.GetValue(json))
                        await output.WriteLineAsync(schemaJson);
                    else
                        WriteModule(output, db, model);
                    return 0;
            }
        }, ct));
        return command;
    }

    private static void WriteModule(TextWriter output, string db, ModuleModel model)
    {
        output.WriteLine($"Database {db}");
        output.WriteLine();
        output.WriteLine("Tables:");
        TextTable.Write(
            output,
            ["name", "access", "columns", "primary key", "indexes"],
            model.Tables.Select(t => (IReadOnlyList<string>)
            [
                t.Name,
                (t.IsPublic ? "public" : "private") + (t.IsEvent ? ", event" : "") + (t.ScheduledReducer is { } s ? $", schedules {s}" : ""),
                t.Columns.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                t.PrimaryKey is int pk ? t.Columns[pk].Name : "",
                t.Indexes.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ]).ToList(),
            [false, false, true, false, true]);
        if (model.Views.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Views:");
            foreach (var v in model.Views)
                output.WriteLine($"  {v.Name} ({(v.IsPublic ? "public" : "private")}, {v.Columns.Count} columns)");
        }
        output.WriteLine();
        output.WriteLine("Reducers:");
        foreach (var r in model.Reducers)
            output.WriteLine("  " + Signature(model, r));
        if (model.Procedures.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Procedures:");
            foreach (var p in model.Procedures)
                output.WriteLine("  " + Signature(model, p));
        }
    }

    private static void WriteTable(TextWriter output, ModuleModel model, TableModel table)
    {
        var traits = new List<string> { table.IsPublic ? "public" : "private" };
        if (table.IsView)
            traits.Add("view");
        if (table.IsEvent)
            traits.Add("event");
        if (table.ScheduledReducer is { } scheduled)
            traits.Add($"schedules reducer {scheduled}");
        output.WriteLine($"{(table.IsView ? "View" : "Table")} {table.Name} ({string.Join(", ", traits)})");
        var rows = table.Columns.Select((c, i) =>
        {
            var notes = new List<string>();
            if (table.PrimaryKey == i)
                notes.Add("primary key");
            else if (table.Constraints.Any(k => k.Columns.Count == 1 && k.Columns[0] == i))
                notes.Add("unique");
            if (table.AutoIncrementColumns.Contains(i))
                notes.Add("auto-increment");
            return (IReadOnlyList<string>)[c.Name, TypeName(model, c.Type), string.Join(", ", notes)];
        }).ToList();
        TextTable.Write(output, ["column", "type", "constraints"], rows, [false, false, false]);
        if (table.Indexes.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Indexes:");
            foreach (var index in table.Indexes)
            {
                var algorithm = index.Algorithm.ToString().ToLowerInvariant();
                output.WriteLine($"  {index.Name} {algorithm} ({string.Join(", ", index.Columns.Select(c => table.Columns[c].Name))})");
            }
        }
    }

    private static string Signature(ModuleModel model, FunctionModel f)
    {
        var parameters = string.Join(", ", f.Params.Elements.Select((e, i) => $"{e.Name ?? $"arg{i}"}: {TypeName(model, e.Type)}"));
        var text = $"{f.Name}({parameters})";
        if (f.ReturnType is { } returns)
            text += " -> " + TypeName(model, returns);
        if (f.Lifecycle is { } lifecycle)
            text += $"  [lifecycle: {lifecycle}]";
        else if (!f.ClientCallable)
            text += "  [private]";
        return text;
    }

    /// <summary>A type as a person reads it: <c>U32</c>, <c>Option&lt;String&gt;</c>, <c>Array&lt;Point&gt;</c>, <c>Identity</c>.</summary>
    internal static string TypeName(ModuleModel model, AlgebraicType type)
    {
        switch (type.SpecialKind)
        {
            case SpecialTypeKind.Identity: return "Identity";
            case SpecialTypeKind.ConnectionId: return "ConnectionId";
            case SpecialTypeKind.Timestamp: return "Timestamp";
            case SpecialTypeKind.TimeDuration: return "TimeDuration";
            case SpecialTypeKind.Uuid: return "Uuid";
            case SpecialTypeKind.ScheduleAt: return "ScheduleAt";
            case SpecialTypeKind.Option: return $"Option<{TypeName(model, ((SumType)type).Variants[0].Type)}>";
            case SpecialTypeKind.Result:
                var result = (SumType)type;
                return $"Result<{TypeName(model, result.Variants[0].Type)}, {TypeName(model, result.Variants[1].Type)}>";
            default: break;
        }
        return type switch
        {
            RefType r => TryName(model, r.Index),
            ArrayType a => $"Array<{TypeName(model, a.ElementType)}>",
            ProductType { Elements.Count: 0 } => "()",
            ProductType p => "(" + string.Join(", ", p.Elements.Select(e => $"{e.Name}: {TypeName(model, e.Type)}")) + ")",
            SumType s => string.Join(" | ", s.Variants.Select(v => v.Name ?? "?")),
            _ => type.Tag.ToString(),
        };
    }

    private static string TryName(ModuleModel model, uint index)
    {
        try
        {
            return model.TypeOf(index).Name;
        }
        catch (CodegenException)
        {
            return $"&{index}";
        }
    }

    private static void WriteJsonPart(TextWriter output, string body, string section, string sourceName)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement.TryGetProperty("V10", out var v10) ? v10 : json.RootElement;
        foreach (var s in root.GetProperty("sections").EnumerateArray())
        {
            if (!s.TryGetProperty(section, out var items) || items.ValueKind != JsonValueKind.Array)
                continue;
            foreach (var item in items.EnumerateArray())
            {
                if (item.TryGetProperty("source_name", out var n) && n.GetString() == sourceName)
                {
                    output.WriteLine(item.GetRawText());
                    return;
                }
            }
        }
        throw new CliException($"the server's schema has no {section} entry '{sourceName}'.");
    }
}
