using Meridian.Sats.Bsatn;

namespace SpacetimeDB.Internal;

public sealed partial class ModuleDescriptor
{
    /// <summary>The procedures; a procedure's id is its index here.</summary>
    public IReadOnlyList<ProcedureDescriptor> Procedures { get; }

    /// <summary>
    /// Runs procedure <paramref name="procedureId"/> with <paramref name="host"/> bound on this thread and
    /// returns the BSATN of its return value. Any exception (the procedure's own, bad or extra argument
    /// bytes) propagates; the transactions it committed stay committed.
    /// </summary>
    public byte[] CallProcedure(IProcedureHost host, int procedureId, ProcedureCallInfo call, ReadOnlySpan<byte> args)
    {
        if ((uint)procedureId >= (uint)Procedures.Count)
            throw new ArgumentOutOfRangeException(nameof(procedureId), $"No procedure with id {procedureId}; the module has {Procedures.Count}.");
        using var scope = ModuleHost.EnterProcedure(host);
        var reader = new BsatnReader(args);
        return Procedures[procedureId].Invoker(call, ref reader);
    }
}
