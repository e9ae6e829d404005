using System.Reflection;
using Meridian.Sats.Bsatn;
using Meridian.Sats.ModuleDef;

namespace SpacetimeDB.Internal;

/// <summary>One reducer of a module.</summary>
/// <param name="Id">Its position in the Reducers section (the id clients' calls resolve to).</param>
/// <param name="Name">Its source name.</param>
/// <param name="Lifecycle">The lifecycle event it handles, if any.</param>
/// <param name="Invoker">Decodes the arguments and runs it.</param>
public sealed record ReducerDescriptor(int Id, string Name, Lifecycle? Lifecycle, ReducerInvoker Invoker);

/// <summary>A manual migration: the reducer that receives the old rows of a stored table (<c>[Migration]</c>).</summary>
/// <param name="Table">The stored table's name.</param>
/// <param name="ReducerName">The reducer's source name; its one argument is an old row.</param>
public sealed record MigrationDescriptor(string Table, string ReducerName);

/// <summary>
/// A loaded module as the runtime sees it: its definition and a dispatch table. Built by the
/// code the generator emits into the module assembly; find it with <see cref="Load"/>.
/// </summary>
public sealed partial class ModuleDescriptor
{
    private readonly Dictionary<string, ReducerDescriptor> _byName;

    /// <summary>Creates a descriptor (the generated code does this through <see cref="ModuleBuilder"/>).</summary>
    public ModuleDescriptor(RawModuleDef definition, IReadOnlyList<ReducerDescriptor> reducers, IReadOnlyList<ProcedureDescriptor>? procedures = null)
    {
        Definition = definition;
        Reducers = reducers;
        Procedures = procedures ?? [];
        _byName = reducers.ToDictionary(r => r.Name, StringComparer.Ordinal);
    }

    /// <summary>The module definition (what <c>__describe_module__</c> returns upstream).</summary>
    public RawModuleDef Definition { get; }

    /// <summary>The reducers; a reducer's id is its index here.</summary>
    public IReadOnlyList<ReducerDescriptor> Reducers { get; }

    /// <summary>The views; a view's id is its index here.</summary>
    public IReadOnlyList<ViewDescriptor> Views { get; init; } = [];

    /// <summary>The manual migrations (<c>[Migration]</c> methods), each also in <see cref="Reducers"/>.</summary>
    public IReadOnlyList<MigrationDescriptor> Migrations { get; init; } = [];

    /// <summary>The reducer with this source name, or null.</summary>
    public ReducerDescriptor? FindReducer(string sourceName) => _byName.GetValueOrDefault(sourceName);

    /// <summary>The reducer handling a lifecycle event, or null.</summary>
    public ReducerDescriptor? FindLifecycleReducer(Lifecycle lifecycle) => Reducers.FirstOrDefault(r => r.Lifecycle == lifecycle);

    /// <summary>
    /// Runs reducer <paramref name="reducerId"/> against <paramref name="host"/> with BSATN
    /// <paramref name="args"/>. Any exception (the reducer's own, a constraint violation, bad or
    /// extra argument bytes) propagates; the runtime rolls back and reports <see cref="ErrorMessage"/>.
    /// </summary>
    public void CallReducer(IDatabaseHost host, int reducerId, ReducerCallInfo call, ReadOnlySpan<byte> args)
    {
        if ((uint)reducerId >= (uint)Reducers.Count)
            throw new ArgumentOutOfRangeException(nameof(reducerId), $"No reducer with id {reducerId}; the module has {Reducers.Count}.");
        using var scope = ModuleHost.Enter(host);
        var reader = new BsatnReader(args);
        Reducers[reducerId].Invoker(call, ref reader);
    }

    /// <summary>
    /// Runs view <paramref name="viewId"/> for <paramref name="sender"/> (null for an anonymous view)
    /// against <paramref name="host"/>, which serves reads only. Exceptions propagate.
    /// </summary>
    public ViewResult CallView(IDatabaseHost host, int viewId, Identity? sender)
    {
        if ((uint)viewId >= (uint)Views.Count)
            throw new ArgumentOutOfRangeException(nameof(viewId), $"No view with id {viewId}; the module has {Views.Count}.");
        using var scope = ModuleHost.Enter(host);
        return Views[viewId].Invoker(sender);
    }

    /// <summary>The error text a failed call reports: the message, or the exception's type name when it has none.</summary>
    public static string ErrorMessage(Exception exception) =>
        string.IsNullOrEmpty(exception.Message) ? exception.GetType().Name : exception.Message;

    /// <summary>Finds and builds the descriptor of a module assembly.</summary>
    public static ModuleDescriptor Load(Assembly assembly)
    {
        var attribute = assembly.GetCustomAttribute<ModuleEntryPointAttribute>()
            ?? throw new InvalidOperationException(
                $"Assembly {assembly.GetName().Name} is not a SpacetimeDB module: it has no generated entry point "
                    + "(is Meridian.Module.Generator referenced as an analyzer?).");
        var entry = (IModuleEntryPoint)Activator.CreateInstance(attribute.EntryPointType, nonPublic: true)!;
        return entry.Describe();
    }
}

/// <summary>Implemented by the generated registration class.</summary>
public interface IModuleEntryPoint
{
    /// <summary>Registers everything and builds the descriptor.</summary>
    ModuleDescriptor Describe();
}

/// <summary>Names the generated <see cref="IModuleEntryPoint"/> of a module assembly.</summary>
/// <param name="entryPointType">The type.</param>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class ModuleEntryPointAttribute(Type entryPointType) : Attribute
{
    /// <summary>The type.</summary>
    public Type EntryPointType { get; } = entryPointType;
}

/// <summary>Helpers the generated reducer invokers call.</summary>
public static class ReducerArgs
{
    /// <summary>Fails when argument bytes are left over after decoding.</summary>
    public static void EnsureConsumed(ref BsatnReader args)
    {
        if (!args.IsAtEnd)
            throw new Meridian.Sats.Bsatn.BsatnDecodeException(
                $"Unrecognised extra bytes in the reducer arguments ({args.Remaining} byte(s) left).", args.Position);
    }
}
