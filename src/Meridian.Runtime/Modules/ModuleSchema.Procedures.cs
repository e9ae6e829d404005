using Meridian.Sats.ModuleDef;
using Meridian.Sats.Types;

namespace Meridian.Runtime.Modules;

/// <summary>A procedure as the runtime sees it.</summary>
/// <param name="Id">Its index in the module's dispatch table.</param>
/// <param name="Name">Its canonical name (what clients call).</param>
/// <param name="SourceName">Its method name.</param>
/// <param name="Params">Its parameters, with canonical names.</param>
/// <param name="ReturnType">Its return type (unit for void).</param>
/// <param name="ClientCallable">False for scheduled procedures.</param>
public sealed record ModuleProcedure(int Id, string Name, string SourceName, ProductType Params, AlgebraicType ReturnType, bool ClientCallable);

public sealed partial class ModuleSchema
{
    /// <summary>The module's procedures.</summary>
    public IReadOnlyList<ModuleProcedure> Procedures { get; private init; } = [];

    /// <summary>The procedure with this canonical (or source) name, or null.</summary>
    public ModuleProcedure? FindProcedure(string name) =>
        Procedures.FirstOrDefault(p => p.Name == name) ?? Procedures.FirstOrDefault(p => p.SourceName == name);

    private static List<ModuleProcedure> CreateProcedures(RawModuleDefV10 raw, CaseConversionPolicy policy, IReadOnlyList<string> sourceNames)
    {
        var procedures = new List<ModuleProcedure>();
        foreach (var p in raw.Procedures ?? [])
        {
            var id = IndexOf(sourceNames, p.SourceName);
            if (id < 0)
                throw new InvalidOperationException($"Procedure '{p.SourceName}' is declared but has no invoker.");
            procedures.Add(new ModuleProcedure(
                id,
                raw.CanonicalFunctionName(p.SourceName),
                p.SourceName,
                (ProductType)CanonicalType(p.Params, policy),
                CanonicalType(p.ReturnType, policy),
                p.Visibility == FunctionVisibility.ClientCallable));
        }
        return procedures;
    }
}
