using Microsoft.CodeAnalysis;

namespace Meridian.Module.Generator;

// Diagnostics of [View] declarations (upstream's numbers where the check is the same).
internal static partial class Diagnostics
{
    public static readonly DiagnosticDescriptor ViewContextParam = Error(
        "STDB0020",
        "Views must start with ViewContext or AnonymousViewContext",
        "View method {0} must have a first parameter of type ViewContext or AnonymousViewContext",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor ViewMustHaveName = Error(
        "STDB0021",
        "Views must have an explicit name",
        "View '{0}' must have an explicit name (Accessor = \"...\")",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor ViewInvalidReturn = Error(
        "STDB0022",
        "Views must return T?, List<T>, IQuery<T>, or IEnumerable<T>",
        "View '{0}' must return T?, List<T>, IQuery<T>, or IEnumerable<T>, not {1}",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor ViewMustBePublic = Error(
        "STDB0023",
        "Views must be public",
        "View '{0}' must have Public = true",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor ViewArgsUnsupported = Error(
        "STDB0024",
        "Views must have no arguments beyond the context",
        "View '{0}' must have no arguments beyond the context",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor ViewPrimaryKeyNotFound = Error(
        "MRDN0101",
        "View primary key column not found",
        "View '{0}' declares primary key '{1}', but row type '{2}' has no field with that name in its [SpacetimeDB.Type] declaration",
        "Meridian");

    public static readonly DiagnosticDescriptor ViewPrimaryKeyNotEquatable = Error(
        "MRDN0102",
        "View primary key must be equatable",
        "View '{0}' declares primary key '{1}' of type {2}, which cannot be a key",
        "Meridian");

    public static readonly DiagnosticDescriptor MigrationShape = Error(
        "MRDN0201",
        "A migration takes a ReducerContext and one old row",
        "Migration method {0} must be 'static void {0}(ReducerContext ctx, OldRow old)' with OldRow a [SpacetimeDB.Type] "
            + "of the stored table's old row shape; it has {1} parameter(s)",
        "Meridian");

    public static readonly DiagnosticDescriptor MigrationTableName = Error(
        "MRDN0202",
        "A migration names its stored table",
        "Migration method {0} must name the stored table it migrates: [Migration(\"table_name\")]",
        "Meridian");

    public static readonly DiagnosticDescriptor DuplicateMigration = Error(
        "MRDN0203",
        "One migration per table",
        "Table '{0}' has more than one migration ({1}); keep one",
        "Meridian");
}
