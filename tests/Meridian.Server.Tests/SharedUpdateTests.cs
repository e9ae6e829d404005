using Meridian.Protocol.Messages;
using Meridian.Runtime.Subscriptions;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Rows;
using Meridian.Server.Sessions;

namespace Meridian.Server.Tests;

public sealed class SharedUpdateTests
{
    private static IReadOnlyList<TableDelta> Tables(byte first) =>
        [new TableDelta("accounts", false, RowList.FromFixedSize([first, 2, 3, 4], 4), RowList.FromFixedSize([9, 9, 9, 9], 4))];

    private static ServerMessage.TransactionUpdate Decode(byte[] encoded)
    {
        var reader = new BsatnReader(encoded);
        var message = Assert.IsType<ServerMessage.TransactionUpdate>(ServerMessage.Read(ref reader));
        Assert.Equal(encoded.Length, reader.Position);
        return message;
    }

    [Fact]
    public void One_encoding_serves_every_session_with_the_same_list_and_set_id_and_says_what_each_should_get()
    {
        var tables = Tables(1);
        var first = SharedUpdate.Encode([new QuerySetDelta(1, tables)]);
        var again = SharedUpdate.Encode([new QuerySetDelta(1, tables)]);
        Assert.NotNull(first);
        Assert.Same(first, again);
        Assert.Equal(new ServerMessage.TransactionUpdate(Wire.Updates([new QuerySetDelta(1, tables)])).ToBsatn(), first);

        // Another set id, or another commit's list with equal-looking content, gets its own encoding.
        var otherId = SharedUpdate.Encode([new QuerySetDelta(7, tables)])!;
        Assert.Equal(7u, Assert.Single(Decode(otherId).QuerySets).QuerySetId);
        var otherCommit = SharedUpdate.Encode([new QuerySetDelta(7, Tables(5))])!;
        Assert.NotSame(otherId, otherCommit);
        var rows = Assert.IsType<TableUpdateRows.Persistent>(Assert.Single(Assert.Single(Assert.Single(Decode(otherCommit).QuerySets).Tables).Rows));
        Assert.Equal([5, 2, 3, 4], rows.Inserts.Data.ToArray());
    }

    [Fact]
    public void An_update_of_several_sets_is_left_to_the_session() =>
        Assert.Null(SharedUpdate.Encode([new QuerySetDelta(1, Tables(1)), new QuerySetDelta(2, Tables(1))]));
}
