// domains/Boards.cs
using SpacetimeDB;

[Table(Name = "board", Public = true)]
public partial struct Board
{
    [PrimaryKey, AutoInc] public ulong BoardId;
    public string Title;
    public Identity Owner;
    public Timestamp CreatedAt;
}

[Table(Name = "collaborator", Public = true)]
[SpacetimeDB.Index.BTree(Name = "ByBoardAndIdentity", Columns = [nameof(BoardId), nameof(Identity)])]
public partial struct Collaborator
{
    [PrimaryKey, AutoInc] public ulong CollaboratorId;
    public ulong BoardId;
    public Identity Identity;
}

public static partial class Module
{
#pragma warning disable STDB_UNSTABLE
    [ClientVisibilityFilter]
    public static readonly Filter BOARD_VIS =
        new Filter.Sql(@"
            SELECT board.* FROM board
            INNER JOIN collaborator ON board.BoardId = collaborator.BoardId
            WHERE collaborator.Identity = :sender
        ");

    // A client sees its own memberships only (which boards it is on), not who else is on them.
    [ClientVisibilityFilter]
    public static readonly Filter COLLABORATOR_VIS = new Filter.Sql("SELECT * FROM collaborator WHERE Identity = :sender");
#pragma warning restore STDB_UNSTABLE

    [Reducer]
    public static void CreateBoard(ReducerContext ctx, string title)
    {
        title = title.Trim();
        if (title.Length is 0 or > 80)
            throw new Exception("a board title has 1 to 80 characters");
        var board = ctx.Db.board.Insert(new Board { Title = title, Owner = ctx.Sender, CreatedAt = ctx.Timestamp });
        ctx.Db.collaborator.Insert(new Collaborator { BoardId = board.BoardId, Identity = ctx.Sender });
    }

    /// <summary>Invites a user to a board; any collaborator may invite.</summary>
    [Reducer]
    public static void InviteCollaborator(ReducerContext ctx, ulong boardId, Identity identity)
    {
        var board = ctx.Db.board.BoardId.Find(boardId) ?? throw new Exception("board not found");
        if (!IsCollaborator(ctx, board.BoardId, ctx.Sender))
            throw new Exception("not allowed");
        if (ctx.Db.user.Id.Find(identity) is null)
            throw new Exception("no such user");
        if (!IsCollaborator(ctx, boardId, identity))
            ctx.Db.collaborator.Insert(new Collaborator { BoardId = boardId, Identity = identity });
    }

    /// <summary>Leaves a board (the owner cannot).</summary>
    [Reducer]
    public static void LeaveBoard(ReducerContext ctx, ulong boardId)
    {
        var board = ctx.Db.board.BoardId.Find(boardId) ?? throw new Exception("board not found");
        if (board.Owner == ctx.Sender)
            throw new Exception("the owner cannot leave their board");
        ctx.Db.collaborator.ByBoardAndIdentity.Delete((boardId, ctx.Sender));
    }

    private static bool IsCollaborator(ReducerContext ctx, ulong boardId, Identity identity) =>
        ctx.Db.collaborator.ByBoardAndIdentity.Filter((boardId, identity)).Any();
}
