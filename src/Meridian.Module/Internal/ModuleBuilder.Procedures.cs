using Meridian.Sats.ModuleDef;
using Meridian.Sats.Types;
using SpacetimeDB.BSATN;

namespace SpacetimeDB.Internal;

public sealed partial class ModuleBuilder
{
    private readonly List<RawProcedureDefV10> _procedures = [];
    private readonly List<ProcedureDescriptor> _procedureDescriptors = [];

    /// <summary>Registers a procedure; its id is its registration position.</summary>
    /// <param name="name">The method name.</param>
    /// <param name="parameters">The parameters after the context.</param>
    /// <param name="returnType">The return type (unit for void).</param>
    /// <param name="invoker">Decodes the arguments, runs it and encodes its return value.</param>
    public void RegisterProcedure(
        string name,
        Func<ITypeRegistrar, (string Name, AlgebraicType Type)[]> parameters,
        Func<ITypeRegistrar, AlgebraicType> returnType,
        ProcedureInvoker invoker)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(returnType);
        var ps = parameters(_registrar);
        _procedures.Add(new RawProcedureDefV10(
            name,
            new ProductType(ps.Select(p => new ProductTypeElement(p.Name, p.Type))),
            returnType(_registrar),
            FunctionVisibility.ClientCallable));
        _procedureDescriptors.Add(new ProcedureDescriptor(_procedureDescriptors.Count, name, invoker));
    }
}
