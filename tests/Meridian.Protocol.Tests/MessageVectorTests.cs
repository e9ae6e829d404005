using Meridian.Protocol.Framing;
using Meridian.Protocol.Messages;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Rows;

namespace Meridian.Protocol.Tests;

/// <summary>The byte vectors of protocol.md §5 against the real message types, both ways.</summary>
public class MessageVectorTests
{
    private static readonly Timestamp Ts = new(1_700_000_000_000_000);

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    private static byte[] Bsatn(Action<BsatnWriter> write)
    {
        var w = new BsatnWriter();
        write(w);
        return w.ToArray();
    }

    private static RowList Rows(params byte[][] rows)
    {
        var builder = new RowList.Builder();
        foreach (var row in rows)
            builder.Add(row);
        return builder.Build();
    }

    private static void AssertClient(ClientMessage message, string hex)
    {
        var w = new BsatnWriter();
        message.Write(w);
        Assert.Equal(Convert.ToHexStringLower(Hex(hex)), Convert.ToHexStringLower(w.WrittenSpan));
        var decoded = ClientMessage.DecodeV2(Hex(hex));
        var again = new BsatnWriter();
        decoded.Write(again);
        Assert.Equal(w.ToArray(), again.ToArray());
    }

    private static void AssertServer(ServerMessage message, string hex)
    {
        Assert.Equal(Convert.ToHexStringLower(Hex(hex)), Convert.ToHexStringLower(message.ToBsatn()));
        var frame = ServerFrame.Encode([message], Compression.Gzip);
        Assert.Equal(0, frame[0]); // small bodies go uncompressed
        var decoded = Assert.Single(ServerFrame.Decode(frame));
        Assert.Equal(message.ToBsatn(), decoded.ToBsatn());
    }

    [Fact]
    public void Client_vectors_1_to_4()
    {
        AssertClient(new ClientMessage.Subscribe(0, 0, ["SELECT * FROM person"]),
            "00 00 00 00 00 00 00 00 00 01 00 00 00 14 00 00 00 53 45 4c 45 43 54 20 2a 20 46 52 4f 4d 20 70 65 72 73 6f 6e");
        AssertClient(new ClientMessage.Unsubscribe(2, 0, UnsubscribeFlags.SendDroppedRows), "01 02 00 00 00 00 00 00 00 01");
        AssertClient(new ClientMessage.CallReducer(1, 0, "add", Bsatn(w => w.WriteString("Alice"))),
            "03 01 00 00 00 00 03 00 00 00 61 64 64 09 00 00 00 05 00 00 00 41 6c 69 63 65");
        AssertClient(new ClientMessage.OneOffQuery(3, "SELECT * FROM person"),
            "02 03 00 00 00 14 00 00 00 53 45 4c 45 43 54 20 2a 20 46 52 4f 4d 20 70 65 72 73 6f 6e");
    }

    [Fact]
    public void Server_vector_5_initial_connection() => AssertServer(
        new ServerMessage.InitialConnection(Identity.FromClaims("localhost", "test-subject"), ConnectionId.FromHexString("0102030405060708090a0b0c0d0e0f10"), "tok"),
        "00 38 7e a8 7a aa 9f d1 4a 47 f1 0a 59 7d 64 2f da f8 5b d6 1c 88 7d fb ec 79 1b d9 65 ce b3 00 c2 10 0f 0e 0d 0c 0b 0a 09 08 07 06 05 04 03 02 01 03 00 00 00 74 6f 6b");

    [Fact]
    public void Server_vector_6_subscribe_applied_uses_row_offsets_for_unequal_rows() => AssertServer(
        new ServerMessage.SubscribeApplied(0, 0, [new TableRows("person", Rows(Bsatn(w => w.WriteString("Alice")), Bsatn(w => w.WriteString("Bob"))))]),
        "01 00 00 00 00 00 00 00 00 01 00 00 00 06 00 00 00 70 65 72 73 6f 6e 01 02 00 00 00 00 00 00 00 00 00 00 00 09 00 00 00 00 00 00 00 10 00 00 00 05 00 00 00 41 6c 69 63 65 03 00 00 00 42 6f 62");

    [Fact]
    public void Server_vector_7_transaction_update_uses_fixed_size_for_equal_rows() => AssertServer(
        new ServerMessage.TransactionUpdate([new QuerySetUpdate(0, [new TableUpdate("t", [new TableUpdateRows.Persistent(Rows([1, 0, 0, 0], [2, 0, 0, 0]), RowList.Empty)])])]),
        "04 01 00 00 00 00 00 00 00 01 00 00 00 01 00 00 00 74 01 00 00 00 00 00 04 00 08 00 00 00 01 00 00 00 02 00 00 00 01 00 00 00 00 00 00 00 00");

    [Fact]
    public void Server_vectors_8_to_16()
    {
        AssertServer(new ServerMessage.ReducerResult(1, Ts, new ReducerOutcome.Ok([], [])), "06 01 00 00 00 00 40 1e 18 24 0a 06 00 00 00 00 00 00 00 00 00 00");
        AssertServer(new ServerMessage.ReducerResult(1, Ts, ReducerOutcome.Err.FromMessage("boom")), "06 01 00 00 00 00 40 1e 18 24 0a 06 00 02 08 00 00 00 04 00 00 00 62 6f 6f 6d");
        AssertServer(new ServerMessage.ReducerResult(1, Ts, new ReducerOutcome.InternalError("no such reducer")),
            "06 01 00 00 00 00 40 1e 18 24 0a 06 00 03 0f 00 00 00 6e 6f 20 73 75 63 68 20 72 65 64 75 63 65 72");
        AssertServer(new ServerMessage.SubscriptionError(0, 0, "bad"), "03 00 00 00 00 00 00 00 00 00 03 00 00 00 62 61 64");
        AssertServer(new ServerMessage.SubscriptionError(null, 0, "bad"), "03 01 00 00 00 00 03 00 00 00 62 61 64");
        var bob = new RowList.Builder(detectFixedSize: false);
        bob.Add(Bsatn(w => w.WriteString("Bob")));
        AssertServer(new ServerMessage.UnsubscribeApplied(2, 0, [new TableRows("person", bob.Build())]),
            "02 02 00 00 00 00 00 00 00 00 01 00 00 00 06 00 00 00 70 65 72 73 6f 6e 01 01 00 00 00 00 00 00 00 00 00 00 00 07 00 00 00 03 00 00 00 42 6f 62");
        AssertServer(new ServerMessage.ProcedureResult(new ProcedureStatus.Returned([7, 0, 0, 0]), Ts, new TimeDuration(1500), 4),
            "07 00 04 00 00 00 07 00 00 00 00 40 1e 18 24 0a 06 00 dc 05 00 00 00 00 00 00 04 00 00 00");
        AssertServer(new ServerMessage.OneOffQueryResult(3, null, "oops"), "05 03 00 00 00 01 04 00 00 00 6f 6f 70 73");
        AssertServer(new ServerMessage.OneOffQueryResult(3, [], null), "05 03 00 00 00 00 00 00 00 00");
    }
}
