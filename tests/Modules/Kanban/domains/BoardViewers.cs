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
        // Track this specific connection viewing this board
        var connection = ctx.ConnectionId?.ToString() ?? "";
        ctx.Db.board_viewer.UserConnections.Delete((ctx.Sender, connection));
        ctx.Db.board_viewer.Insert(new BoardViewer
        {
            BoardId = boardId,
            Identity = ctx.Sender,
            ConnectionId = connection,
            LastPing = ctx.Timestamp,
        });
    }
}
