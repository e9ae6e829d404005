using Meridian.Golden.Procedures;

namespace Meridian.Client.Tests;

public abstract class ProcedureTests(ClientFixture fixture, TransportKind transport) : TransportTests(fixture, transport)
{
    public sealed class OverWebSocket(ClientFixture fixture) : ProcedureTests(fixture, TransportKind.WebSocket);

    public sealed class InProcess(ClientFixture fixture) : ProcedureTests(fixture, TransportKind.InProcess);

    [Fact]
    public async Task Procedures_return_their_values_and_a_panic_is_a_failure()
    {
        var db = await Fixture.PublishAsync(TestModules.Procedures(), "procedures");
        using var conn = Via(DbConnection.Builder(), db).Build();
        Ticks.Until(conn, () => conn.IsActive, "the connection");

        ProcedureCallbackResult<ulong>? viaCallback = null;
        var sum = Ticks.Await(conn, conn.Procedures.Add(2, 3, (_, r) => viaCallback = r), "add");
        Assert.True(sum.IsSuccess);
        Assert.Equal(5ul, sum.Value);
        Assert.Same(sum, viaCallback);

        var pair = Ticks.Await(conn, conn.Procedures.ReturnStruct(4, "four"), "return_struct");
        Assert.Equal(new Pair(4, "four"), pair.Value);

        var variant = Ticks.Await(conn, conn.Procedures.ReturnEnumB("bee"), "return_enum_b");
        Assert.Equal("bee", Assert.IsType<ReturnEnum.B>(variant.Value).Value);

        var me = Ticks.Await(conn, conn.Procedures.WhoAmI(), "who_am_i");
        Assert.Equal(conn.Identity, me.Value);

        var panic = Ticks.Await(conn, conn.Procedures.WillPanic(), "will_panic");
        Assert.False(panic.IsSuccess);
        Assert.Contains("expected to panic", panic.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_procedures_transaction_reaches_the_cache()
    {
        var db = await Fixture.PublishAsync(TestModules.Procedures(), "procedures");
        using var conn = Via(DbConnection.Builder(), db).Build();
        var handle = conn.SubscriptionBuilder().Subscribe("SELECT * FROM item");
        Ticks.Until(conn, () => handle.IsActive, "the subscription");
        var id = Ticks.Await(conn, conn.Procedures.InsertWithTx("made in a procedure"), "insert_with_tx");
        Assert.True(id.IsSuccess);
        Ticks.Until(conn, () => conn.Db.Item.Count == 1, "the row");
        Assert.Equal("made in a procedure", conn.Db.Item.Id.Find(id.Value)!.Name);
    }
}
