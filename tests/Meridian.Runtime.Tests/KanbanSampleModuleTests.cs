using Meridian.Runtime.Execution;
using Meridian.Runtime.Hosting;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Sats.ModuleDef;
using Meridian.Sats.Values;

namespace Meridian.Runtime.Tests;

/// <summary>
/// samples/kanban/module (seed 004 as written): 1.x-style accessors, its [ClientVisibilityFilter]s as the runtime applies
/// them, and board_viewer presence keyed by the seed's <c>ctx.Address.ConnectionId</c>.
/// </summary>
public sealed class KanbanSampleModuleTests() : InMemoryModuleTests("kanban", TestModules.KanbanSample)
{
    private static readonly Identity Alice = Identity.FromClaims("localhost", "alice");
    private static readonly Identity Bob = Identity.FromClaims("localhost", "bob");
    private async Task Call(string reducer, Identity caller, ConnectionId connection, Action<BsatnWriter> args)
    {
        var result = await Db.CallReducerAsync(reducer, Args(args), caller, connection);
        Assert.True(result.Status == ReducerStatus.Committed, $"{reducer}: {result.Status} {result.Error}");
    }

    private async Task<List<string>> BoardTitles(Identity caller, string sql = "SELECT * FROM board")
    {
        var result = Assert.Single(await Db.ExecuteSqlAsync(sql, caller, ConnectionId.Random()));
        var title = result.Schema.Elements.ToList().FindIndex(e => e.Name == "title");
        return result.Rows.Select(r => ((StringValue)r.Elements[title]).Value).Order(StringComparer.Ordinal).ToList();
    }

    private async Task<List<(ulong Board, string Connection)>> Viewers()
    {
        var result = Assert.Single(await Db.ExecuteSqlAsync("SELECT * FROM board_viewer", Owner, ConnectionId.Random()));
        var names = result.Schema.Elements.Select(e => e.Name).ToList();
        int board = names.IndexOf("board_id"), connection = names.IndexOf("connection_id");
        return result.Rows
            .Select(r => (((PrimitiveValue<ulong>)r.Elements[board]).Value, ((StringValue)r.Elements[connection]).Value))
            .OrderBy(v => v.Item2, StringComparer.Ordinal)
            .ToList();
    }

    [Fact]
    public async Task Each_tab_is_one_viewer_row_named_by_its_connection()
    {
        var tab1 = ConnectionId.Random();
        var tab2 = ConnectionId.Random();
        await Call("CreateBoard", Alice, tab1, w => w.WriteString("plans"));
        await Call("StartViewingBoard", Alice, tab1, w => w.WriteU64(1));
        await Call("StartViewingBoard", Alice, tab2, w => w.WriteU64(1));
        await Call("StartViewingBoard", Alice, tab1, w => w.WriteU64(2)); // tab 1 moves to another board: still one row

        var viewers = await Viewers();
        Assert.Equal(2, viewers.Count);
        Assert.All(viewers, v => Assert.Matches("^[0-9a-f]{32}$", v.Connection));
        Assert.NotEqual(viewers[0].Connection, viewers[1].Connection);
        Assert.Equal([1ul, 2ul], viewers.Select(v => v.Board).Order());
    }

    [Fact]
    public void The_filters_are_in_the_module_definition()
    {
        var rls = Db.Schema.Raw.RowLevelSecurity;
        Assert.NotNull(rls);
        Assert.Equal(3, rls.Count);
        Assert.Contains(rls, r => r.Sql.Contains("INNER JOIN collaborator", StringComparison.Ordinal));
        Assert.Contains(rls, r => r.Sql == "SELECT * FROM collaborator WHERE Identity = :sender");
    }

    [Fact]
    public void Name_only_tables_and_indexes_keep_their_names()
    {
        var tables = Db.Schema.Raw.Tables!;
        Assert.Contains(tables, t => t.SourceName == "User");
        Assert.Contains(Db.Schema.Raw.ExplicitNames!, e => e.Kind == ExplicitNameKind.Table && e.SourceName == "User" && e.CanonicalName == "user");
        var viewer = tables.Single(t => t.SourceName == "BoardViewer");
        Assert.Contains(viewer.Indexes, i => i.AccessorName == "UserConnections");
        Assert.Contains(Db.Schema.Raw.ExplicitNames!, e => e.Kind == ExplicitNameKind.Index && e.CanonicalName == "UserConnections");
    }

    [Fact]
    public async Task A_client_sees_only_the_boards_it_collaborates_on()
    {
        await Call("CreateBoard", Alice, ConnectionId.Random(), w => w.WriteString("alice's"));
        await Call("CreateBoard", Bob, ConnectionId.Random(), w => w.WriteString("bob's"));
        Assert.Equal(["alice's"], await BoardTitles(Alice));
        Assert.Equal(["bob's"], await BoardTitles(Bob));
        Assert.Equal(["alice's", "bob's"], await BoardTitles(Owner));
        // The filter applies under the client's own WHERE too.
        Assert.Empty(await BoardTitles(Bob, "SELECT * FROM board WHERE Title = 'alice''s'"));

        var aliceBoard = (await Db.ExecuteSqlAsync("SELECT * FROM board WHERE Title = 'alice''s'", Owner, ConnectionId.Random()))[0].Rows[0];
        var boardId = ((PrimitiveValue<ulong>)aliceBoard.Elements[0]).Value;
        // Only a registered user (one ClientConnected has seen) can be invited.
        var bobsConnection = ConnectionId.Random();
        await Db.ConnectAsync(Bob, bobsConnection);
        await Call("InviteCollaborator", Alice, ConnectionId.Random(), w => { w.WriteU64(boardId); Bob.WriteBsatn(w); });
        Assert.Equal(["alice's", "bob's"], await BoardTitles(Bob));
        await Call("LeaveBoard", Bob, bobsConnection, w => w.WriteU64(boardId));
        Assert.Equal(["bob's"], await BoardTitles(Bob));
        Assert.Equal(["alice's"], await BoardTitles(Alice));
    }

    [Fact]
    public async Task Inviting_an_unregistered_identity_is_refused_and_changes_nothing()
    {
        await Call("CreateBoard", Alice, ConnectionId.Random(), w => w.WriteString("plans"));
        var board = (await Db.ExecuteSqlAsync("SELECT * FROM board", Alice, ConnectionId.Random()))[0].Rows.Single();
        var w = new BsatnWriter();
        w.WriteU64(((PrimitiveValue<ulong>)board.Elements[0]).Value);
        Bob.WriteBsatn(w);
        var result = await Db.CallReducerAsync("InviteCollaborator", w.ToArray(), Alice, ConnectionId.Random());
        Assert.NotEqual(ReducerStatus.Committed, result.Status);
        Assert.Contains("no such user", result.Error);
        Assert.Empty(await BoardTitles(Bob));
        Assert.Single((await Db.ExecuteSqlAsync("SELECT * FROM collaborator", Owner, ConnectionId.Random()))[0].Rows);
    }
}
