using Meridian.Runtime.Subscriptions;
using Meridian.Sats;
using Meridian.Sats.Rows;
using Meridian.Sats.Values;
using Xunit.Abstractions;

namespace Meridian.Runtime.Tests;

/// <summary>Views of tests/Modules/Views subscribed to like tables, kept up to date as the tables they read change.</summary>
public sealed class ViewTests(ITestOutputHelper output) : ViewModuleTests
{
    private async Task<(FakeSession Session, Replica Replica)> Subscribe(Identity who, params string[] queries)
    {
        var session = new FakeSession(who);
        await Db.SubscribeAsync(session, 1, 1, queries).WaitAsync(Timeout);
        var replica = new Replica(session);
        replica.Catch();
        return (session, replica);
    }

    [Fact]
    public void Views_are_registered_with_their_kind_and_primary_key()
    {
        var views = Db.Schema.Views.ToDictionary(v => v.Name);
        Assert.Equal(
            ["all_players", "high_scorers", "members", "my_notes", "my_player", "my_player_pk", "team_one", "team_one_players", "team_stats"],
            views.Keys.Order(StringComparer.Ordinal));
        Assert.False(views["my_player"].IsAnonymous);
        Assert.True(views["high_scorers"].IsAnonymous);
        Assert.True(views["all_players"].IsQuery);
        Assert.False(views["my_notes"].IsQuery);
        Assert.Equal(0, views["my_notes"].PrimaryKeyColumn);
        Assert.Equal(0, views["team_stats"].PrimaryKeyColumn);
        Assert.Null(views["my_player"].PrimaryKeyColumn);
        // A query view of a table's rows has the table's primary key, as upstream assigns it.
        Assert.Equal(0, views["all_players"].PrimaryKeyColumn);
        Assert.Equal(0, views["members"].PrimaryKeyColumn);
        Assert.Equal(["id", "identity", "name", "score", "team"], views["my_player"].RowType.Elements.Select(e => e.Name));
        var raw = Db.Schema.Raw.Views!;
        Assert.Equal(9, raw.Count);
        Assert.Equal(5, Db.Schema.Raw.ViewPrimaryKeys!.Count);
    }

    [Fact]
    public async Task A_sender_view_has_each_callers_own_rows_and_follows_their_changes()
    {
        await AddPlayer(Bob, "bob", 5, 1);
        var (_, alice) = await Subscribe(Alice, "SELECT * FROM my_player");
        var (_, bob) = await Subscribe(Bob, "SELECT * FROM my_player");
        Assert.Empty(alice.Rows("my_player"));
        Assert.Equal("bob", Assert.Single(Decode("my_player", bob.Rows("my_player")))[2].AsString());

        await Call("join_game", Alice, w =>
        {
            w.WriteString("alice");
            w.WriteU32(2);
        });
        alice.Catch();
        bob.Catch();
        var mine = Assert.Single(Decode("my_player", alice.Rows("my_player")));
        Assert.Equal("alice", mine[2].AsString());
        Assert.Equal("bob", Assert.Single(Decode("my_player", bob.Rows("my_player")))[2].AsString());

        await SetScore(mine[0].AsU64(), 77);
        alice.Catch();
        Assert.Equal(77UL, Assert.Single(Decode("my_player", alice.Rows("my_player")))[3].AsU64());
    }

    [Fact]
    public async Task A_commit_that_touches_nothing_a_view_read_does_no_view_work()
    {
        await AddPlayer(Alice, "alice", 1, 1);
        var (aliceSession, alice) = await Subscribe(Alice, "SELECT * FROM my_player", "SELECT * FROM my_notes");
        var messages = aliceSession.Messages.Count;
        // Another caller's player and notes hold other identity values: neither of Alice's views runs or sends.
        await AddPlayer(Bob, "bob", 2, 1);
        await Call("add_note", Bob, w => w.WriteString("bob's"));
        Assert.Equal(messages, aliceSession.Messages.Count);
        Assert.Equal(2, ViewRuns(Alice, "my_player") + ViewRuns(Alice, "my_notes"));

        await Call("add_note", Alice, w => w.WriteString("mine"));
        alice.Catch();
        Assert.Equal("mine", Assert.Single(Decode("my_notes", alice.Rows("my_notes")))[2].AsString());
        Assert.Equal(1, ViewRuns(Alice, "my_player"));
        Assert.Equal(2, ViewRuns(Alice, "my_notes"));
    }

    [Fact]
    public async Task An_anonymous_view_over_an_index_range_sends_only_rows_that_enter_or_leave()
    {
        await AddPlayer(Alice, "alice", 1500, 1);
        await AddPlayer(Bob, "bob", 10, 1);
        var (session, client) = await Subscribe(Alice, "SELECT * FROM high_scorers");
        Assert.Equal(["alice"], Decode("high_scorers", client.Rows("high_scorers")).Select(p => p[2].AsString()));

        var before = session.Messages.Count;
        await SetScore(2, 2000); // bob enters
        var update = Assert.IsAssignableFrom<IReadOnlyList<QuerySetDelta>>(session.Messages[before]);
        var delta = Assert.Single(Assert.Single(update).Tables);
        Assert.Equal("high_scorers", delta.TableName);
        Assert.Single(delta.Inserts);
        Assert.Empty(delta.Deletes);
        client.Catch();
        Assert.Equal(["alice", "bob"], Decode("high_scorers", client.Rows("high_scorers")).Select(p => p[2].AsString()).Order());

        await SetScore(1, 3); // alice leaves
        client.Catch();
        Assert.Equal(["bob"], Decode("high_scorers", client.Rows("high_scorers")).Select(p => p[2].AsString()));
    }

    [Fact]
    public async Task Query_views_are_live_queries_under_the_views_name()
    {
        await AddPlayer(Alice, "alice", 1, 1);
        await AddPlayer(Bob, "bob", 2, 2);
        var (_, client) = await Subscribe(Alice, "SELECT * FROM all_players", "SELECT * FROM team_one", "SELECT * FROM members");
        Assert.Equal(2, client.Rows("all_players").Count);
        Assert.Equal(["alice"], Decode("team_one", client.Rows("team_one")).Select(p => p[2].AsString()));
        Assert.Empty(client.Rows("members"));

        await Call("add_membership", Owner, w =>
        {
            w.WriteU64(1);
            w.WriteU64(2);
        });
        await AddPlayer(Identity.FromClaims("localhost", "carol"), "carol", 3, 1);
        client.Catch();
        Assert.Equal(["bob"], Decode("members", client.Rows("members")).Select(p => p[2].AsString()));
        Assert.Equal(["alice", "carol"], Decode("team_one", client.Rows("team_one")).Select(p => p[2].AsString()).Order());
        Assert.Equal(3, client.Rows("all_players").Count);
    }

    [Fact]
    public async Task A_one_off_read_of_a_view_may_filter_project_and_limit_it_for_the_caller()
    {
        await AddPlayer(Alice, "alice", 1500, 1);
        await AddPlayer(Bob, "bob", 2500, 2);
        await Call("add_note", Alice, w => w.WriteString("a1"));
        await Call("add_note", Alice, w => w.WriteString("a2"));
        await Call("add_note", Bob, w => w.WriteString("a1"));

        // Upstream's SDKs read a view this way: a qualified star and a WHERE.
        var session = new FakeSession(Bob);
        await Db.OneOffQueryAsync(session, 1, "SELECT high_scorers.* FROM high_scorers WHERE score > 2000");
        var oneOff = ((string, IReadOnlyList<TableRowsResult>?, string?))Assert.Single(session.Messages);
        Assert.Null(oneOff.Item3);
        var table = Assert.Single(oneOff.Item2!);
        Assert.Equal("high_scorers", table.TableName);
        Assert.Contains("bob", System.Text.Encoding.UTF8.GetString(Assert.Single(table.Rows).Span), StringComparison.Ordinal);

        // A per-caller view is filtered within the caller's own rows.
        var alice = new FakeSession(Alice);
        await Db.OneOffQueryAsync(alice, 2, "SELECT * FROM my_notes WHERE text = 'a1'");
        var mine = ((string, IReadOnlyList<TableRowsResult>?, string?))Assert.Single(alice.Messages);
        Assert.Single(Assert.Single(mine.Item2!).Rows);

        // Ad-hoc SQL: projection, order and limit over the view's rows.
        var names = Assert.Single(await Db.ExecuteSqlAsync("SELECT text FROM my_notes ORDER BY text DESC LIMIT 1", Alice, ConnectionId.Zero)
            .WaitAsync(Timeout));
        Assert.Equal("a2", Assert.Single(names.Rows)[0].AsString());
        var none = Assert.Single(await Db.ExecuteSqlAsync("SELECT * FROM my_player WHERE score > 2000", Alice, ConnectionId.Zero).WaitAsync(Timeout));
        Assert.Empty(none.Rows);

        // A column the view does not have is a clear error, and nothing else changes.
        var bad = new FakeSession(Bob);
        await Db.OneOffQueryAsync(bad, 3, "SELECT * FROM high_scorers WHERE nope = 1");
        var error = ((string, IReadOnlyList<TableRowsResult>?, string?))Assert.Single(bad.Messages);
        Assert.Null(error.Item2);
        Assert.Contains("nope", error.Item3, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_view_subscription_may_filter_but_not_order_or_limit_and_a_refused_one_registers_nothing()
    {
        await AddPlayer(Alice, "alice", 1500, 1);
        var session = new FakeSession(Bob);
        await Db.OneOffQueryAsync(session, 1, "SELECT * FROM high_scorers");
        var oneOff = ((string, IReadOnlyList<TableRowsResult>?, string?))Assert.Single(session.Messages);
        Assert.Single(Assert.Single(oneOff.Item2!).Rows);

        Assert.Contains("not order or limit", Refused(Bob, "SELECT * FROM high_scorers ORDER BY score LIMIT 1"), StringComparison.Ordinal);
        Assert.Contains("View 'my_player' has no primary key", Refused(Bob, "SELECT m.* FROM my_player m JOIN player p ON m.id = p.id"),
            StringComparison.Ordinal);
        Assert.Contains("nope", Refused(Bob, "SELECT * FROM high_scorers WHERE nope = 1"), StringComparison.Ordinal);
        Assert.Contains("nope", Refused(Bob, "SELECT * FROM team_one WHERE nope = 1"), StringComparison.Ordinal);
        Assert.Equal(0, QueryCount());
    }

    [Fact]
    public async Task A_subscription_with_a_where_on_a_view_gets_and_follows_only_the_matching_rows()
    {
        await AddPlayer(Alice, "alice", 1500, 1);
        await AddPlayer(Bob, "bob", 2500, 2);
        await AddPlayer(Identity.FromClaims("localhost", "carol"), "carol", 5, 1);
        await Call("add_note", Alice, w => w.WriteString("keep"));
        await Call("add_note", Alice, w => w.WriteString("drop"));
        await Call("add_note", Bob, w => w.WriteString("keep"));
        const string Scorers = "SELECT * FROM high_scorers WHERE score > 2000";
        const string Notes = "SELECT my_notes.* FROM my_notes WHERE text = 'keep'";
        const string TeamOne = "SELECT * FROM team_one WHERE score < 100";
        var (session, client) = await Subscribe(Alice, Scorers, Notes, TeamOne);
        Assert.Equal(["bob"], Decode("high_scorers", client.Rows("high_scorers")).Select(p => p[2].AsString()));
        var notes = Assert.Single(Decode("my_notes", client.Rows("my_notes")));
        Assert.Equal("keep", notes[2].AsString()); // Alice's own, not Bob's
        Assert.Equal(["carol"], Decode("team_one", client.Rows("team_one")).Select(p => p[2].AsString()));

        async Task AssertFresh()
        {
            client.Catch();
            Assert.Equal(await OneOff(Alice, Scorers), Hex(client.Rows("high_scorers")));
            Assert.Equal(await OneOff(Alice, Notes), Hex(client.Rows("my_notes")));
            Assert.Equal(await OneOff(Alice, TeamOne), Hex(client.Rows("team_one")));
        }

        await SetScore(1, 2600); // alice enters the filter
        await SetScore(2, 1600); // bob stays in the view but leaves the filter
        await AssertFresh();
        Assert.Equal(["alice"], Decode("high_scorers", client.Rows("high_scorers")).Select(p => p[2].AsString()));

        // Rows of the view the filter excludes are not sent: bob leaving the view changes nothing the client holds.
        var before = session.Messages.Count;
        await SetScore(2, 500);
        await Call("add_note", Alice, w => w.WriteString("drop"));
        Assert.Equal(before, session.Messages.Count);

        // The view ran once per commit that touched what it read, not again for the filter.
        var runs = ViewRuns(Alice, "my_notes");
        await Call("add_note", Alice, w => w.WriteString("keep"));
        Assert.Equal(runs + 1, ViewRuns(Alice, "my_notes"));
        await SetScore(3, 50); // carol's new score still matches the query view's filter
        await AssertFresh();
        Assert.Equal(2, client.Rows("my_notes").Count);
        Assert.Equal(50UL, Assert.Single(Decode("team_one", client.Rows("team_one")))[3].AsU64());
    }

    [Fact]
    public async Task Unsubscribing_a_filtered_view_returns_its_filtered_rows_and_stops_its_updates()
    {
        await AddPlayer(Alice, "alice", 1500, 1);
        await AddPlayer(Bob, "bob", 2500, 2);
        var (session, client) = await Subscribe(Bob, "SELECT * FROM high_scorers WHERE team = 2");
        Assert.Single(client.Rows("high_scorers"));

        await Db.UnsubscribeAsync(session, 2, 1, sendDroppedRows: true).WaitAsync(Timeout);
        var (kind, _, _, dropped) = ((string, uint, uint, IReadOnlyList<TableRowsResult>?))session.Messages[^1];
        Assert.Equal("unapplied", kind);
        Assert.Equal(Hex(client.Rows("high_scorers")), Hex(Assert.Single(dropped!).Rows.Select(r => r.ToArray())));
        Assert.Equal(0, QueryCount());

        var messages = session.Messages.Count;
        await SetScore(2, 3000);
        Assert.Equal(messages, session.Messages.Count);
    }

    [Fact]
    public async Task Ad_hoc_sql_reads_a_view_for_the_caller()
    {
        await AddPlayer(Alice, "alice", 1500, 1);
        var select = Assert.Single(await Db.ExecuteSqlAsync("SELECT * FROM my_player", Alice, ConnectionId.Zero).WaitAsync(Timeout));
        Assert.Equal("alice", Assert.Single(select.Rows)[2].AsString());
        Assert.Equal("name", select.Schema.Elements[2].Name);
        Assert.Empty(Assert.Single(await Db.ExecuteSqlAsync("SELECT * FROM my_player", Bob, ConnectionId.Zero).WaitAsync(Timeout)).Rows);
        Assert.Single(Assert.Single(await Db.ExecuteSqlAsync("SELECT * FROM all_players", Bob, ConnectionId.Zero).WaitAsync(Timeout)).Rows);
    }

    [Fact]
    public async Task A_live_aggregate_view_keeps_count_sum_min_and_max_per_group()
    {
        var (_, client) = await Subscribe(Alice, "SELECT * FROM team_stats");
        Assert.Empty(client.Rows("team_stats"));
        await AddPlayer(Alice, "alice", 10, 1);
        await AddPlayer(Bob, "bob", 30, 1);
        await AddPlayer(Identity.FromClaims("localhost", "carol"), "carol", 5, 2);
        client.Catch();
        var stats = Decode("team_stats", client.Rows("team_stats")).ToDictionary(s => s[0].AsU32());
        Assert.Equal((2UL, 40UL, 10UL, 30UL), (stats[1][1].AsU64(), stats[1][2].AsU64(), stats[1][3].AsU64(), stats[1][4].AsU64()));
        Assert.Equal((1UL, 5UL, 5UL, 5UL), (stats[2][1].AsU64(), stats[2][2].AsU64(), stats[2][3].AsU64(), stats[2][4].AsU64()));

        await Call("remove_player", Owner, w => w.WriteU64(3));
        client.Catch();
        Assert.Equal([1u], Decode("team_stats", client.Rows("team_stats")).Select(s => s[0].AsU32()));
    }

    [Fact]
    public async Task Views_maintained_across_random_commits_equal_a_fresh_evaluation()
    {
        var seed = Environment.GetEnvironmentVariable("MERIDIAN_VIEW_SEED") is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        output.WriteLine($"seed {seed} (set MERIDIAN_VIEW_SEED to replay)");
        var random = new Random(seed);
        var people = Enumerable.Range(0, 6).Select(i => Identity.FromClaims("localhost", $"p{i}")).ToArray();
        var views = new[] { "my_player", "my_notes", "high_scorers", "all_players", "team_one", "team_one_players", "members", "team_stats" };
        // The same views with a WHERE each, subscribed by other clients: maintained from the views' changes.
        var filters = new Dictionary<string, string>
        {
            ["my_player"] = "team = 1", ["my_notes"] = "id > 3", ["high_scorers"] = "score > 2000", ["all_players"] = "score < 1000",
            ["team_one"] = "score >= 1500", ["team_one_players"] = "score <> 7", ["members"] = "team = 2", ["team_stats"] = "players > 1",
        };
        var clients = new List<(Identity Who, Replica Replica)>();
        var filtered = new List<(Identity Who, Replica Replica)>();
        foreach (var who in people.Take(3))
        {
            clients.Add((who, (await Subscribe(who, views.Select(v => $"SELECT * FROM {v}").ToArray())).Replica));
            filtered.Add((who, (await Subscribe(who, views.Select(v => $"SELECT * FROM {v} WHERE {filters[v]}").ToArray())).Replica));
        }
        ulong nextMembership = 1;
        for (var step = 0; step < 60; step++)
        {
            var who = people[random.Next(people.Length)];
            var result = random.Next(6) switch
            {
                0 => await Db.CallReducerAsync("add_player", Args(w =>
                {
                    who.WriteBsatn(w);
                    w.WriteString($"n{step}");
                    w.WriteU64((ulong)random.Next(3000));
                    w.WriteU32((uint)random.Next(3));
                }), Owner, ConnectionId.Random()),
                1 or 2 => await Db.CallReducerAsync("set_score", Args(w =>
                {
                    w.WriteU64((ulong)random.Next(1, step + 2));
                    w.WriteU64((ulong)random.Next(3000));
                }), Owner, ConnectionId.Random()),
                3 => await Db.CallReducerAsync("remove_player", Args(w => w.WriteU64((ulong)random.Next(1, step + 2))), Owner, ConnectionId.Random()),
                4 => await Db.CallReducerAsync("add_note", Args(w => w.WriteString($"t{step}")), who, ConnectionId.Random()),
                _ => await Db.CallReducerAsync("add_membership", Args(w =>
                {
                    w.WriteU64(nextMembership++);
                    w.WriteU64((ulong)random.Next(1, step + 2));
                }), Owner, ConnectionId.Random()),
            };
            _ = result; // failures (no such player, duplicate identity) are part of the mix: nothing changes
            foreach (var (identity, replica) in clients)
            {
                replica.Catch();
                foreach (var view in views)
                {
                    var fresh = new FakeSession(identity);
                    await Db.OneOffQueryAsync(fresh, 9, $"SELECT * FROM {view}");
                    var rows = ((string, IReadOnlyList<TableRowsResult>?, string?))Assert.Single(fresh.Messages);
                    var expected = Assert.Single(rows.Item2!).Rows.Select(r => Convert.ToHexString(r.Span)).Order().ToList();
                    var actual = replica.Rows(view).Select(Convert.ToHexString).Order().ToList();
                    Assert.True(expected.SequenceEqual(actual), $"seed {seed}, step {step}: view {view} for {identity} differs from a fresh evaluation");
                }
            }
            foreach (var (identity, replica) in filtered)
            {
                replica.Catch();
                foreach (var view in views)
                {
                    var sql = $"SELECT * FROM {view} WHERE {filters[view]}";
                    Assert.True((await OneOff(identity, sql)).SequenceEqual(Hex(replica.Rows(view))),
                        $"seed {seed}, step {step}: {sql} for {identity} differs from a fresh evaluation");
                }
            }
        }
    }
}
