using SpacetimeDB.Internal;

namespace SpacetimeDB;

/// <summary>
/// Base of the generated <c>HandlerContext</c>: what an HTTP handler receives. Like a procedure's
/// context it runs outside any transaction and opens one with <c>WithTx</c>/<c>TryWithTx</c>.
/// Handler routes are unauthenticated, so <see cref="ProcedureContextBase.Sender"/> is the zero
/// identity and there is no connection or token.
/// </summary>
/// <param name="call">The start time (the caller fields are empty).</param>
public abstract class HandlerContextBase(ProcedureCallInfo call) : ProcedureContextBase(call);

/// <summary>Base of the generated <c>HandlerTxContext</c>: the <c>tx</c> of a handler's transaction body.</summary>
/// <param name="outer">The handler's context.</param>
public abstract class HandlerTxContextBase(HandlerContextBase outer) : ProcedureTxContextBase(outer);
