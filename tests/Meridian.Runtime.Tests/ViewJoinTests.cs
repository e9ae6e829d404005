using Meridian.Runtime.Subscriptions;
using Meridian.Sats;
using Meridian.Sats.Values;

namespace Meridian.Runtime.Tests;

/// <summary>
/// Subscriptions and one-time reads that join views of tests/Modules/Views with tables and with each other: each is kept
/// live as the tables under the views change, and after every step the client's copy equals the same query run afresh.
/// </summary>
public sealed class ViewJoinTests : ViewModuleTests
{
    /// <summary>One client subscribed to one query.</summary>
    private sealed class Client(Identity identity, string sql) : Replica(new FakeSession(identity))
    {
        public Identity Identity => identity;

        public string Sql => sql;
    }

    private async Task<Client> Subscribe(Identity who, string sql)
    {
        var client = new Client(who, sql);
        await Db.SubscribeAsync(client.Session, 1, 1, [sql]).WaitAsync(Timeout);
        client.Catch();
        return client;
    }

    // The client caught up, and what it holds equals the query evaluated afresh for it (incremental == full recomputation).
    private async Task<List<string>> Check(Client client)
    {
        client.Catch();
        var held = Hex(client.AllRows);
        Assert.Equal(await OneOff(client.Identity, client.Sql), held);
        return held;
    }

    [Fact]
    public async Task A_table_joined_with_a_query_view_on_its_primary_key_follows_both_and_the_semijoin_sends_updates_by_key()
    {
        // The C# SDK regression client's view-pk-join shapes: the table's rows, and the right semijoin returning the view's.
        var left = await Subscribe(Alice, "SELECT membership.* FROM membership JOIN all_players player ON membership.player_id = player.id");
        var right = await Subscribe(Alice, "SELECT player.* FROM membership JOIN all_players player ON membership.player_id = player.id");
        Assert.Empty(left.AllRows);
        Assert.Empty(right.AllRows);

        await AddPlayer(Alice, "alice", 5, 1);
        Assert.Empty(await Check(left));
        Assert.Empty(await Check(right));
        await AddMembership(10, 1);
        Assert.Single(await Check(left));
        await Check(right);
        Assert.Equal("alice", Assert.Single(Decode("all_players", right.AllRows))[2].AsString());

        // A change to the view's row (same key): one update holding the old row deleted and the new inserted.
        var updates = right.Updates.Count;
        await SetScore(1, 99);
        await Check(right);
        var (table, inserts, deletes) = Assert.Single(right.Updates.Skip(updates));
        Assert.Equal("all_players", table);
        Assert.Equal(5UL, Decode("all_players", deletes).Single()[3].AsU64());
        Assert.Equal(99UL, Decode("all_players", inserts).Single()[3].AsU64());
        Assert.Single(await Check(left)); // the membership row did not change

        await RemoveMembership(10);
        Assert.Empty(await Check(left));
        Assert.Empty(await Check(right));
    }

    [Fact]
    public async Task A_base_table_change_moves_a_row_into_and_out_of_a_join_with_a_procedural_view()
    {
        await AddPlayer(Alice, "alice", 5, 1);
        await AddPlayer(Bob, "bob", 2000, 2);
        await AddMembership(10, 1);
        await AddMembership(11, 2);
        var client = await Subscribe(Alice, "SELECT m.* FROM membership m JOIN high_scorers h ON m.player_id = h.id");
        Assert.Equal([11UL], Decode("membership", client.AllRows).Select(r => r[0].AsU64()));

        await SetScore(1, 1500); // alice becomes a high scorer: her membership enters
        Assert.Equal(2, (await Check(client)).Count);
        await SetScore(2, 3); // bob stops being one: his leaves
        await Check(client);
        Assert.Equal([10UL], Decode("membership", client.AllRows).Select(r => r[0].AsU64()));

        // A commit that touches neither the table joined nor a row the view read sends nothing.
        var messages = client.Session.Messages.Count;
        await Call("add_note", Bob, w => w.WriteString("unrelated"));
        Assert.Equal(messages, client.Session.Messages.Count);

        // Joined on a player that is not a high scorer: nothing enters until he becomes one.
        await AddMembership(12, 2);
        Assert.Single(await Check(client));
        await SetScore(2, 4000);
        await Check(client);
        Assert.Equal([10UL, 11UL, 12UL], Decode("membership", client.AllRows).Select(r => r[0].AsU64()).Order());
    }

    [Fact]
    public async Task A_join_with_a_sender_view_gives_each_caller_its_own_rows()
    {
        await AddPlayer(Alice, "alice", 1, 1);
        await AddPlayer(Bob, "bob", 2, 1);
        await AddMembership(10, 1);
        const string Sql = "SELECT m.* FROM membership m JOIN my_player_pk p ON m.player_id = p.id";
        var alice = await Subscribe(Alice, Sql);
        var bob = await Subscribe(Bob, Sql);
        Assert.Equal([10UL], Decode("membership", alice.AllRows).Select(r => r[0].AsU64()));
        Assert.Empty(bob.AllRows);
        Assert.Equal(2, QueryCount()); // one live query per caller: the view reads the sender

        await AddMembership(11, 2);
        Assert.Equal([11UL], Decode("membership", (await Check(bob)).Select(Convert.FromHexString)).Select(r => r[0].AsU64()));
        Assert.Single(await Check(alice));
        Assert.DoesNotContain(alice.Updates, u => u.Inserts.Count > 0);

        // Bob's player goes away: his view is empty, so his join is.
        await Call("remove_player", Owner, w => w.WriteU64(2));
        Assert.Empty(await Check(bob));
        Assert.Single(await Check(alice));
    }

    [Fact]
    public async Task Two_sender_views_joined_on_their_keys_follow_either_side()
    {
        // The regression client's two-sender-views semijoin: my_player_pk (procedural) and members (a query view), both keyed by id.
        await AddPlayer(Alice, "alice", 1, 1);
        await AddPlayer(Bob, "bob", 2, 1);
        const string Sql = "SELECT b.* FROM my_player_pk a JOIN members b ON a.id = b.id";
        var alice = await Subscribe(Alice, Sql);
        var bob = await Subscribe(Bob, Sql);
        Assert.Empty(alice.AllRows);

        await AddMembership(10, 1); // alice becomes a member: she enters her own join only
        Assert.Equal("alice", Assert.Single(Decode("members", (await Check(alice)).Select(Convert.FromHexString)))[2].AsString());
        Assert.Empty(await Check(bob));

        var updates = alice.Updates.Count;
        await SetScore(1, 50); // both views change in one commit: one update, by key
        await Check(alice);
        var (table, inserts, deletes) = Assert.Single(alice.Updates.Skip(updates));
        Assert.Equal("members", table);
        Assert.Equal(1UL, Decode("members", deletes).Single()[3].AsU64());
        Assert.Equal(50UL, Decode("members", inserts).Single()[3].AsU64());
        Assert.Empty(await Check(bob));

        // An anonymous procedural view joined with a sender query view.
        var team = await Subscribe(Bob, "SELECT a.* FROM members a JOIN team_one_players t ON a.id = t.id");
        Assert.Single(team.AllRows);
        await Call("join_game", Identity.FromClaims("localhost", "carol"), w =>
        {
            w.WriteString("carol");
            w.WriteU32(2);
        });
        await AddMembership(11, 3); // carol is a member but not in team one
        Assert.Single(await Check(team));
        await RemoveMembership(10);
        Assert.Empty(await Check(team));
        Assert.Empty(await Check(alice));
    }

    [Fact]
    public async Task Unsubscribing_a_view_join_stops_its_updates_and_frees_it()
    {
        await AddPlayer(Alice, "alice", 1500, 1);
        var client = await Subscribe(Alice, "SELECT m.* FROM membership m JOIN high_scorers h ON m.player_id = h.id");
        Assert.Equal(1, QueryCount());
        await AddMembership(10, 1);
        Assert.Single(await Check(client));

        await Db.UnsubscribeAsync(client.Session, 2, 1, sendDroppedRows: true).WaitAsync(Timeout);
        var (kind, _, _, dropped) = ((string, uint, uint, IReadOnlyList<TableRowsResult>?))client.Session.Messages.Last();
        Assert.Equal("unapplied", kind);
        Assert.Single(Assert.Single(dropped!).Rows);
        Assert.Equal(0, QueryCount());
        var messages = client.Session.Messages.Count;
        await AddMembership(11, 1);
        await SetScore(1, 1);
        Assert.Equal(messages, client.Session.Messages.Count);
    }

    [Fact]
    public async Task Filters_and_joins_over_one_view_share_its_evaluation()
    {
        await AddPlayer(Alice, "alice", 1, 1);
        await Call("add_note", Alice, w => w.WriteString("a"));
        var first = await Subscribe(Alice, "SELECT * FROM my_notes WHERE text = 'a'");
        var second = await Subscribe(Alice, "SELECT * FROM my_notes WHERE text = 'b'");
        var joined = await Subscribe(Alice, "SELECT n.* FROM note n JOIN my_notes m ON n.id = m.id WHERE m.text = 'b'");
        Assert.Equal(1, await Db.SharedViewCountForTests());
        Assert.Single(first.AllRows);
        Assert.Empty(second.AllRows);

        var before = ViewRuns(Alice, "my_notes");
        await Call("add_note", Alice, w => w.WriteString("b"));
        Assert.Equal(before + 1, ViewRuns(Alice, "my_notes")); // once for the commit, not once per filter or join
        Assert.Single(await Check(first));
        Assert.Single(await Check(second));
        Assert.Single(await Check(joined));

        // The shared view lives while any of them does.
        await Db.UnsubscribeAsync(first.Session, 2, 1, sendDroppedRows: false).WaitAsync(Timeout);
        await Db.UnsubscribeAsync(second.Session, 2, 1, sendDroppedRows: false).WaitAsync(Timeout);
        Assert.Equal(1, await Db.SharedViewCountForTests());
        await Call("add_note", Alice, w => w.WriteString("b"));
        Assert.Equal(2, (await Check(joined)).Count);
        await Db.UnsubscribeAsync(joined.Session, 2, 1, sendDroppedRows: false).WaitAsync(Timeout);
        Assert.Equal(0, await Db.SharedViewCountForTests());
    }

    [Fact]
    public async Task Joins_upstream_refuses_get_an_error_naming_the_view_and_register_nothing()
    {
        await AddPlayer(Alice, "alice", 1500, 1);
        Assert.Contains("View 'my_player' has no primary key", Refused(Alice, "SELECT m.* FROM membership m JOIN my_player p ON m.player_id = p.id"),
            StringComparison.Ordinal);
        Assert.Contains("View 'high_scorers' can be joined only by an equality on its primary key 'id'",
            Refused(Alice, "SELECT m.* FROM membership m JOIN high_scorers h ON m.player_id = h.score"), StringComparison.Ordinal);
        Assert.Contains("View 'high_scorers' is joined without a condition on its primary key",
            Refused(Alice, "SELECT m.* FROM membership m JOIN high_scorers h"), StringComparison.Ordinal);
        Assert.Contains("cannot order or limit",
            Refused(Alice, "SELECT m.* FROM membership m JOIN high_scorers h ON m.player_id = h.id ORDER BY m.id LIMIT 1"), StringComparison.Ordinal);
        Assert.Contains("nope", Refused(Alice, "SELECT m.* FROM membership m JOIN high_scorers h ON m.player_id = h.nope"), StringComparison.Ordinal);
        Assert.Equal(0, QueryCount());
    }

    [Fact]
    public async Task Ad_hoc_sql_joins_views_as_upstream_does_and_explain_describes_a_view()
    {
        await AddPlayer(Alice, "alice", 1500, 1);
        await AddPlayer(Bob, "bob", 10, 2);
        await AddMembership(10, 1);
        await AddMembership(11, 2);

        // Ad-hoc SQL allows any join with a view, a view without a primary key too, and projections.
        var mine = Assert.Single(await Db.ExecuteSqlAsync(
            "SELECT m.id AS membership, p.name AS name FROM membership m JOIN my_player p ON m.player_id = p.id", Bob, ConnectionId.Zero)
            .WaitAsync(Timeout));
        var row = Assert.Single(mine.Rows);
        Assert.Equal(11UL, row[0].AsU64());
        Assert.Equal("bob", row[1].AsString());
        var both = Assert.Single(await Db.ExecuteSqlAsync(
            "SELECT h.* FROM high_scorers h JOIN all_players a ON h.id = a.id", Bob, ConnectionId.Zero).WaitAsync(Timeout));
        Assert.Equal("alice", Assert.Single(both.Rows)[2].AsString());

        // A one-off query of the subscription dialect: the same join a subscription would keep.
        Assert.Single(await OneOff(Alice, "SELECT m.* FROM membership m JOIN my_player_pk p ON m.player_id = p.id"));
        var probe = new FakeSession(Alice);
        await Db.OneOffQueryAsync(probe, 1, "SELECT m.* FROM membership m JOIN my_player p ON m.player_id = p.id");
        var (_, _, error) = ((string, IReadOnlyList<TableRowsResult>?, string?))Assert.Single(probe.Messages);
        Assert.Contains("View 'my_player' has no primary key", error, StringComparison.Ordinal);

        var plan = string.Join("\n", Assert.Single(await Db.ExecuteSqlAsync("EXPLAIN SELECT * FROM high_scorers WHERE score > 5", Bob, ConnectionId.Zero)
            .WaitAsync(Timeout)).Rows.Select(r => r[0].AsString()));
        Assert.Contains("high_scorers", plan, StringComparison.Ordinal);
        Assert.Contains("view high_scorers: the rows the view's code returns", plan, StringComparison.Ordinal);
        var joinPlan = string.Join("\n", Assert.Single(await Db.ExecuteSqlAsync(
            "EXPLAIN SELECT m.* FROM membership m JOIN all_players p ON m.player_id = p.id", Bob, ConnectionId.Zero).WaitAsync(Timeout))
            .Rows.Select(r => r[0].AsString()));
        Assert.Contains("view all_players: the live query the view returns (computed per caller, indexed by its primary key id)", joinPlan,
            StringComparison.Ordinal);
    }
}
