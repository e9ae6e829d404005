using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Meridian.Module.Generator;

/// <summary>A <c>[ClientVisibilityFilter]</c> field: the expression that reads it and its display name.</summary>
internal sealed record FilterModel(string Expression, string DisplayName, LocationInfo? Location, EquatableArray<DiagnosticInfo> Diagnostics);

// Row-level security: [ClientVisibilityFilter] public static readonly Filter fields, registered in the RowLevelSecurity section.
public sealed partial class ModuleGenerator
{
    /// <summary>Tracking name of the visibility filter step.</summary>
    public const string FiltersStep = "Filters";

    private static IncrementalValuesProvider<FilterModel> VisibilityFilters(IncrementalGeneratorInitializationContext context) =>
        context.SyntaxProvider.ForAttributeWithMetadataName(
                "SpacetimeDB.ClientVisibilityFilterAttribute",
                static (node, _) => node is VariableDeclaratorSyntax,
                static (ctx, _) => ParseFilter((IFieldSymbol)ctx.TargetSymbol))
            .WithTrackingName(FiltersStep);

    private static FilterModel ParseFilter(IFieldSymbol field)
    {
        var location = field.Locations.FirstOrDefault();
        var diagnostics = new List<DiagnosticInfo>();
        if (field.Type.ToDisplayString() != "SpacetimeDB.Filter")
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ClientVisibilityNotFilter, location, field.Name, field.Type.ToDisplayString()));
        if (field.DeclaredAccessibility != Accessibility.Public || !field.IsStatic || !field.IsReadOnly)
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ClientVisibilityNotPublicStaticReadonly, location, field.Name));
        var container = field.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        return new FilterModel(
            container + "." + Emitter.Identifier(field.Name),
            field.ContainingType.ToDisplayString() + "." + field.Name,
            LocationInfo.From(location),
            diagnostics.ToEquatableArray());
    }

    /// <summary>Reports the filters' diagnostics; rejects the invalid ones.</summary>
    private static void ReportVisibilityFilters(SourceProductionContext spc, ModuleModel module, Rejected rejected)
    {
        foreach (var f in module.Filters)
        {
            foreach (var d in f.Diagnostics)
                spc.ReportDiagnostic(d.ToDiagnostic());
            if (f.Diagnostics.Count > 0)
                rejected.Add(f);
        }
    }
}

internal static partial class Emitter
{
    /// <summary>C# keywords escaped with <c>@</c>.</summary>
    public static string Identifier(string name) => Id(name);

    /// <summary>One registration per filter, in a stable order (by name), after the tables as upstream.</summary>
    private static void VisibilityFilterRegistrations(StringBuilder sb, EquatableArray<FilterModel> filters)
    {
        foreach (var f in filters.OrderBy(f => f.DisplayName, StringComparer.Ordinal))
            sb.Append($"            builder.RegisterClientVisibilityFilter({f.Expression}, {Lit(f.DisplayName)});\n");
    }
}
