using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Meridian.Module.Generator;

/// <summary>
/// The generator's diagnostics. Ids follow upstream's numbering where the check is the same
/// (BSATN… for types, STDB… for the module); checks of Meridian's own are MRDN…; they are stable: never renumber, only add.
/// </summary>
internal static partial class Diagnostics
{
    private static DiagnosticDescriptor Error(string id, string title, string format, string category) =>
        new(id, title, format, category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnsupportedType = Error(
        "BSATN0001",
        "Unsupported type",
        "BSATN implementation for {0} is not found: {1}",
        "SpacetimeDB.BSATN");

    public static readonly DiagnosticDescriptor EnumExplicitValue = Error(
        "BSATN0002",
        "[SpacetimeDB.Type] enums cannot have explicit values",
        "{0}.{1} has an explicit value which is not allowed in SpacetimeDB enums",
        "SpacetimeDB.BSATN");

    public static readonly DiagnosticDescriptor EnumTooManyVariants = Error(
        "BSATN0003",
        "[SpacetimeDB.Type] enums are limited to 256 variants",
        "{0} has {1} variants which is more than the allowed 256 variants for SpacetimeDB enums",
        "SpacetimeDB.BSATN");

    public static readonly DiagnosticDescriptor TaggedEnumInlineTuple = Error(
        "BSATN0004",
        "Tagged enum variants must be declared with inline tuples",
        "{0} does not have the expected format SpacetimeDB.TaggedEnum<(TVariant1 v1, ..., TVariantN vN)>",
        "SpacetimeDB.BSATN");

    public static readonly DiagnosticDescriptor TaggedEnumField = Error(
        "BSATN0005",
        "Tagged enums cannot have instance fields",
        "{0} is an instance field, which are not permitted inside SpacetimeDB tagged enums",
        "SpacetimeDB.BSATN");

    public static readonly DiagnosticDescriptor TypeParameters = Error(
        "BSATN0006",
        "Type parameters are not yet supported",
        "Type parameters {0} are not supported in SpacetimeDB types",
        "SpacetimeDB.BSATN");

    public static readonly DiagnosticDescriptor NotPartial = Error(
        "MRDN0003",
        "SpacetimeDB types must be partial",
        "{0} and every type containing it must be declared partial",
        "Meridian");

    public static readonly DiagnosticDescriptor ReducerReturnType = Error(
        "STDB0001",
        "[SpacetimeDB.Reducer] methods must return void",
        "Reducer method {0} returns {1} instead of void",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor AutoIncNotInteger = Error(
        "STDB0002",
        "AutoInc fields must be of integer type",
        "Field {0} is marked as AutoInc but it has a non-integer type {1}",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor UniqueNotEquatable = Error(
        "STDB0003",
        "Unique fields must be equatable",
        "Field {0} is marked as Unique but it has a type {1} which is not an equatable primitive",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor IndexNoColumns = Error(
        "STDB0004",
        "Index attribute must specify Columns",
        "Index attribute on type {0} doesn't specify Columns",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor TableVisibility = Error(
        "STDB0005",
        "Table row visibility must be public or internal",
        "Table row type {0} is {1} but must be public or internal",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor TableTaggedEnum = Error(
        "STDB0006",
        "Tables cannot be tagged enums",
        "Table row type {0} is a tagged enum, which is not allowed",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor DuplicateExport = Error(
        "STDB0007",
        "Duplicate exports",
        "{0} {1} is exported more than once",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor ReducerContextParam = Error(
        "STDB0008",
        "Reducers must have a first argument of type ReducerContext",
        "Reducer method {0} does not have a ReducerContext parameter",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor ReducerReservedPrefix = Error(
        "STDB0010",
        "Reducer method has a reserved name prefix",
        "Reducer method {0} starts with '{1}', which is a reserved prefix",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor DuplicateLifecycle = Error(
        "STDB0012",
        "Multiple reducers of the same kind",
        "Reducer {0} is a second {1} reducer; only one is allowed",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor FieldIndexColumns = Error(
        "STDB0013",
        "Index attribute on a field must not specify Columns",
        "Index attribute on field {0} must not specify Columns",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor UnknownColumn = Error(
        "STDB0014",
        "Unknown column",
        "Could not find the specified column {0} in {1}",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor DefaultWithKey = Error(
        "STDB0017",
        "Invalid Combination: AutoInc, Unique or PrimaryKey cannot have a Default value",
        "Field {0} cannot combine [Default] with AutoInc, Unique or PrimaryKey",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor SettingsField = Error(
        "STDB0025",
        "[SpacetimeDB.Settings] field must be a const CaseConversionPolicy",
        "Field {0} must be declared as 'public const SpacetimeDB.CaseConversionPolicy'",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor DuplicateSettings = Error(
        "STDB0026",
        "Multiple [SpacetimeDB.Settings] declarations",
        "Only one [SpacetimeDB.Settings] declaration is allowed; {0} is another",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor TableIndexAccessor = Error(
        "STDB0027",
        "Table-level index attributes must specify Accessor",
        "Index attribute on type {0} must specify Accessor",
        "SpacetimeDB");

    public static readonly DiagnosticDescriptor MultiplePrimaryKeys = Error(
        "MRDN0001",
        "A table has at most one primary key",
        "Table {0} has more than one [PrimaryKey] column",
        "Meridian");

    public static readonly DiagnosticDescriptor InvalidSchedule = Error(
        "MRDN0002",
        "Invalid scheduled table declaration",
        "Scheduled table {0}: {1}",
        "Meridian");

    public static DiagnosticDescriptor ById(string id) => All.First(d => d.Id == id);

    /// <summary>Every descriptor, from all parts of this partial class (each feature declares its own in its own file).</summary>
    public static DiagnosticDescriptor[] All => AllDescriptors.Value;

    // Lazy: static fields of other partial files may be initialised after this one.
    private static readonly Lazy<DiagnosticDescriptor[]> AllDescriptors = new(() => typeof(Diagnostics)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .OrderBy(d => d.Id, StringComparer.Ordinal)
        .ToArray());
}

/// <summary>A source location without references to syntax trees, so models stay equatable.</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public static LocationInfo? From(Location? location) =>
        location is { IsInSource: true } ? new LocationInfo(location.SourceTree!.FilePath, location.SourceSpan, location.GetLineSpan().Span) : null;

    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);
}

/// <summary>A diagnostic to report, as plain data.</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Args)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] args) =>
        new(descriptor.Id, LocationInfo.From(location), args.ToEquatableArray());

    public Diagnostic ToDiagnostic() => Diagnostic.Create(Diagnostics.ById(Id), Location?.ToLocation(), Args.Cast<object>().ToArray());
}

internal static partial class Diagnostics
{
    public static readonly DiagnosticDescriptor IndexAccessorTaken = Error(
        "MRDN0004",
        "Two members of a table handle share an accessor",
        "Table {0}: the index accessor {1} is already used by a unique column, another index or a handle member "
            + "(Count, Iter, Insert, Delete, Clear); give the index another Accessor",
        "Meridian");

    public static readonly DiagnosticDescriptor IndexNamesDiffer = Error(
        "MRDN0005",
        "One index with two names",
        "Table {0}: indexes on the same columns are one index, but they are named '{1}'; give them one Name",
        "Meridian");
}

internal static partial class Diagnostics
{
    public static readonly DiagnosticDescriptor MethodShape = Error(
        "MRDN0006",
        "Reducers and procedures are static, non-generic methods taking their arguments by value",
        "{0} {1} {2}: the module calls it as a static method with each argument by value",
        "Meridian");

    public static readonly DiagnosticDescriptor MethodNotAccessible = Error(
        "MRDN0007",
        "Reducers and procedures must be reachable from the generated module code",
        "{0} {1} cannot be called by the module: {2} {3}; make it public or internal",
        "Meridian");
}
