using Meridian.Client.Http;
using Meridian.Sats;
using Leaderboard = Meridian.Golden.Leaderboard;
using Everything = Meridian.Golden.Everything;
using Views = Meridian.Golden.Views;

namespace Meridian.Client.Tests;

/// <summary>
/// The typed query builder of the generated C# bindings (<c>QueryBuilder</c>, <c>&lt;Table&gt;Cols</c>,
/// <c>SubscriptionBuilder.AddQuery</c>) against a real server: the SQL it writes is what the server
/// parses, and it selects the rows the condition says.
/// </summary>
public abstract class TypedQueryTests(ClientFixture fixture, TransportKind transport) : TransportTests(fixture, transport)
{
    public sealed class OverWebSocket(ClientFixture fixture) : TypedQueryTests(fixture, TransportKind.WebSocket);

    public sealed class InProcess(ClientFixture fixture) : TypedQueryTests(fixture, TransportKind.InProcess);

    [Fact]
    public async Task A_typed_subscription_holds_the_rows_its_condition_selects_and_follows_changes()
    {
        var db = await Fixture.PublishAsync(TestModules.Leaderboard(), "typed-leaderboard");
        using var conn = Via(Leaderboard.DbConnection.Builder(), db).Build();
        Ticks.Until(conn, () => conn.IsActive, "the connection");
        Ticks.Await(conn, conn.Reducers.SetScore(1, "ann", 10), "ann");
        Ticks.Await(conn, conn.Reducers.SetScore(2, "bob", 25), "bob");
        Ticks.Await(conn, conn.Reducers.SetScore(3, "cy", 40), "cy");

        var applied = false;
        var handle = conn.SubscriptionBuilder()
            .OnApplied(_ => applied = true)
            .OnError((_, e) => Assert.Fail("the server refused the typed query: " + e.Message))
            .AddQuery(qb => qb.From.Player().Where(c => c.Score.Gte(20).And(c.Name.Neq("cy"))))
            .Subscribe();
        Ticks.Until(conn, () => applied, "the typed subscription");

        Assert.Equal(
            ["""SELECT * FROM "player" WHERE (("player"."score" >= 20) AND ("player"."name" <> 'cy'))"""], handle.Queries);
        Assert.Equal([2ul], Ids(conn));

        Ticks.Await(conn, conn.Reducers.SetScore(1, "ann", 30), "ann rises");
        Ticks.Await(conn, conn.Reducers.SetScore(2, "bob", 5), "bob falls");
        Ticks.Until(conn, () => Ids(conn).SequenceEqual([1ul]), "ann in, bob out");
    }

    [Fact]
    public async Task Semijoins_return_the_rows_with_a_match_in_the_other_table()
    {
        var db = await Fixture.PublishAsync(TestModules.Views(), "typed-views");
        using var conn = Via(Views.DbConnection.Builder(), db).Build();
        Ticks.Until(conn, () => conn.IsActive, "the connection");
        Ticks.Await(conn, conn.Reducers.AddPlayer(IdentityOf(1), "ann", 10, 1), "ann");
        Ticks.Await(conn, conn.Reducers.AddPlayer(IdentityOf(2), "bob", 20, 1), "bob");
        Ticks.Await(conn, conn.Reducers.AddPlayer(IdentityOf(3), "cy", 30, 2), "cy");
        Ticks.Await(conn, conn.Reducers.AddMembership(100, 2), "bob's membership");
        Ticks.Await(conn, conn.Reducers.AddMembership(101, 3), "cy's membership");

        var applied = false;
        conn.SubscriptionBuilder()
            .OnError((_, e) => Assert.Fail("the server refused the semijoin: " + e.Message))
            .AddQuery(qb => qb.From.Player().Where(c => c.Team.Eq(1)).LeftSemijoin(qb.From.Membership(), (p, m) => p.Id.Eq(m.PlayerId)))
            .AddQuery(qb => qb.From.Player().RightSemijoin(qb.From.Membership(), (p, m) => p.Id.Eq(m.PlayerId)).Where(m => m.Id.Gt(100)))
            .OnApplied(_ => applied = true)
            .Subscribe();
        Ticks.Until(conn, () => applied, "the semijoin subscription");

        // Players of team 1 with a membership: bob only. Memberships above 100 whose player exists: cy's.
        Assert.Equal(["bob"], conn.Db.Player.Iter().Select(p => p.Name).Order());
        Assert.Equal([101ul], conn.Db.Membership.Iter().Select(m => m.Id));
        var left = new Views.QueryBuilder().From.Player().Where(c => c.Team.Eq(1))
            .LeftSemijoin(new Views.QueryBuilder().From.Membership(), (p, m) => p.Id.Eq(m.PlayerId)).ToSql();
        Assert.Equal(
            """SELECT "player".* FROM "player" JOIN "membership" ON "player"."id" = "membership"."player_id" WHERE ("player"."team" = 1)""", left);
    }

    [Fact]
    public async Task Every_literal_kind_is_parsed_by_the_server_and_means_the_value()
    {
        var db = await Fixture.PublishAsync(TestModules.Everything(), "typed-everything");
        using var conn = Via(Everything.DbConnection.Builder(), db).Build();
        Ticks.Until(conn, () => conn.IsActive, "the connection");
        var at = new Timestamp(1_764_000_000_123_456);
        var key = Uuid.FromGuid(Guid.Parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"));
        Ticks.Await(conn, conn.Reducers.InsertSpecial(at, new TimeDuration(5), key, [1, 2]), "the special row");
        var me = conn.Identity!.Value;
        using var http = new MeridianHttpClient(Fixture.Uri.ToString(), Fixture.OwnerToken);
        var qb = new Everything.QueryBuilder();

        async Task<int> CountAsync(string sql) => (await http.SqlAsync(db, sql)).Statements[0].Rows.Count;

        Assert.Equal(1, await CountAsync(qb.From.EverySpecial()
            .Where(c => c.Owner.Eq(me).And(c.At.Eq(at)).And(c.Key.Eq(key)).And(c.Connection.Eq(conn.ConnectionId))).ToSql()));
        Assert.Equal(0, await CountAsync(qb.From.EverySpecial().Where(c => c.At.Gt(at)).ToSql()));
        Assert.Equal(1, await CountAsync(qb.From.EverySpecial().Where(c => c.At.Lt(new Timestamp(at.MicrosecondsSinceUnixEpoch + 1))).ToSql()));
        Assert.Equal(0, await CountAsync(qb.From.EverySpecial().Where((_, ix) => ix.Owner.Neq(me)).ToSql()));

        // Every primitive column type: the server must parse and type-check each literal (the table is empty).
        var primitives = qb.From.EveryPrimitive().Where(c => c.ABool.Eq(true)
            .And(c.AnI8.Lt(-1)).And(c.Au8.Gt(1)).And(c.AnI16.Lte(-300)).And(c.Au16.Gte(300))
            .And(c.AnI32.Neq(-70000)).And(c.Au32.Eq(70000u)).And(c.AnI64.Lt(-5_000_000_000L)).And(c.Au64.Gt(5_000_000_000UL))
            .And(c.AnI128.Gt(Int128.MinValue)).And(c.Au128.Lt(UInt128.MaxValue))
            .And(c.AnF32.Gt(1.5f)).And(c.AnF64.Lt(-2.25)).And(c.AString.Eq("it's")).Or(!c.ABool.Eq(false))).ToSql();
        Assert.Equal(0, await CountAsync(primitives));
    }

    [Fact]
    public async Task Option_columns_compare_with_their_inner_value_and_rows_without_one_match_no_comparison()
    {
        var db = await Fixture.PublishAsync(TestModules.Everything(), "typed-options");
        using var conn = Via(Everything.DbConnection.Builder(), db).Build();
        Ticks.Until(conn, () => conn.IsActive, "the connection");
        // Ranks 1..3: number 5 / 10 / none, text "a" / none / "c".
        Ticks.Await(conn, conn.Reducers.InsertComposite(Composite(1, 5, "a")), "row 1");
        Ticks.Await(conn, conn.Reducers.InsertComposite(Composite(2, 10, null)), "row 2");
        Ticks.Await(conn, conn.Reducers.InsertComposite(Composite(3, null, "c")), "row 3");
        using var http = new MeridianHttpClient(Fixture.Uri.ToString(), Fixture.OwnerToken);
        var qb = new Everything.QueryBuilder();

        async Task<List<uint>> RanksAsync(Func<Everything.EveryCompositeCols, BoolExpr<Everything.EveryComposite>> where)
        {
            var sql = qb.From.EveryComposite().Where(where).ToSql();
            var result = (await http.SqlAsync(db, sql)).Statements[0];
            var rank = result.ColumnNames.ToList().IndexOf("rank");
            return result.Rows.Select(r => r[rank].GetUInt32()).Order().ToList();
        }

        Assert.Equal([1u], await RanksAsync(c => c.MaybeNumber.Eq(5)));
        Assert.Equal([2u], await RanksAsync(c => c.MaybeNumber.Gt(5)));
        Assert.Equal([1u, 2u], await RanksAsync(c => c.MaybeNumber.Gte(5)));
        Assert.Equal([1u], await RanksAsync(c => c.MaybeNumber.Lt(10)));
        Assert.Equal([1u, 2u], await RanksAsync(c => c.MaybeNumber.Lte(10)));
        // As C#'s lifted operators: a row without a value is not equal to 5, and neither less nor greater.
        Assert.Equal([2u, 3u], await RanksAsync(c => c.MaybeNumber.Neq(5)));
        Assert.Equal([], await RanksAsync(c => c.MaybeNumber.Gt(5).And(c.MaybeNumber.Lt(10))));
        Assert.Equal([3u], await RanksAsync(c => c.MaybeText.Gt("b")));
        Assert.Equal([1u], await RanksAsync(c => c.MaybeText.Lt("b")));
        Assert.Equal([1u, 3u], await RanksAsync(c => c.MaybeText.Gte(SqlLit.String("a"))));
        Assert.Equal([3u], await RanksAsync(c => c.MaybeNumber.IsNull()));
        Assert.Equal([1u, 2u], await RanksAsync(c => c.MaybeNumber.IsNotNull()));
        Assert.Equal([2u], await RanksAsync(c => c.MaybeText.IsNull()));
        Assert.Equal([2u], await RanksAsync(c => c.MaybeText.IsNull().And(c.MaybeNumber.IsNotNull())));

        // The same conditions live: rows move in and out as their optional values come and go.
        var applied = false;
        conn.SubscriptionBuilder()
            .OnApplied(_ => applied = true)
            .OnError((_, e) => Assert.Fail("the server refused the typed query: " + e.Message))
            .AddQuery(q => q.From.EveryComposite().Where(c => c.MaybeNumber.Gt(6)))
            .AddQuery(q => q.From.EveryComposite().Where(c => c.MaybeText.IsNull()))
            .Subscribe();
        Ticks.Until(conn, () => applied, "the typed subscription");
        Assert.Equal([2u], Ranks(conn));
        Ticks.Await(conn, conn.Reducers.InsertComposite(Composite(4, 7, "d")), "row 4");
        Ticks.Await(conn, conn.Reducers.InsertComposite(Composite(5, null, null)), "row 5");
        Ticks.Until(conn, () => Ranks(conn).SequenceEqual([2u, 4u, 5u]), "rows 4 (7 > 6) and 5 (no text)");
    }

    private static List<uint> Ranks(Everything.DbConnection conn) => conn.Db.EveryComposite.Iter().Select(r => r.Rank).Order().ToList();

    private static Everything.EveryComposite Composite(uint rank, int? number, string? text) => new()
    {
        Rank = rank,
        Painted = Everything.Color.Red,
        Drawn = new Everything.Shape.Circle(1),
        MaybeNumber = number,
        MaybeText = text,
    };

    [Fact]
    public void Orderings_of_an_optional_column_ask_for_a_value_and_null_tests_need_an_optional_column()
    {
        var composite = new Everything.QueryBuilder().From.EveryComposite();

        Assert.Equal(
            """SELECT * FROM "every_composite" WHERE (("every_composite"."maybe_number" > 5) AND ("every_composite"."maybe_number" <> NULL))""",
            composite.Where(c => c.MaybeNumber.Gt(5)).ToSql());
        Assert.Equal(
            """SELECT * FROM "every_composite" WHERE ("every_composite"."maybe_number" = 5)""", composite.Where(c => c.MaybeNumber.Eq(5)).ToSql());
        Assert.Equal(
            """SELECT * FROM "every_composite" WHERE ("every_composite"."maybe_text" = NULL)""", composite.Where(c => c.MaybeText.IsNull()).ToSql());
        Assert.Equal(
            """SELECT * FROM "every_composite" WHERE ("every_composite"."rank" > 1)""", composite.Where(c => c.Rank.Gt(1)).ToSql());
        var error = Assert.Throws<InvalidOperationException>(() => composite.Where(c => c.Rank.IsNull()));
        Assert.Contains("\"rank\" is not an optional column", error.Message, StringComparison.Ordinal);
        var columns = new Everything.EveryCompositeCols("every_composite");
        Assert.True(columns.MaybePoint.Optional);
        Assert.False(columns.Words.Optional);
    }

    [Fact]
    public void A_value_without_an_sql_literal_is_refused_with_its_type_named()
    {
        var qb = new Everything.QueryBuilder();
        var error = Assert.Throws<ArgumentException>(() => qb.From.EveryComposite().Where(c => c.Where.Eq(new Everything.Point())));
        Assert.Contains("Point", error.Message);
    }

    private static List<ulong> Ids(Leaderboard.DbConnection conn) => conn.Db.Player.Iter().Select(p => p.Id).Order().ToList();

    private static Identity IdentityOf(int n)
    {
        Assert.True(Identity.TryParse(n.ToString("x64", System.Globalization.CultureInfo.InvariantCulture), out var identity));
        return identity;
    }
}
