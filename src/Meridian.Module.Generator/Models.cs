namespace Meridian.Module.Generator;

// Small value-equatable models: the generator turns symbols into these at once, so unchanged input caches.

/// <summary>Which column types may be keys (unique, primary key) or auto-increment.</summary>
internal enum KeyCategory
{
    None,
    Integer,
    Bool,
    String,
    Special,
    Enum,
}

internal enum TypeShape
{
    Product,
    Enum,
    TaggedEnum,
}

/// <summary>A C# type as used in a field or parameter: its spelling and its serializer struct.</summary>
internal sealed record TypeUse(string CSharp, string Serializer, KeyCategory Key)
{
    /// <summary>A type with no serializer (BSATN0001 was reported): generated code leaves it out.</summary>
    public bool Unsupported => Serializer == "global::SpacetimeDB.BSATN.UnitRW" && CSharp != "global::SpacetimeDB.Unit";
}

/// <summary>A field of a product, or a variant of a tagged enum.</summary>
/// <summary>
/// A field of a product, or a variant of a tagged enum; <paramref name="Unsupported"/>: its type has no serializer
/// (BSATN0001 was reported), so it is not serialized.
/// </summary>
internal sealed record MemberModel(string Name, TypeUse Type, bool Unsupported = false);

internal sealed record TypeModel(
    string? Namespace,
    EquatableArray<string> Containers,
    string Name,
    string FullName,
    string Keyword,
    bool IsClass,
    TypeShape Shape,
    bool IsPublic,
    bool HasParameterlessConstructor,
    EquatableArray<MemberModel> Members,
    EquatableArray<DiagnosticInfo> Diagnostics);

internal sealed record ColumnModel(string Name, int Index, TypeUse Type, bool PrimaryKey, bool Unique, bool AutoInc, string? Default = null);

/// <summary>
/// A btree index. <paramref name="Merged"/>: its accessor is a unique column's own accessor on the same one column
/// (<c>[Unique, Index.BTree]</c> on one field), so it adds its range methods to that accessor instead of a member of its own.
/// </summary>
internal sealed record BTreeModel(string Accessor, string? ExplicitName, EquatableArray<int> Columns, bool Merged = false);

internal sealed record TableDeclModel(
    string Accessor,
    string? ExplicitName,
    bool Public,
    bool Event,
    string? Scheduled,
    int ScheduledAtColumn,
    EquatableArray<ColumnModel> Columns,
    EquatableArray<BTreeModel> BTrees,
    LocationInfo? Location,
    string? LegacyAccessor = null);

internal sealed record TableModel(TypeModel Row, EquatableArray<TableDeclModel> Tables, EquatableArray<DiagnosticInfo> Diagnostics);

internal sealed record ParamModel(string Name, TypeUse Type);

internal sealed record ReducerModel(
    string MethodName,
    string ContainingType,
    int Kind,
    string? ExplicitName,
    EquatableArray<ParamModel> Params,
    LocationInfo? Location,
    EquatableArray<DiagnosticInfo> Diagnostics)
{
    /// <summary>For a <c>[Migration]</c> method: the stored table it migrates (null for a reducer).</summary>
    public string? MigrationTable { get; init; }

    /// <summary>
    /// The declarations enclosing the reducer, outermost first (<c>partial static class Module</c>), when
    /// they are all partial and non-generic so a <c>VolatileNonatomicScheduleImmediate…</c> method can be
    /// added to them; empty otherwise.
    /// </summary>
    public EquatableArray<string> Containers { get; init; }

    /// <summary>The namespace of the reducer's class, or null for the global namespace.</summary>
    public string? Namespace { get; init; }

    /// <summary>The reducer's accessibility keywords, which its generated scheduling method shares (its parameter types allow it).</summary>
    public string Accessibility { get; init; } = "public";
}

internal sealed record SettingsModel(int? Policy, string FieldName, LocationInfo? Location, EquatableArray<DiagnosticInfo> Diagnostics);

internal sealed record ModuleModel(
    EquatableArray<TableModel> Tables,
    EquatableArray<ReducerModel> Reducers,
    EquatableArray<SettingsModel> Settings,
    EquatableArray<FilterModel> Filters,
    EquatableArray<ProcedureModel> Procedures)
{
    /// <summary>The <c>[View]</c> methods.</summary>
    public EquatableArray<ViewModel> Views { get; init; }

    /// <summary>The <c>[HttpHandler]</c> methods.</summary>
    public EquatableArray<HttpHandlerModel> HttpHandlers { get; init; }

    /// <summary>The <c>[HttpRouter]</c> methods (at most one is valid).</summary>
    public EquatableArray<HttpRouterModel> HttpRouters { get; init; }
}
