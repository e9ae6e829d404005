using Meridian.Sats.Bsatn;

namespace Meridian.Protocol.Messages;

/// <summary>What <see cref="ClientMessage.Unsubscribe"/> asks the server to send back (the v2 schema's <c>UnsubscribeFlags</c>).</summary>
public enum UnsubscribeMode : byte
{
    /// <summary>No rows in the reply.</summary>
    Default = 0,
    /// <summary>The reply carries the rows the set held.</summary>
    SendDroppedRows = 1,
}

/// <summary>
/// A message from client to server (protocol.md §4.2). The sum tags are on the wire and may only grow:
/// Subscribe 0, Unsubscribe 1, OneOffQuery 2, CallReducer 3, CallProcedure 4.
/// </summary>
public abstract record ClientMessage
{
    private ClientMessage()
    {
    }

    /// <summary>The request id the client chose (every variant has one).</summary>
    public abstract uint RequestId { get; }

    /// <summary>Subscribe a query set to some queries.</summary>
    public sealed record Subscribe(uint RequestId, uint QuerySetId, IReadOnlyList<string> QueryStrings) : ClientMessage
    {
        /// <inheritdoc />
        public override uint RequestId { get; } = RequestId;
    }

    /// <summary>Drop a query set.</summary>
    public sealed record Unsubscribe(uint RequestId, uint QuerySetId, UnsubscribeMode Flags) : ClientMessage
    {
        /// <inheritdoc />
        public override uint RequestId { get; } = RequestId;
    }

    /// <summary>Run a query once.</summary>
    public sealed record OneOffQuery(uint RequestId, string QueryString) : ClientMessage
    {
        /// <inheritdoc />
        public override uint RequestId { get; } = RequestId;
    }

    /// <summary>Call a reducer with BSATN-encoded arguments.</summary>
    public sealed record CallReducer(uint RequestId, byte Flags, string Reducer, byte[] Args) : ClientMessage
    {
        /// <inheritdoc />
        public override uint RequestId { get; } = RequestId;
    }

    /// <summary>Call a procedure with BSATN-encoded arguments.</summary>
    public sealed record CallProcedure(uint RequestId, byte Flags, string Procedure, byte[] Args) : ClientMessage
    {
        /// <inheritdoc />
        public override uint RequestId { get; } = RequestId;
    }

    /// <summary>Appends the BSATN encoding.</summary>
    public void Write(BsatnWriter w)
    {
        switch (this)
        {
            case Subscribe s:
                w.WriteSumTag(0);
                w.WriteU32(s.RequestId);
                w.WriteU32(s.QuerySetId);
                w.WriteArrayLength(s.QueryStrings.Count);
                foreach (var q in s.QueryStrings)
                    w.WriteString(q);
                break;
            case Unsubscribe u:
                w.WriteSumTag(1);
                w.WriteU32(u.RequestId);
                w.WriteU32(u.QuerySetId);
                w.WriteSumTag((byte)u.Flags);
                break;
            case OneOffQuery q:
                w.WriteSumTag(2);
                w.WriteU32(q.RequestId);
                w.WriteString(q.QueryString);
                break;
            case CallReducer c:
                w.WriteSumTag(3);
                w.WriteU32(c.RequestId);
                w.WriteU8(c.Flags);
                w.WriteString(c.Reducer);
                w.WriteBytes(c.Args);
                break;
            case CallProcedure p:
                w.WriteSumTag(4);
                w.WriteU32(p.RequestId);
                w.WriteU8(p.Flags);
                w.WriteString(p.Procedure);
                w.WriteBytes(p.Args);
                break;
        }
    }

    /// <summary>Reads one message. Reserved call flags other than 0 are a decode error, as upstream.</summary>
    public static ClientMessage Read(ref BsatnReader r)
    {
        var tag = r.ReadSumTag(5, "ClientMessage");
        switch (tag)
        {
            case 0:
            {
                var requestId = r.ReadU32();
                var querySetId = r.ReadU32();
                var count = r.ReadArrayLength(4, "query strings");
                var queries = new string[count];
                for (var i = 0; i < count; i++)
                    queries[i] = r.ReadString();
                return new Subscribe(requestId, querySetId, queries);
            }
            case 1:
                return new Unsubscribe(r.ReadU32(), r.ReadU32(), (UnsubscribeMode)r.ReadSumTag(2, "UnsubscribeFlags"));
            case 2:
                return new OneOffQuery(r.ReadU32(), r.ReadString());
            case 3:
            {
                var requestId = r.ReadU32();
                var flags = ReadFlags(ref r);
                return new CallReducer(requestId, flags, r.ReadString(), r.ReadBytes().ToArray());
            }
            default:
            {
                var requestId = r.ReadU32();
                var flags = ReadFlags(ref r);
                return new CallProcedure(requestId, flags, r.ReadString(), r.ReadBytes().ToArray());
            }
        }
    }

    private static byte ReadFlags(ref BsatnReader r)
    {
        var at = r.Position;
        var flags = r.ReadU8();
        if (flags != 0)
            throw new BsatnDecodeException($"Call flags must be 0 (reserved), got {flags} at offset {at}.", at);
        return flags;
    }

    /// <summary>Decodes a v2 frame: exactly one message (trailing bytes are ignored, as upstream).</summary>
    public static ClientMessage DecodeV2(ReadOnlySpan<byte> frame)
    {
        var r = new BsatnReader(frame);
        return Read(ref r);
    }

    /// <summary>Decodes a v3 frame: one or more messages concatenated. An empty frame is an error.</summary>
    public static List<ClientMessage> DecodeV3(ReadOnlySpan<byte> frame)
    {
        if (frame.IsEmpty)
            throw new BsatnDecodeException("An empty v3 frame carries no message.", 0);
        var r = new BsatnReader(frame);
        var messages = new List<ClientMessage>(1);
        while (!r.IsAtEnd)
            messages.Add(Read(ref r));
        return messages;
    }
}
