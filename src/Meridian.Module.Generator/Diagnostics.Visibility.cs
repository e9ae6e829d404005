using Microsoft.CodeAnalysis;

namespace Meridian.Module.Generator;

internal static partial class Diagnostics
{
    public static readonly DiagnosticDescriptor ClientVisibilityNotFilter = Error(
        "STDB0015",
        "ClientVisibilityFilters must be Filters",
        "Field {0} is marked as ClientVisibilityFilter but it has type {1} which is not SpacetimeDB.Filter",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor ClientVisibilityNotPublicStaticReadonly = Error(
        "STDB0016",
        "ClientVisibilityFilters must be public static readonly",
        "Field {0} is marked as [ClientVisibilityFilter] but it is not public static readonly",
        "SpacetimeDB");
}
