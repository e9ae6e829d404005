using Meridian.Sats.Types;
using Meridian.Sats.Values;
using T = Meridian.Sats.Types.AlgebraicType;
using V = Meridian.Sats.Values.AlgebraicValue;

namespace Meridian.Sats.Tests.Bsatn;

/// <summary>
/// The byte vectors of protocol.md §5, built from the v2 message schema described as SATS types.
/// Each is encoded and compared byte for byte, and decoded back to the same value.
/// </summary>
public class SpecVectorTests
{
    private static readonly ProductType QuerySetId = T.Product(("id", T.U32));
    private static readonly SumType RowSizeHint = T.Sum(("FixedSize", T.U16), ("RowOffsets", T.Array(T.U64)));
    private static readonly ProductType BsatnRowList = T.Product(("size_hint", RowSizeHint), ("rows_data", T.Bytes));
    private static readonly ProductType SingleTableRows = T.Product(("table", T.String), ("rows", BsatnRowList));
    private static readonly ProductType QueryRows = T.Product(("tables", T.Array(SingleTableRows)));
    private static readonly SumType TableUpdateRows = T.Sum(
        ("PersistentTable", T.Product(("inserts", BsatnRowList), ("deletes", BsatnRowList))),
        ("EventTable", T.Product(("events", BsatnRowList))));
    private static readonly ProductType TableUpdate = T.Product(("table_name", T.String), ("rows", T.Array(TableUpdateRows)));
    private static readonly ProductType QuerySetUpdate = T.Product(("query_set_id", QuerySetId), ("tables", T.Array(TableUpdate)));
    private static readonly ProductType TransactionUpdate = T.Product(("query_sets", T.Array(QuerySetUpdate)));

    private static readonly SumType ClientMessage = T.Sum(
        ("Subscribe", T.Product(("request_id", T.U32), ("query_set_id", QuerySetId), ("query_strings", T.Array(T.String)))),
        ("Unsubscribe", T.Product(("request_id", T.U32), ("query_set_id", QuerySetId), ("flags", T.Sum(("Default", T.Unit), ("SendDroppedRows", T.Unit))))),
        ("OneOffQuery", T.Product(("request_id", T.U32), ("query_string", T.String))),
        ("CallReducer", T.Product(("request_id", T.U32), ("flags", T.U8), ("reducer", T.String), ("args", T.Bytes))),
        ("CallProcedure", T.Product(("request_id", T.U32), ("flags", T.U8), ("procedure", T.String), ("args", T.Bytes))));

    private static readonly SumType ServerMessage = T.Sum(
        ("InitialConnection", T.Product(("identity", T.Identity), ("connection_id", T.ConnectionId), ("token", T.String))),
        ("SubscribeApplied", T.Product(("request_id", T.U32), ("query_set_id", QuerySetId), ("rows", QueryRows))),
        ("UnsubscribeApplied", T.Product(("request_id", T.U32), ("query_set_id", QuerySetId), ("rows", T.Option(QueryRows)))),
        ("SubscriptionError", T.Product(("request_id", T.Option(T.U32)), ("query_set_id", QuerySetId), ("error", T.String))),
        ("TransactionUpdate", TransactionUpdate),
        ("OneOffQueryResult", T.Product(("request_id", T.U32), ("result", T.Result(QueryRows, T.String)))),
        ("ReducerResult", T.Product(("request_id", T.U32), ("timestamp", T.Timestamp), ("result", T.Sum(
            ("Ok", T.Product(("ret_value", T.Bytes), ("transaction_update", TransactionUpdate))),
            ("OkEmpty", T.Unit),
            ("Err", T.Bytes),
            ("InternalError", T.String))))),
        ("ProcedureResult", T.Product(
            ("status", T.Sum(("Returned", T.Bytes), ("InternalError", T.String))),
            ("timestamp", T.Timestamp),
            ("total_host_execution_duration", T.TimeDuration),
            ("request_id", T.U32))));

    private static readonly V Ts = new Timestamp(1_700_000_000_000_000).ToValue();

    private static ProductValue Qs(uint id) => V.Product(V.U32(id));

    private static ArrayValue Strings(params string[] s) => V.Array(s.Select(V.String).ToArray());

    private static ArrayValue Bytes(params byte[] b) => V.Bytes(b);

    private static ArrayValue BsatnOf(V v) => V.Bytes(v.ToBsatn());

    private static SumValue RowOffsets(params ulong[] offsets) => V.Sum(1, V.Array(offsets.Select(V.U64).ToArray()));

    private static ProductValue RowList(V hint, byte[] data) => V.Product(hint, V.Bytes(data));

    private static ProductValue Rows(params (string Table, V RowList)[] tables) =>
        V.Product(V.Array(tables.Select(t => (V)V.Product(V.String(t.Table), t.RowList)).ToArray()));

    private static byte[] Concat(params V[] rows) => rows.SelectMany(r => r.ToBsatn()).ToArray();

    private static void AssertVector(SumType type, V value, string hex)
    {
        var expected = Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal(Convert.ToHexStringLower(expected), Convert.ToHexStringLower(value.ToBsatn()));
        Assert.Equal(value, V.FromBsatn(expected, type));
    }

    [Fact]
    public void Vector_01_subscribe() => AssertVector(ClientMessage,
        V.Sum(0, V.Product(V.U32(0), Qs(0), Strings("SELECT * FROM person"))),
        "00 00 00 00 00 00 00 00 00 01 00 00 00 14 00 00 00 53 45 4c 45 43 54 20 2a 20 46 52 4f 4d 20 70 65 72 73 6f 6e");

    [Fact]
    public void Vector_02_unsubscribe() => AssertVector(ClientMessage,
        V.Sum(1, V.Product(V.U32(2), Qs(0), V.Sum(1, V.Unit))),
        "01 02 00 00 00 00 00 00 00 01");

    [Fact]
    public void Vector_03_call_reducer() => AssertVector(ClientMessage,
        V.Sum(3, V.Product(V.U32(1), V.U8(0), V.String("add"), BsatnOf(V.Product(V.String("Alice"))))),
        "03 01 00 00 00 00 03 00 00 00 61 64 64 09 00 00 00 05 00 00 00 41 6c 69 63 65");

    [Fact]
    public void Vector_04_one_off_query() => AssertVector(ClientMessage,
        V.Sum(2, V.Product(V.U32(3), V.String("SELECT * FROM person"))),
        "02 03 00 00 00 14 00 00 00 53 45 4c 45 43 54 20 2a 20 46 52 4f 4d 20 70 65 72 73 6f 6e");

    [Fact]
    public void Vector_05_initial_connection() => AssertVector(ServerMessage,
        V.Sum(0, V.Product(
            Identity.FromClaims("localhost", "test-subject").ToValue(),
            new ConnectionId(UInt128.Parse("0102030405060708090a0b0c0d0e0f10", System.Globalization.NumberStyles.HexNumber, null)).ToValue(),
            V.String("tok"))),
        "00 38 7e a8 7a aa 9f d1 4a 47 f1 0a 59 7d 64 2f da f8 5b d6 1c 88 7d fb ec 79 1b d9 65 ce b3 00 c2 10 0f 0e 0d 0c 0b 0a 09 08 07 06 05 04 03 02 01 03 "
            + "00 00 00 74 6f 6b");

    [Fact]
    public void Vector_06_subscribe_applied() => AssertVector(ServerMessage,
        V.Sum(1, V.Product(V.U32(0), Qs(0), Rows(("person", RowList(RowOffsets(0, 9), Concat(V.Product(V.String("Alice")), V.Product(V.String("Bob")))))))),
        "01 00 00 00 00 00 00 00 00 01 00 00 00 06 00 00 00 70 65 72 73 6f 6e 01 02 00 00 00 00 00 00 00 00 00 00 00 09 00 00 00 00 00 00 00 10 00 00 00 05 00 "
            + "00 00 41 6c 69 63 65 03 00 00 00 42 6f 62");

    [Fact]
    public void Vector_07_transaction_update() => AssertVector(ServerMessage,
        V.Sum(4, V.Product(V.Array(V.Product(Qs(0), V.Array(V.Product(V.String("t"), V.Array(V.Sum(0, V.Product(
            RowList(V.Sum(0, V.U16(4)), Concat(V.U32(1), V.U32(2))),
            RowList(RowOffsets(), [])))))))))),
        "04 01 00 00 00 00 00 00 00 01 00 00 00 01 00 00 00 74 01 00 00 00 00 00 04 00 08 00 00 00 01 00 00 00 02 00 00 00 01 00 00 00 00 00 00 00 00");

    [Fact]
    public void Vector_08_reducer_result_ok() => AssertVector(ServerMessage,
        V.Sum(6, V.Product(V.U32(1), Ts, V.Sum(0, V.Product(Bytes(), V.Product(V.Array()))))),
        "06 01 00 00 00 00 40 1e 18 24 0a 06 00 00 00 00 00 00 00 00 00 00");

    [Fact]
    public void Vector_09_reducer_result_err() => AssertVector(ServerMessage,
        V.Sum(6, V.Product(V.U32(1), Ts, V.Sum(2, BsatnOf(V.String("boom"))))),
        "06 01 00 00 00 00 40 1e 18 24 0a 06 00 02 08 00 00 00 04 00 00 00 62 6f 6f 6d");

    [Fact]
    public void Vector_10_reducer_result_internal_error() => AssertVector(ServerMessage,
        V.Sum(6, V.Product(V.U32(1), Ts, V.Sum(3, V.String("no such reducer")))),
        "06 01 00 00 00 00 40 1e 18 24 0a 06 00 03 0f 00 00 00 6e 6f 20 73 75 63 68 20 72 65 64 75 63 65 72");

    [Fact]
    public void Vector_11_subscription_error_with_request_id() => AssertVector(ServerMessage,
        V.Sum(3, V.Product(V.OptionSome(V.U32(0)), Qs(0), V.String("bad"))),
        "03 00 00 00 00 00 00 00 00 00 03 00 00 00 62 61 64");

    [Fact]
    public void Vector_12_subscription_error_without_request_id() => AssertVector(ServerMessage,
        V.Sum(3, V.Product(V.OptionNone, Qs(0), V.String("bad"))),
        "03 01 00 00 00 00 03 00 00 00 62 61 64");

    [Fact]
    public void Vector_13_unsubscribe_applied() => AssertVector(ServerMessage,
        V.Sum(2, V.Product(V.U32(2), Qs(0), V.OptionSome(Rows(("person", RowList(RowOffsets(0), Concat(V.Product(V.String("Bob"))))))))),
        "02 02 00 00 00 00 00 00 00 00 01 00 00 00 06 00 00 00 70 65 72 73 6f 6e 01 01 00 00 00 00 00 00 00 00 00 00 00 07 00 00 00 03 00 00 00 42 6f 62");

    [Fact]
    public void Vector_14_procedure_result() => AssertVector(ServerMessage,
        V.Sum(7, V.Product(V.Sum(0, BsatnOf(V.U32(7))), Ts, new TimeDuration(1500).ToValue(), V.U32(4))),
        "07 00 04 00 00 00 07 00 00 00 00 40 1e 18 24 0a 06 00 dc 05 00 00 00 00 00 00 04 00 00 00");

    [Fact]
    public void Vector_15_one_off_query_error() => AssertVector(ServerMessage,
        V.Sum(5, V.Product(V.U32(3), V.Sum(1, V.String("oops")))),
        "05 03 00 00 00 01 04 00 00 00 6f 6f 70 73");

    [Fact]
    public void Vector_16_one_off_query_ok_empty() => AssertVector(ServerMessage,
        V.Sum(5, V.Product(V.U32(3), V.Sum(0, V.Product(V.Array())))),
        "05 03 00 00 00 00 00 00 00 00");
}
