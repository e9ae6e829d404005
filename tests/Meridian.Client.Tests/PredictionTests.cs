using Meridian.Client.Dynamic;
using Meridian.Golden.Leaderboard;
using Meridian.Sats.Values;

namespace Meridian.Client.Tests;

/// <summary>Optimistic updates: CallWithPrediction applies a prediction at once; the server's answer confirms or undoes it.</summary>
public abstract class PredictionTests(ClientFixture fixture, TransportKind transport) : TransportTests(fixture, transport)
{
    public sealed class OverWebSocket(ClientFixture fixture) : PredictionTests(fixture, TransportKind.WebSocket);

    public sealed class InProcess(ClientFixture fixture) : PredictionTests(fixture, TransportKind.InProcess);

    private static string Kind(EventContext ctx) => ctx.Event switch
    {
        Event.Predicted => "predicted",
        Event.Reducer r when r.ReducerEvent.IsCommitted => "committed",
        Event.Reducer => "failed",
        _ => ReconnectTests.Kind(ctx),
    };

    private static List<string> Log(DbConnection conn)
    {
        var log = new List<string>();
        conn.Db.Player.OnInsert += (ctx, p) => log.Add($"{Kind(ctx)} insert {p.Id} {p.Name} {p.Score}");
        conn.Db.Player.OnUpdate += (ctx, old, p) => log.Add($"{Kind(ctx)} update {p.Id} {old.Name} {old.Score}->{p.Name} {p.Score}");
        conn.Db.Player.OnDelete += (ctx, p) => log.Add($"{Kind(ctx)} delete {p.Id} {p.Name} {p.Score}");
        return log;
    }

    private async Task<(DbConnection Conn, string Db)> SubscribedAsync()
    {
        var db = await Fixture.PublishAsync(TestModules.Leaderboard(), "leaderboard");
        var conn = Via(DbConnection.Builder(), db).Build();
        var handle = conn.SubscriptionBuilder().Subscribe("SELECT * FROM player");
        Ticks.Until(conn, () => handle.IsActive, "the subscription");
        return (conn, db);
    }

    private static List<string> Rows(DbConnection conn) =>
        conn.Db.Player.Iter().OrderBy(p => p.Id).Select(p => $"{p.Id} {p.Name} {p.Score}").ToList();

    private static List<string> ServerRows(DbConnection conn) =>
        conn.CachedRows("player").Select(r => BsatnCodec.Decode(r.Row.Span, Player.ReadBsatn)).OrderBy(p => p.Id)
            .Select(p => $"{p.Id} {p.Name} {p.Score}").ToList();

    [Fact]
    public async Task A_prediction_shows_at_once_and_a_confirmation_that_matches_it_makes_no_callbacks()
    {
        var (conn, _) = await SubscribedAsync();
        using var _conn = conn;
        Ticks.Await(conn, conn.Reducers.SetScore(1, "Ada", 10), "the first row");
        var log = Log(conn);

        var call = conn.CallWithPrediction(
            () => conn.Reducers.SetScore(1, "Ada", 42),
            p => p.Update(conn.Db.Player, new Player(1, "Ada", 42)));
        var insert = conn.CallWithPrediction(
            () => conn.Reducers.SetScore(2, "Bob", 7),
            p => p.Insert(conn.Db.Player, new Player(2, "Bob", 7)));

        // Before any tick: the cache, its indexes and the callbacks have the predictions; the server's layer does not.
        Assert.Equal(["predicted update 1 Ada 10->Ada 42", "predicted insert 2 Bob 7"], log);
        Assert.Equal(["1 Ada 42", "2 Bob 7"], Rows(conn));
        Assert.Equal(2, conn.Db.Player.Count);
        Assert.Equal(42ul, conn.Db.Player.Id.Find(1)!.Score);
        Assert.Equal([1ul], conn.Db.Player.Score.Filter(42).Select(p => p.Id));
        Assert.Empty(conn.Db.Player.Score.Filter(10));
        Assert.Equal(2, conn.PendingPredictions);
        Assert.Equal(["1 Ada 10"], ServerRows(conn));

        Assert.True(Ticks.Await(conn, call, "the call").IsCommitted);
        Assert.True(Ticks.Await(conn, insert, "the insert").IsCommitted);
        Assert.Equal(2, log.Count);
        Assert.Equal(0, conn.PendingPredictions);
        Assert.Equal(["1 Ada 42", "2 Bob 7"], Rows(conn));
        Assert.Equal(["1 Ada 42", "2 Bob 7"], ServerRows(conn));
        Assert.Equal([2ul], conn.Db.Player.Score.Filter(7).Select(p => p.Id));

        // Later changes are reported as usual.
        Ticks.Await(conn, conn.Reducers.RemovePlayer(2), "a delete");
        Assert.Equal("committed delete 2 Bob 7", log[^1]);
        Assert.Equal(1, conn.Db.Player.Count);
    }

    [Fact]
    public async Task A_confirmation_that_differs_reports_the_difference_and_a_failure_undoes_the_prediction()
    {
        var (conn, _) = await SubscribedAsync();
        using var _conn = conn;
        Ticks.Await(conn, conn.Reducers.SetScore(1, "one", 10), "the first row");
        var log = Log(conn);

        // seed(5, 2) inserts p5 and p6 (score = id); the prediction guessed only p5, and wrongly.
        var seed = conn.CallWithPrediction(() => conn.Reducers.Seed(5, 2), p => p.Insert(conn.Db.Player, new Player(5, "guess", 0)));
        Assert.Equal(["predicted insert 5 guess 0"], log);
        Assert.True(Ticks.Await(conn, seed, "seed").IsCommitted);
        Assert.Equal(["predicted insert 5 guess 0", "committed update 5 guess 0->p5 5", "committed insert 6 p6 6"], log);
        Assert.Equal(["1 one 10", "5 p5 5", "6 p6 6"], Rows(conn));

        // seed(1, 1) fails: player 1 exists. Its prediction is undone, with the failed call as the event.
        log.Clear();
        var failing = conn.CallWithPrediction(
            () => conn.Reducers.Seed(1, 1),
            p => p.Update(conn.Db.Player, conn.Db.Player.Id.Find(1)!, new Player(1, "p1", 1)).Delete(conn.Db.Player, conn.Db.Player.Id.Find(6)!));
        Assert.Equal(["predicted delete 6 p6 6", "predicted update 1 one 10->p1 1"], log);
        Assert.Null(conn.Db.Player.Id.Find(6));
        Assert.Equal(2, conn.Db.Player.Count);
        var result = Ticks.Await(conn, failing, "the failing call");
        Assert.IsType<Status.Failed>(result.Status);
        Assert.Equal(["predicted delete 6 p6 6", "predicted update 1 one 10->p1 1", "failed update 1 p1 1->one 10", "failed insert 6 p6 6"], log);
        Assert.Equal(["1 one 10", "5 p5 5", "6 p6 6"], Rows(conn));
        Assert.Equal(0, conn.PendingPredictions);
    }

    [Fact]
    public async Task Another_clients_change_to_a_predicted_row_stays_hidden_until_the_answer_replaces_the_prediction()
    {
        var (conn, db) = await SubscribedAsync();
        using var _conn = conn;
        using var writer = Via(DbConnection.Builder(), db).Build();
        Ticks.Until(writer, () => writer.IsActive, "the writer");
        Ticks.Await(conn, conn.Reducers.SetScore(1, "one", 10), "the first row");
        var log = Log(conn);

        // Hold the answer back: no ticks until the other client's change has arrived too.
        var call = conn.CallWithPrediction(() => conn.Reducers.SetScore(1, "mine", 50), p => p.Update(conn.Db.Player, new Player(1, "mine", 50)));
        Ticks.Await(writer, writer.Reducers.SetScore(1, "theirs", 70), "the other client's change");
        Ticks.Await(writer, writer.Reducers.SetScore(3, "three", 3), "an unrelated row");
        // The answer may come before the other client's changes (the server ran this call first): wait for the last of
        // them too (row 3, committed after "theirs"), so all three commits are applied whichever order they ran in.
        Ticks.Until(conn, () => call.IsCompleted && conn.Db.Player.Id.Find(3) is not null, "the answer and the other client's changes");
        // Whichever order the server ran the two calls in, the cache ends as the server has it, with one row per key.
        var server = ServerRows(conn);
        Assert.Equal(server, Rows(conn));
        Assert.Equal(2, conn.Db.Player.Count);
        Assert.Equal("predicted update 1 one 10->mine 50", log[0]);
        Assert.Contains("transaction insert 3 three 3", log);
        var last = server[0] == "1 theirs 70" ? "theirs 70" : "mine 50";
        var lastUpdate = log.Last(l => l.Contains("update 1", StringComparison.Ordinal));
        Assert.EndsWith("->" + last, lastUpdate, StringComparison.Ordinal);
        Assert.Equal(0, conn.PendingPredictions);
    }

    [Fact]
    public async Task A_call_queued_offline_keeps_its_prediction_until_the_reconnect_answers_it()
    {
        var db = await Fixture.PublishAsync(TestModules.Leaderboard(), "leaderboard");
        await using var outage = StartOutage();
        using var conn = outage.Connect(DbConnection.Builder(), db).WithAutomaticReconnect(ReconnectTests.Fast).WithQueuedCalls().Build();
        var handle = conn.SubscriptionBuilder().Subscribe("SELECT * FROM player");
        Ticks.Until(conn, () => handle.IsActive, "the subscription");
        Ticks.Await(conn, conn.Reducers.Seed(1, 2), "seed");
        Ticks.Await(conn, conn.Reducers.SetScore(1, "one", 10), "a change that seed(1, 1) will clash with");
        var log = Log(conn);

        outage.Down = true;
        outage.DropAll();
        Ticks.Until(conn, () => conn.State == ConnectionState.Reconnecting, "Reconnecting");
        var confirmed = conn.CallWithPrediction(() => conn.Reducers.SetScore(2, "offline", 20), p => p.Update(conn.Db.Player, new Player(2, "offline", 20)));
        var refused = conn.CallWithPrediction(() => conn.Reducers.Seed(1, 1), p => p.Delete(conn.Db.Player, conn.Db.Player.Id.Find(1)!));
        Assert.Equal(2, conn.QueuedCalls.Count);
        Assert.Equal(["predicted update 2 p2 2->offline 20", "predicted delete 1 one 10"], log);
        Assert.Equal(["2 offline 20"], Rows(conn));
        Ticks.Until(conn, () => conn.ConnectionStatus.Attempt >= 2, "a second attempt");
        Assert.Equal(["2 offline 20"], Rows(conn));

        outage.Down = false;
        Assert.True(Ticks.Await(conn, confirmed, "the confirmed call").IsCommitted);
        Assert.IsType<Status.Failed>(Ticks.Await(conn, refused, "the refused call").Status);
        Assert.Equal(["predicted update 2 p2 2->offline 20", "predicted delete 1 one 10", "failed insert 1 one 10"], log);
        Assert.Equal(["1 one 10", "2 offline 20"], Rows(conn));
        Assert.Equal(0, conn.PendingPredictions);
    }

    [Fact]
    public async Task A_call_refused_at_once_leaves_the_cache_alone_and_a_delegate_without_a_call_is_an_error()
    {
        var (conn, _) = await SubscribedAsync();
        using var _conn = conn;
        Ticks.Await(conn, conn.Reducers.SetScore(1, "one", 10), "the first row");
        var log = Log(conn);
        var noCall = Task.FromResult(new ReducerEvent(default, new Status.Committed(), default, default, "none", null));
        var error = Record.Exception(() =>
        {
            _ = conn.CallWithPrediction(() => noCall, p => p.Insert(conn.Db.Player, new Player(9, "nine", 9)));
        });
        Assert.Contains("made no reducer call", Assert.IsType<InvalidOperationException>(error).Message, StringComparison.Ordinal);
        Assert.Empty(log);

        conn.Disconnect();
        Ticks.Until(conn, () => conn.State == ConnectionState.Disconnected, "Disconnected");
        var late = conn.CallWithPrediction(() => conn.Reducers.SetScore(9, "late", 9), p => p.Insert(conn.Db.Player, new Player(9, "late", 9)));
        Assert.True(late.IsCompleted);
        Assert.IsType<Status.InternalError>((await late).Status);
        Assert.Empty(log);
        Assert.Equal(0, conn.PendingPredictions);
        Assert.Equal(["1 one 10"], Rows(conn));
    }

    [Fact]
    public async Task A_DynamicDbConnection_predicts_with_rows_made_from_values()
    {
        var db = await Fixture.PublishAsync(TestModules.Leaderboard(), "leaderboard");
        using var http = new HttpClient();
        var schema = await DatabaseSchema.FetchAsync(http, Fixture.Uri, db);
        using var conn = Via(DynamicDbConnection.Builder(schema), db).Build();
        var handle = conn.SubscriptionBuilder().Subscribe("SELECT * FROM player");
        Ticks.Until(conn, () => handle.IsActive, "the subscription");
        var player = conn.Table("player");
        var log = new List<string>();
        player.OnInsert += (ctx, r) => log.Add($"{ctx.Event.GetType().Name} insert {r["id"].AsU64()} {r["score"].AsU64()}");
        player.OnUpdate += (ctx, old, r) => log.Add($"{ctx.Event.GetType().Name} update {r["id"].AsU64()} {old["score"].AsU64()}->{r["score"].AsU64()}");
        Assert.Throws<ArgumentException>(() => player.CreateRow(AlgebraicValue.Product(AlgebraicValue.U64(1))));

        var row = player.CreateRow(AlgebraicValue.Product(AlgebraicValue.U64(1), AlgebraicValue.String("Ada"), AlgebraicValue.U64(42)));
        var call = conn.CallWithPrediction(() => conn.CallReducerAsync("set_score", row.Value), p => p.Insert(player, row));
        Assert.Equal(42ul, player.FindByPrimaryKey(AlgebraicValue.U64(1))!["score"].AsU64());
        Assert.Equal(["Predicted insert 1 42"], log);
        Assert.Empty(conn.CachedRows("player"));
        Assert.True(Ticks.Await(conn, call, "the answer").IsCommitted);
        Assert.Equal(["Predicted insert 1 42"], log);
        Assert.Single(conn.CachedRows("player"));

        // The server does something else than predicted: the callbacks report the difference.
        var wrong = player.CreateRow(AlgebraicValue.Product(AlgebraicValue.U64(1), AlgebraicValue.String("Ada"), AlgebraicValue.U64(99)));
        var next = conn.CallWithPrediction(
            () => conn.CallReducerAsync("set_score", AlgebraicValue.Product(AlgebraicValue.U64(1), AlgebraicValue.String("Ada"), AlgebraicValue.U64(50))),
            p => p.Update(player, wrong));
        Assert.Equal(1, conn.PendingPredictions);
        Ticks.Await(conn, next, "the second answer");
        Assert.Equal(["Predicted insert 1 42", "Predicted update 1 42->99", "Reducer update 1 99->50"], log);
        Assert.Equal(0, conn.PendingPredictions);
    }
}
