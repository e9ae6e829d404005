using System.Reflection;
using SpacetimeDB.Internal;

namespace Meridian.Runtime.Modules;

/// <summary>
/// A module assembly loaded into its own collectible context, with its descriptor and validated
/// schema. Module code is trusted code of the server's operator: it runs in-process, unsandboxed.
/// </summary>
public sealed class LoadedModule : IDisposable
{
    private ModuleLoadContext? _context;

    private LoadedModule(ModuleLoadContext context, Assembly assembly, ModuleDescriptor descriptor, ModuleSchema schema, byte[] image)
    {
        _context = context;
        Assembly = assembly;
        Descriptor = descriptor;
        Schema = schema;
        Image = image;
    }

    /// <summary>The module assembly.</summary>
    public Assembly Assembly { get; }

    /// <summary>The dispatch table the generated code built.</summary>
    public ModuleDescriptor Descriptor { get; }

    /// <summary>The validated schema with canonical names.</summary>
    public ModuleSchema Schema { get; }

    /// <summary>The assembly's bytes, as published.</summary>
    public byte[] Image { get; }

    private static ModuleMigration[] Migrations(ModuleDescriptor descriptor, ModuleSchema schema)
    {
        var result = new List<ModuleMigration>();
        foreach (var m in descriptor.Migrations)
        {
            var reducer = schema.Reducers.FirstOrDefault(r => r.SourceName == m.ReducerName)
                ?? throw new ModuleLoadException($"The migration of table '{m.Table}' names reducer {m.ReducerName}, which the module does not have.");
            if (reducer.Params.Elements.Count != 1)
                throw new ModuleLoadException(
                    $"The migration {m.ReducerName} of table '{m.Table}' must take exactly one argument (an old row), not {reducer.Params.Elements.Count}.");
            if (result.Any(r => string.Equals(r.Table, m.Table, StringComparison.OrdinalIgnoreCase)))
                throw new ModuleLoadException($"Table '{m.Table}' has more than one migration.");
            result.Add(new ModuleMigration(m.Table, reducer));
        }
        return [.. result];
    }

    /// <summary>Loads a module from its assembly bytes (dependencies, if any, from <paramref name="dependencyDirectory"/>).</summary>
    /// <exception cref="ModuleLoadException">The bytes are not a usable module; the message says why.</exception>
    public static LoadedModule Load(string name, byte[] image, string? dependencyDirectory = null)
    {
        var context = new ModuleLoadContext($"module:{name}", dependencyDirectory);
        try
        {
            Assembly assembly;
            try
            {
                assembly = context.LoadFromStream(new MemoryStream(image));
            }
            catch (BadImageFormatException e)
            {
                throw new ModuleLoadException($"The uploaded file is not a .NET assembly: {e.Message}", e);
            }
            ModuleDescriptor descriptor;
            try
            {
                descriptor = ModuleDescriptor.Load(assembly);
            }
            catch (Exception e) when (e is not ModuleLoadException)
            {
                throw new ModuleLoadException($"The assembly could not be described as a module: {Unwrap(e).Message}", e);
            }
            ModuleSchema schema;
            try
            {
                schema = ModuleSchema.Create(
                    descriptor.Definition, descriptor.Reducers.Select(r => r.Name).ToList(), descriptor.Procedures.Select(p => p.Name).ToList());
            }
            catch (InvalidOperationException e)
            {
                throw new ModuleLoadException($"The module definition is invalid: {e.Message}", e);
            }
            schema.Migrations = Migrations(descriptor, schema);
            return new LoadedModule(context, assembly, descriptor, schema, image);
        }
        catch
        {
            context.Unload();
            throw;
        }
    }

    private static Exception Unwrap(Exception e) => e is TargetInvocationException { InnerException: { } inner } ? inner : e;

    /// <summary>Unloads the module's context (it is collected once nothing references it).</summary>
    public void Dispose()
    {
        _context?.Unload();
        _context = null;
    }
}

/// <summary>A module that cannot be loaded.</summary>
public sealed class ModuleLoadException : DatabaseException
{
    /// <summary>Creates the error.</summary>
    public ModuleLoadException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
