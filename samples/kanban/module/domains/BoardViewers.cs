// domains/BoardViewers.cs
using SpacetimeDB;

[Table(Name = "board_viewer", Public = true)]
[SpacetimeDB.Index.BTree(Name = "UserConnections", Columns = [nameof(Identity), nameof(ConnectionId)])]
public partial struct BoardViewer
{
    public ulong BoardId;
    public Identity Identity;
    public string ConnectionId;  // Handle multiple tabs
    public Timestamp LastPing;
}

public static partial class Module
{
    [Reducer]
    public static void StartViewingBoard(ReducerContext ctx, ulong boardId)
    {
        // Beyond the seed: a connection views one board at a time, so its previous row goes first.
        ctx.Db.board_viewer.UserConnections.Delete((ctx.Sender, ctx.Address.ConnectionId.ToString()));

        // Track this specific connection viewing this board
        ctx.Db.board_viewer.Insert(new BoardViewer {
            BoardId = boardId,
            Identity = ctx.Sender,
            ConnectionId = ctx.Address.ConnectionId.ToString(),
            LastPing = ctx.Timestamp
        });
    }
}
