using Meridian.Runtime.Execution;
using Meridian.Runtime.Hosting;
using Meridian.Runtime.Logging;
using Meridian.Runtime.Modules;
using Meridian.Sats;
using Meridian.Sats.Bsatn;
using Meridian.Sats.Values;
using Meridian.Storage;

namespace Meridian.Runtime.Tests;

/// <summary>samples/kanban/module (seed 004 as written): board_viewer presence keyed by the seed's <c>ctx.Address.ConnectionId</c>.</summary>
public sealed class KanbanSampleModuleTests : IAsyncLifetime
{
    private static readonly Identity Owner = Identity.FromClaims("localhost", "owner");
    private static readonly Identity Alice = Identity.FromClaims("localhost", "alice");
    private Database _db = null!;

    public async Task InitializeAsync()
    {
        var module = LoadedModule.Load("kanban", TestModules.KanbanSample());
        _db = await Database.OpenAsync(
            "kanban", Identity.FromClaims("localhost", "db"), Owner, Datastore.CreateInMemory(), module, new ModuleLog(null), runInit: true);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task Call(string reducer, Identity caller, ConnectionId connection, Action<BsatnWriter> args)
    {
        var w = new BsatnWriter();
        args(w);
        var result = await _db.CallReducerAsync(reducer, w.ToArray(), caller, connection);
        Assert.True(result.Status == ReducerStatus.Committed, $"{reducer}: {result.Status} {result.Error}");
    }

    private async Task<List<(ulong Board, string Connection)>> Viewers()
    {
        var result = Assert.Single(await _db.ExecuteSqlAsync("SELECT * FROM board_viewer", Owner, ConnectionId.Random()));
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
}
