using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Meridian.Module.Generator;

/// <summary>How a view returns its rows.</summary>
internal enum ViewReturnKind
{
    /// <summary><c>T?</c> with T a value type.</summary>
    ValueOption,
    /// <summary><c>T?</c> with T a reference type.</summary>
    ReferenceOption,
    /// <summary><c>List&lt;T&gt;</c> or <c>IEnumerable&lt;T&gt;</c>.</summary>
    List,
    /// <summary><c>IQuery&lt;T&gt;</c>: SQL the host maintains as a live query.</summary>
    Query,
}

/// <summary>A <c>[View]</c> method.</summary>
internal sealed record ViewModel(
    string MethodName,
    string ContainingType,
    string Accessor,
    string? ExplicitName,
    bool IsAnonymous,
    bool IsPublic,
    ViewReturnKind ReturnKind,
    string RowType,
    string RowSerializer,
    string? PrimaryKey,
    LocationInfo? Location,
    EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>Turns <c>[View]</c> methods into <see cref="ViewModel"/>s (module-api.md §6.1).</summary>
internal static class ViewParser
{
    public static ViewModel Parse(GeneratorAttributeSyntaxContext context, CancellationToken ct)
    {
        var method = (IMethodSymbol)context.TargetSymbol;
        var attribute = context.Attributes[0];
        var location = method.Locations.FirstOrDefault();
        var diagnostics = new List<DiagnosticInfo>();
        var accessor = Named<string>(attribute, "Accessor");
        var isPublic = Named<bool>(attribute, "Public");
        var primaryKey = Named<string>(attribute, "PrimaryKey");
        if (string.IsNullOrEmpty(accessor))
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ViewMustHaveName, location, method.Name));
        if (!isPublic)
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ViewMustBePublic, location, method.Name));
        var contextType = method.Parameters.Length > 0 ? method.Parameters[0].Type.Name : "";
        if (contextType is not ("ViewContext" or "AnonymousViewContext"))
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ViewContextParam, location, method.Name));
        else if (method.Parameters.Length > 1)
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ViewArgsUnsupported, location, method.Name));

        var kind = ViewReturnKind.List;
        ITypeSymbol? row = null;
        var returnType = method.ReturnType;
        if (returnType is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            kind = ViewReturnKind.ValueOption;
            row = nullable.TypeArguments[0];
        }
        else if (returnType.IsReferenceType && returnType.NullableAnnotation == NullableAnnotation.Annotated
            && returnType is INamedTypeSymbol { IsGenericType: false })
        {
            kind = ViewReturnKind.ReferenceOption;
            row = returnType.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
        }
        else if (returnType is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } generic)
        {
            var definition = generic.OriginalDefinition.ToDisplayString();
            if (definition is "System.Collections.Generic.List<T>" or "System.Collections.Generic.IEnumerable<T>")
            {
                row = generic.TypeArguments[0];
            }
            else if (definition == "SpacetimeDB.IQuery<TRow>")
            {
                kind = ViewReturnKind.Query;
                row = generic.TypeArguments[0];
            }
        }

        var rowType = "object";
        var serializer = "global::SpacetimeDB.BSATN.UnitRW";
        if (row is null || row is INamedTypeSymbol { IsGenericType: true } || row.SpecialType != SpecialType.None)
        {
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ViewInvalidReturn, location, method.Name, returnType.ToDisplayString()));
        }
        else if (Parser.MapType(row, out var error) is not { } use)
        {
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.UnsupportedType, location, row.ToDisplayString(), error!));
        }
        else
        {
            rowType = use.CSharp;
            serializer = use.Serializer;
            if (primaryKey is not null)
            {
                var field = SerializedField(row, primaryKey, ct);
                if (field is null)
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ViewPrimaryKeyNotFound, location, method.Name, primaryKey, row.ToDisplayString()));
                else if (Parser.MapType(field.Type, out _) is not { Key: not KeyCategory.None })
                    diagnostics.Add(DiagnosticInfo.Create(
                        Diagnostics.ViewPrimaryKeyNotEquatable, location, method.Name, primaryKey, field.Type.ToDisplayString()));
            }
        }
        return new ViewModel(
            method.Name,
            method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            accessor ?? method.Name,
            Named<string>(attribute, "Name"),
            contextType == "AnonymousViewContext",
            isPublic,
            kind,
            rowType,
            serializer,
            primaryKey,
            LocationInfo.From(location),
            diagnostics.ToEquatableArray());
    }

    /// <summary>
    /// The row's instance field of that name, if the row's serializer writes it: only fields declared in the partial
    /// declaration that carries <c>[SpacetimeDB.Type]</c> or <c>[Table]</c> are columns (as upstream), so a key named
    /// after a field of another part would name no column.
    /// </summary>
    private static IFieldSymbol? SerializedField(ITypeSymbol row, string name, CancellationToken ct)
    {
        var declarations = row.GetAttributes()
            .Where(a => a.AttributeClass?.ToDisplayString() is "SpacetimeDB.TypeAttribute" or "SpacetimeDB.TableAttribute")
            .Select(a => a.ApplicationSyntaxReference?.GetSyntax(ct).FirstAncestorOrSelf<TypeDeclarationSyntax>())
            .Where(d => d is not null)
            .ToList();
        return row.GetMembers(name).OfType<IFieldSymbol>().FirstOrDefault(f => !f.IsStatic && !f.IsConst
            && f.DeclaringSyntaxReferences.Any(r => declarations.Any(d => d!.SyntaxTree == r.SyntaxTree && d.Span.Contains(r.Span))));
    }

    private static T? Named<T>(AttributeData attribute, string name)
    {
        foreach (var pair in attribute.NamedArguments)
        {
            if (pair.Key == name && pair.Value.Value is T value)
                return value;
        }
        return default;
    }
}
