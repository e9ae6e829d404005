using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Meridian.Module.Generator;

// [Default(value)] on a column: the value a migration gives existing rows when it adds the column.

internal static partial class Parser
{
    /// <summary>The C# expression of the field's <c>[Default]</c> value for table <paramref name="accessor"/>, or null.</summary>
    private static string? DefaultLiteral(IFieldSymbol field, string accessor)
    {
        foreach (var a in field.GetAttributes())
        {
            if (a.AttributeClass?.ToDisplayString() != "SpacetimeDB.DefaultAttribute")
                continue;
            if (Named<string>(a, "Table") is { } t && t != accessor)
                continue;
            if (a.ConstructorArguments.Length != 1)
                return null;
            var value = a.ConstructorArguments[0];
            if (value.IsNull)
                return "null";
            if (value.Kind == TypedConstantKind.Enum && value.Type is { } enumType)
            {
                var underlying = Convert.ToString(value.Value, CultureInfo.InvariantCulture);
                return $"(({enumType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)})({underlying}))";
            }
            return Literal(value.Value);
        }
        return null;
    }

    private static string? Literal(object? value) => value switch
    {
        null => "null",
        string s => SymbolDisplay.FormatLiteral(s, quote: true),
        char c => SymbolDisplay.FormatLiteral(c, quote: true),
        bool b => b ? "true" : "false",
        float f => float.IsNaN(f) ? "float.NaN" : f.ToString("R", CultureInfo.InvariantCulture) + "F",
        double d => double.IsNaN(d) ? "double.NaN" : d.ToString("R", CultureInfo.InvariantCulture) + "D",
        decimal m => m.ToString(CultureInfo.InvariantCulture) + "M",
        long l => l.ToString(CultureInfo.InvariantCulture) + "L",
        ulong u => u.ToString(CultureInfo.InvariantCulture) + "UL",
        uint u => u.ToString(CultureInfo.InvariantCulture) + "U",
        IFormattable n => n.ToString(null, CultureInfo.InvariantCulture),
        _ => null,
    };
}

internal static partial class Emitter
{
    /// <summary>The <c>RawColumnDefaultValueV10[]</c> of a table: each defaulted column's value, encoded by its serializer.</summary>
    private static string DefaultValues(TableDeclModel decl)
    {
        var defaults = decl.Columns.Where(c => c.Default is not null).ToList();
        if (defaults.Count == 0)
            return $"global::System.Array.Empty<{Def}RawColumnDefaultValueV10>()";
        var items = defaults.Select(c =>
            $"new {Def}RawColumnDefaultValueV10({c.Index}, global::SpacetimeDB.Internal.ColumnDefaults.Encode<{c.Type.CSharp}, {c.Type.Serializer}>"
                + $"(({c.Type.CSharp})({c.Default})))");
        return $"new {Def}RawColumnDefaultValueV10[] {{ {string.Join(", ", items)} }}";
    }
}
