namespace Meridian.Codegen;

/// <summary>How <see cref="BindingsGenerator"/> writes bindings.</summary>
public sealed record BindingsOptions
{
    /// <summary>Also generate private tables, reducers and procedures (for the module's owner).</summary>
    public bool IncludePrivate { get; init; }

    /// <summary>The C# namespace of the generated code (C# only).</summary>
    public string CSharpNamespace { get; init; } = "SpacetimeDB.Types";

    /// <summary>The Meridian version the headers name; defaults to this library's version.</summary>
    public string ToolVersion { get; init; } = BindingsGenerator.Version;
}
