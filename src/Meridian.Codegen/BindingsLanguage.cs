namespace Meridian.Codegen;

/// <summary>The languages <see cref="BindingsGenerator"/> writes.</summary>
public enum BindingsLanguage
{
    /// <summary>TypeScript for the official SpacetimeDB SDK (npm <c>spacetimedb</c> 2.10.1).</summary>
    TypeScript = 0,

    /// <summary>C# in the shape of SpacetimeDB's C# client bindings, for Meridian.Client.</summary>
    CSharp = 1,
}
