using Microsoft.CodeAnalysis;

namespace Meridian.Module.Generator;

/// <summary>Diagnostics of <c>[View]</c> declarations (upstream's numbers where the check is the same).</summary>
internal static class ViewDiagnostics
{
    private static DiagnosticDescriptor Error(string id, string title, string format, string category) =>
        new(id, title, format, category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ContextParam = Error(
        "STDB0020",
        "Views must start with ViewContext or AnonymousViewContext",
        "View method {0} must have a first parameter of type ViewContext or AnonymousViewContext",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor MustHaveName = Error(
        "STDB0021",
        "Views must have an explicit name",
        "View '{0}' must have an explicit name (Accessor = \"...\")",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor InvalidReturn = Error(
        "STDB0022",
        "Views must return T?, List<T>, IQuery<T>, or IEnumerable<T>",
        "View '{0}' must return T?, List<T>, IQuery<T>, or IEnumerable<T>, not {1}",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor MustBePublic = Error(
        "STDB0023",
        "Views must be public",
        "View '{0}' must have Public = true",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor ArgsUnsupported = Error(
        "STDB0024",
        "Views must have no arguments beyond the context",
        "View '{0}' must have no arguments beyond the context",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor PrimaryKeyNotFound = Error(
        "MRDN0101",
        "View primary key column not found",
        "View '{0}' declares primary key '{1}', but row type '{2}' has no field with that name",
        "Meridian");

    public static readonly DiagnosticDescriptor PrimaryKeyNotEquatable = Error(
        "MRDN0102",
        "View primary key must be equatable",
        "View '{0}' declares primary key '{1}' of type {2}, which cannot be a key",
        "Meridian");

    public static readonly DiagnosticDescriptor[] All =
        [ContextParam, MustHaveName, InvalidReturn, MustBePublic, ArgsUnsupported, PrimaryKeyNotFound, PrimaryKeyNotEquatable];
}
