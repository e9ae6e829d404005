using Meridian.Runtime.Execution;
using Meridian.Runtime.Hosting;
using Meridian.Runtime.Logging;
using Meridian.Runtime.Modules;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Sats.ModuleDef;
using Meridian.Sats.Values;
using Meridian.Storage;

namespace Meridian.Runtime.Tests;

/// <summary>tests/Modules/Kanban: 1.x-style accessors and its [ClientVisibilityFilter]s as the runtime applies them.</summary>
public sealed class KanbanVisibilityTests : IAsyncLifetime
{
    private static readonly Identity Owner = Identity.FromClaims("localhost", "owner");
    private static readonly Identity Alice = Identity.FromClaims("localhost", "alice");
    private static readonly Identity Bob = Identity.FromClaims("localhost", "bob");
    private Database _db = null!;

    public async Task InitializeAsync()
    {
        var module = LoadedModule.Load("kanban", TestModules.Kanban());
        _db = await Database.OpenAsync(
            "kanban", Identity.FromClaims("localhost", "db"), Owner, Datastore.CreateInMemory(), module, new ModuleLog(null), runInit: true);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task Call(string reducer, Identity caller, Action<BsatnWriter> args)
    {
        var w = new BsatnWriter();
        args(w);
        var result = await _db.CallReducerAsync(reducer, w.ToArray(), caller, ConnectionId.Random());
        Assert.True(result.Status == ReducerStatus.Committed, $"{reducer}: {result.Status} {result.Error}");
    }

    private async Task<List<string>> BoardTitles(Identity caller, string sql = "SELECT * FROM board")
    {
        var result = Assert.Single(await _db.ExecuteSqlAsync(sql, caller, ConnectionId.Random()));
        var title = result.Schema.Elements.ToList().FindIndex(e => e.Name == "title");
        return result.Rows.Select(r => ((StringValue)r.Elements[title]).Value).Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public void The_filters_are_in_the_module_definition()
    {
        var rls = _db.Schema.Raw.RowLevelSecurity;
        Assert.NotNull(rls);
        Assert.Equal(3, rls.Count);
        Assert.Contains(rls, r => r.Sql.Contains("INNER JOIN collaborator", StringComparison.Ordinal));
        Assert.Contains(rls, r => r.Sql == "SELECT * FROM collaborator WHERE Identity = :sender");
    }

    [Fact]
    public void Name_only_tables_and_indexes_keep_their_names()
    {
        var tables = _db.Schema.Raw.Tables!;
        Assert.Contains(tables, t => t.SourceName == "User");
        Assert.Contains(_db.Schema.Raw.ExplicitNames!, e => e.Kind == ExplicitNameKind.Table && e.SourceName == "User" && e.CanonicalName == "user");
        var viewer = tables.Single(t => t.SourceName == "BoardViewer");
        Assert.Contains(viewer.Indexes, i => i.AccessorName == "UserConnections");
        Assert.Contains(_db.Schema.Raw.ExplicitNames!, e => e.Kind == ExplicitNameKind.Index && e.CanonicalName == "UserConnections");
    }

    [Fact]
    public async Task A_client_sees_only_the_boards_it_collaborates_on()
    {
        await Call("CreateBoard", Alice, w => w.WriteString("alice's"));
        await Call("CreateBoard", Bob, w => w.WriteString("bob's"));
        Assert.Equal(["alice's"], await BoardTitles(Alice));
        Assert.Equal(["bob's"], await BoardTitles(Bob));
        Assert.Equal(["alice's", "bob's"], await BoardTitles(Owner));
        // The filter applies under the client's own WHERE too.
        Assert.Empty(await BoardTitles(Bob, "SELECT * FROM board WHERE Title = 'alice''s'"));

        var aliceBoard = (await _db.ExecuteSqlAsync("SELECT * FROM board WHERE Title = 'alice''s'", Owner, ConnectionId.Random()))[0].Rows[0];
        var boardId = ((PrimitiveValue<ulong>)aliceBoard.Elements[0]).Value;
        await Call("AddCollaborator", Alice, w => { w.WriteU64(boardId); Bob.WriteBsatn(w); });
        Assert.Equal(["alice's", "bob's"], await BoardTitles(Bob));
        await Call("RemoveCollaborator", Alice, w => { w.WriteU64(boardId); Bob.WriteBsatn(w); });
        Assert.Equal(["bob's"], await BoardTitles(Bob));
    }
}
