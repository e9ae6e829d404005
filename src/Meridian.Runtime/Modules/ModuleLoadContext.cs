using System.Reflection;
using System.Runtime.Loader;

namespace Meridian.Runtime.Modules;

/// <summary>
/// A collectible load context for one module assembly. The module library (Meridian.Module and
/// Meridian.Sats) always comes from the server's own context, so the module and the runtime share
/// one copy of the host boundary types; anything else resolves next to the module file.
/// </summary>
internal sealed class ModuleLoadContext(string name, string? directory) : AssemblyLoadContext(name, isCollectible: true)
{
    private static readonly HashSet<string> Shared = new(StringComparer.OrdinalIgnoreCase) { "Meridian.Module", "Meridian.Sats" };

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is { } n && Shared.Contains(n))
            return null;
        if (directory is null || assemblyName.Name is null)
            return null;
        var path = Path.Combine(directory, assemblyName.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
