using Meridian.Sats;

namespace Meridian.Runtime.Execution;

/// <summary>How a procedure call ended.</summary>
public enum ProcedureCallStatus
{
    /// <summary>It returned; <see cref="ProcedureCallResult.ReturnValue"/> is the BSATN of its value.</summary>
    Returned = 0,
    /// <summary>It threw; the transactions it committed before stay committed.</summary>
    Failed = 1,
    /// <summary>It could not run: unknown or private procedure, or bad arguments.</summary>
    NotRun = 2,
}

/// <summary>The outcome of a procedure call as its caller sees it.</summary>
/// <param name="Status">Returned, failed or not run.</param>
/// <param name="ReturnValue">The BSATN of the return value (empty for void), when it returned.</param>
/// <param name="Error">The error text otherwise.</param>
/// <param name="Timestamp">When the call started.</param>
/// <param name="Duration">How long it ran.</param>
public sealed record ProcedureCallResult(ProcedureCallStatus Status, byte[]? ReturnValue, string? Error, Timestamp Timestamp, TimeSpan Duration)
{
    /// <summary>The kind of failure for a call that did not run.</summary>
    public ReducerNotRunReason? NotRunReason { get; init; }
}
