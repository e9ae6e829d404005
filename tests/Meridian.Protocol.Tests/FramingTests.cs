using Meridian.Protocol.Framing;
using Meridian.Protocol.Messages;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Rows;

namespace Meridian.Protocol.Tests;

public class FramingTests
{
    private static RowList FromRows(params byte[][] rows)
    {
        var builder = new RowList.Builder();
        foreach (var row in rows)
            builder.Add(row);
        return builder.Build();
    }

    private static ServerMessage BigUpdate()
    {
        var rows = new RowList.Builder();
        for (var i = 0; i < 500; i++)
        {
            var w = new BsatnWriter();
            w.WriteU32((uint)i);
            w.WriteString($"row number {i}");
            rows.Add(w.WrittenSpan);
        }
        return new ServerMessage.TransactionUpdate([new QuerySetUpdate(7, [new TableUpdate("t", [new TableUpdateRows.Persistent(rows.Build(), RowList.Empty)])])]);
    }

    [Theory]
    [InlineData(Compression.Gzip)]
    [InlineData(Compression.Brotli)]
    public void Large_bodies_are_compressed_and_decode_to_the_same_message(Compression compression)
    {
        var message = BigUpdate();
        var frame = ServerFrame.Encode([message], compression);
        Assert.Equal((byte)compression, frame[0]);
        Assert.True(frame.Length < message.ToBsatn().Length / 2);
        Assert.Equal(message.ToBsatn(), Assert.Single(ServerFrame.Decode(frame)).ToBsatn());
    }

    [Fact]
    public void A_v3_frame_carries_several_messages_in_order()
    {
        var a = new ServerMessage.SubscriptionError(1, 2, "a");
        var b = new ServerMessage.SubscriptionError(null, 3, "b");
        var frame = ServerFrame.Encode([a, b, BigUpdate()], Compression.None);
        var decoded = ServerFrame.Decode(frame);
        Assert.Equal(3, decoded.Count);
        Assert.Equal(a, decoded[0]);
        Assert.Equal(b, decoded[1]);
    }

    [Fact]
    public void V3_client_frames_decode_every_message_and_reject_an_empty_frame()
    {
        var w = new BsatnWriter();
        new ClientMessage.OneOffQuery(1, "SELECT * FROM t").Write(w);
        new ClientMessage.Unsubscribe(2, 9, UnsubscribeFlags.Default).Write(w);
        var messages = ClientMessage.DecodeV3(w.WrittenSpan);
        Assert.Equal(2, messages.Count);
        Assert.Equal(new ClientMessage.Unsubscribe(2, 9, UnsubscribeFlags.Default), messages[1]);
        Assert.Throws<BsatnDecodeException>(() => ClientMessage.DecodeV3([]));
    }

    [Fact]
    public void Non_zero_call_flags_and_unknown_tags_are_decode_errors()
    {
        var flags = Assert.Throws<BsatnDecodeException>(() => ClientMessage.DecodeV2([3, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]));
        Assert.Contains("flags", flags.Message, StringComparison.Ordinal);
        var tag = Assert.Throws<BsatnDecodeException>(() => ClientMessage.DecodeV2([9]));
        Assert.Contains("ClientMessage tag 9", tag.Message, StringComparison.Ordinal);
        Assert.Throws<BsatnDecodeException>(() => ServerFrame.Decode([5, 0]));
    }

    [Fact]
    public void Every_truncation_of_a_client_message_is_a_decode_error()
    {
        var w = new BsatnWriter();
        new ClientMessage.CallReducer(5, 0, "send_message", [5, 0, 0, 0, 104, 101, 108, 108, 111]).Write(w);
        var bytes = w.ToArray();
        for (var cut = 0; cut < bytes.Length; cut++)
            Assert.Throws<BsatnDecodeException>(() => ClientMessage.DecodeV2(bytes.AsSpan(0, cut)));
    }

    [Fact]
    public void Row_lists_pick_fixed_size_only_for_equal_non_empty_rows()
    {
        Assert.Equal(4, FromRows([1, 2, 3, 4], [5, 6, 7, 8]).FixedRowSize);
        Assert.Equal(0, FromRows([1], [5, 6]).FixedRowSize);
        Assert.Equal(0, FromRows([], []).FixedRowSize);
        var list = FromRows([1], [5, 6], []);
        Assert.Equal([[1], [5, 6], []], list.Select(r => r.ToArray()).ToArray());
        // On the wire: FixedSize for equal rows, RowOffsets otherwise; both read back to the same rows.
        foreach (var rows in new[] { FromRows([1, 2], [3, 4]), list, RowList.Empty })
        {
            var w = new BsatnWriter();
            RowListWire.Write(w, rows);
            var r = new BsatnReader(w.WrittenSpan);
            var back = RowListWire.Read(ref r);
            Assert.Equal(rows.Select(x => x.ToArray()), back.Select(x => x.ToArray()));
        }
    }

    [Fact]
    public void Wire_enums_keep_their_numbers()
    {
        Assert.Equal(0, (int)Compression.None);
        Assert.Equal(1, (int)Compression.Brotli);
        Assert.Equal(2, (int)Compression.Gzip);
        Assert.Equal(0, (int)UnsubscribeFlags.Default);
        Assert.Equal(1, (int)UnsubscribeFlags.SendDroppedRows);
    }
}
