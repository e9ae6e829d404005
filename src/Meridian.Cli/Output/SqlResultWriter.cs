using System.Globalization;
using System.Text.Json;
using Meridian.Sats.Json;
using Meridian.Sats.Types;

namespace Meridian.Cli.Output;

/// <summary>
/// Prints the answer of <c>POST /v1/database/:db/sql</c> (an array with one
/// <c>{"schema", "rows", "total_duration_micros", "stats"}</c> per statement): a table per query,
/// row counts per DML statement.
/// </summary>
internal static class SqlResultWriter
{
    /// <summary>Writes every statement's result; throws <see cref="CliException"/> for an answer of another shape.</summary>
    public static void Write(TextWriter output, string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 512 });
        }
        catch (JsonException e)
        {
            throw new CliException($"the server's SQL answer is not JSON ({e.Message}).");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
                throw new CliException("the server's SQL answer is not an array of statement results.");
            var first = true;
            foreach (var statement in document.RootElement.EnumerateArray())
            {
                if (!first)
                    output.WriteLine();
                first = false;
                WriteStatement(output, statement);
            }
        }
    }

    private static void WriteStatement(TextWriter output, JsonElement statement)
    {
        if (statement.ValueKind != JsonValueKind.Object)
            throw new CliException("a statement result in the server's SQL answer is not an object.");
        var columns = Columns(statement);
        var rows = statement.TryGetProperty("rows", out var r) && r.ValueKind == JsonValueKind.Array ? r : default;
        var rowCount = rows.ValueKind == JsonValueKind.Array ? rows.GetArrayLength() : 0;

        if (columns.Names.Count > 0)
        {
            var cells = new List<IReadOnlyList<string>>(rowCount);
            if (rowCount > 0)
            {
                foreach (var row in rows.EnumerateArray())
                    cells.Add(FormatRow(row, columns));
            }
            TextTable.Write(output, columns.Names, cells, columns.Numeric);
            output.WriteLine(rowCount == 1 ? "(1 row)" : $"({rowCount} rows)");
        }

        var counts = Stats(statement);
        if (counts.Count > 0)
            output.WriteLine(string.Join(", ", counts));
        else if (columns.Names.Count == 0)
            output.WriteLine("OK, no rows affected.");
    }

    private static Schema Columns(JsonElement statement)
    {
        if (!statement.TryGetProperty("schema", out var schema))
            return new Schema([], [], null);
        var names = new List<string>();
        if (schema.TryGetProperty("elements", out var elements) && elements.ValueKind == JsonValueKind.Array)
        {
            foreach (var element in elements.EnumerateArray())
            {
                string? name = null;
                if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("name", out var n))
                {
                    try
                    {
                        name = SatsJson.ReadOptionalString(n);
                    }
                    catch (SatsJsonException)
                    {
                    }
                }
                names.Add(name ?? $"column {names.Count}");
            }
        }

        ProductType? type = null;
        try
        {
            type = SatsJson.ReadProductType(schema);
        }
        catch (SatsJsonException)
        {
            // Unknown types still print, as their JSON.
        }
        var numeric = names.Select((_, i) => type is not null && i < type.Elements.Count && IsNumber(type.Elements[i].Type)).ToArray();
        return new Schema(names, numeric, type is not null && type.Elements.Count == names.Count ? type : null);
    }

    private static string[] FormatRow(JsonElement row, Schema columns)
    {
        if (columns.Type is { } type)
        {
            try
            {
                var value = SatsJson.ReadValue(row, type).AsProduct();
                return value.Elements.Select((v, i) => ValueFormatter.Format(v, type.Elements[i].Type)).ToArray();
            }
            catch (Exception e) when (e is SatsJsonException or InvalidCastException or InvalidOperationException)
            {
                // Fall through: the row does not match its schema; show what the server sent.
            }
        }
        var cells = new string[columns.Names.Count];
        if (row.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var cell in row.EnumerateArray())
            {
                if (i < cells.Length)
                    cells[i] = ValueFormatter.FormatJson(cell);
                i++;
            }
        }
        for (var i = 0; i < cells.Length; i++)
            cells[i] ??= "";
        return cells;
    }

    private static List<string> Stats(JsonElement statement)
    {
        var counts = new List<string>();
        if (!statement.TryGetProperty("stats", out var stats) || stats.ValueKind != JsonValueKind.Object)
            return counts;
        foreach (var (field, verb) in (ReadOnlySpan<(string, string)>)[("rows_inserted", "inserted"), ("rows_deleted", "deleted"), ("rows_updated", "updated")])
        {
            if (stats.TryGetProperty(field, out var n) && n.TryGetUInt64(out var count) && count > 0)
                counts.Add(string.Create(CultureInfo.InvariantCulture, $"{count} {(count == 1 ? "row" : "rows")} {verb}"));
        }
        return counts;
    }

    private static bool IsNumber(AlgebraicType type) =>
        type.Tag is >= AlgebraicTypeTag.I8 and <= AlgebraicTypeTag.F64;

    private sealed record Schema(IReadOnlyList<string> Names, IReadOnlyList<bool> Numeric, ProductType? Type);
}
