using Meridian.Sats;
using Meridian.Sats.Bsatn;

namespace Meridian.Protocol.Messages;

/// <summary>
/// A message from server to client (protocol.md §4.3). Sum tags are on the wire and may only grow:
/// InitialConnection 0, SubscribeApplied 1, UnsubscribeApplied 2, SubscriptionError 3,
/// TransactionUpdate 4, OneOffQueryResult 5, ReducerResult 6, ProcedureResult 7.
/// </summary>
public abstract record ServerMessage
{
    private ServerMessage()
    {
    }

    /// <summary>The first message on every connection.</summary>
    public sealed record InitialConnection(Identity Identity, ConnectionId ConnectionId, string Token) : ServerMessage;

    /// <summary>A query set is live; <see cref="Rows"/> are the rows matching it now.</summary>
    public sealed record SubscribeApplied(uint RequestId, uint QuerySetId, IReadOnlyList<TableRows> Rows) : ServerMessage;

    /// <summary>A query set was dropped; <see cref="Rows"/> are its rows when the client asked for them.</summary>
    public sealed record UnsubscribeApplied(uint RequestId, uint QuerySetId, IReadOnlyList<TableRows>? Rows) : ServerMessage;

    /// <summary>A query set failed; without a request id it broke later, during an update.</summary>
    public sealed record SubscriptionError(uint? RequestId, uint QuerySetId, string Error) : ServerMessage;

    /// <summary>Committed changes to the client's query sets (never empty).</summary>
    public sealed record TransactionUpdate(IReadOnlyList<QuerySetUpdate> QuerySets) : ServerMessage;

    /// <summary>The result of a one-off query: rows, or an error text.</summary>
    public sealed record OneOffQueryResult(uint RequestId, IReadOnlyList<TableRows>? Rows, string? Error) : ServerMessage;

    /// <summary>The result of the caller's reducer call.</summary>
    public sealed record ReducerResult(uint RequestId, Timestamp Timestamp, ReducerOutcome Outcome) : ServerMessage;

    /// <summary>The result of a procedure call.</summary>
    public sealed record ProcedureResult(ProcedureStatus Status, Timestamp Timestamp, TimeDuration TotalHostExecutionDuration, uint RequestId) : ServerMessage;

    /// <summary>Appends the BSATN encoding (without the compression tag).</summary>
    public void Write(BsatnWriter w)
    {
        switch (this)
        {
            case InitialConnection ic:
                w.WriteSumTag(0);
                ic.Identity.WriteBsatn(w);
                ic.ConnectionId.WriteBsatn(w);
                w.WriteString(ic.Token);
                break;
            case SubscribeApplied sa:
                w.WriteSumTag(1);
                w.WriteU32(sa.RequestId);
                w.WriteU32(sa.QuerySetId);
                TableRows.WriteList(w, sa.Rows);
                break;
            case UnsubscribeApplied ua:
                w.WriteSumTag(2);
                w.WriteU32(ua.RequestId);
                w.WriteU32(ua.QuerySetId);
                if (ua.Rows is null)
                {
                    w.WriteSumTag(1);
                }
                else
                {
                    w.WriteSumTag(0);
                    TableRows.WriteList(w, ua.Rows);
                }
                break;
            case SubscriptionError se:
                w.WriteSumTag(3);
                if (se.RequestId is { } id)
                {
                    w.WriteSumTag(0);
                    w.WriteU32(id);
                }
                else
                {
                    w.WriteSumTag(1);
                }
                w.WriteU32(se.QuerySetId);
                w.WriteString(se.Error);
                break;
            case TransactionUpdate tu:
                w.WriteSumTag(4);
                QuerySetUpdate.WriteList(w, tu.QuerySets);
                break;
            case OneOffQueryResult oq:
                w.WriteSumTag(5);
                w.WriteU32(oq.RequestId);
                if (oq.Error is null)
                {
                    w.WriteSumTag(0);
                    TableRows.WriteList(w, oq.Rows ?? []);
                }
                else
                {
                    w.WriteSumTag(1);
                    w.WriteString(oq.Error);
                }
                break;
            case ReducerResult rr:
                w.WriteSumTag(6);
                w.WriteU32(rr.RequestId);
                rr.Timestamp.WriteBsatn(w);
                rr.Outcome.Write(w);
                break;
            case ProcedureResult pr:
                w.WriteSumTag(7);
                pr.Status.Write(w);
                pr.Timestamp.WriteBsatn(w);
                pr.TotalHostExecutionDuration.WriteBsatn(w);
                w.WriteU32(pr.RequestId);
                break;
        }
    }

    /// <summary>The BSATN encoding as a new array.</summary>
    public byte[] ToBsatn()
    {
        var w = new BsatnWriter(128);
        Write(w);
        return w.ToArray();
    }

    /// <summary>Reads one message.</summary>
    public static ServerMessage Read(ref BsatnReader r)
    {
        switch (r.ReadSumTag(8, "ServerMessage"))
        {
            case 0:
                return new InitialConnection(Identity.ReadBsatn(ref r), ConnectionId.ReadBsatn(ref r), r.ReadString());
            case 1:
                return new SubscribeApplied(r.ReadU32(), r.ReadU32(), TableRows.ReadList(ref r));
            case 2:
            {
                var requestId = r.ReadU32();
                var querySetId = r.ReadU32();
                var rows = r.ReadSumTag(2, "Option") == 0 ? TableRows.ReadList(ref r) : null;
                return new UnsubscribeApplied(requestId, querySetId, rows);
            }
            case 3:
            {
                uint? requestId = r.ReadSumTag(2, "Option") == 0 ? r.ReadU32() : null;
                return new SubscriptionError(requestId, r.ReadU32(), r.ReadString());
            }
            case 4:
                return new TransactionUpdate(QuerySetUpdate.ReadList(ref r));
            case 5:
            {
                var requestId = r.ReadU32();
                return r.ReadSumTag(2, "Result") == 0
                    ? new OneOffQueryResult(requestId, TableRows.ReadList(ref r), null)
                    : new OneOffQueryResult(requestId, null, r.ReadString());
            }
            case 6:
                return new ReducerResult(r.ReadU32(), Timestamp.ReadBsatn(ref r), ReducerOutcome.Read(ref r));
            default:
                return new ProcedureResult(ProcedureStatus.Read(ref r), Timestamp.ReadBsatn(ref r), TimeDuration.ReadBsatn(ref r), r.ReadU32());
        }
    }
}
