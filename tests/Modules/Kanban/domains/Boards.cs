using SpacetimeDB;

[Table(Name = "board", Public = true)]
public partial struct Board
{
    [PrimaryKey, AutoInc] public ulong BoardId;
    public string Title;
    public Identity Owner;
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
    // Only collaborators see a board.
    [ClientVisibilityFilter]
    public static readonly Filter BOARD_VIS =
        new Filter.Sql(@"
            SELECT board.* FROM board
            INNER JOIN collaborator ON board.BoardId = collaborator.BoardId
            WHERE collaborator.Identity = :sender
        ");

    // A client sees its own collaborator rows.
    [ClientVisibilityFilter]
    public static readonly Filter COLLABORATOR_VIS = new Filter.Sql("SELECT * FROM collaborator WHERE Identity = :sender");
#pragma warning restore STDB_UNSTABLE

    [Reducer]
    public static void CreateBoard(ReducerContext ctx, string title)
    {
        if (string.IsNullOrWhiteSpace(title))
            throw new Exception("title must not be empty");
        var board = ctx.Db.board.Insert(new Board { Title = title, Owner = ctx.Sender });
        ctx.Db.collaborator.Insert(new Collaborator { BoardId = board.BoardId, Identity = ctx.Sender });
    }

    [Reducer]
    public static void AddCollaborator(ReducerContext ctx, ulong boardId, Identity identity)
    {
        var board = ctx.Db.board.BoardId.Find(boardId) ?? throw new Exception("board not found");
        if (board.Owner != ctx.Sender)
            throw new Exception("only the owner adds collaborators");
        if (!ctx.Db.collaborator.ByBoardAndIdentity.Filter((boardId, identity)).Any())
            ctx.Db.collaborator.Insert(new Collaborator { BoardId = boardId, Identity = identity });
    }

    [Reducer]
    public static void RemoveCollaborator(ReducerContext ctx, ulong boardId, Identity identity)
    {
        var board = ctx.Db.board.BoardId.Find(boardId) ?? throw new Exception("board not found");
        if (board.Owner != ctx.Sender)
            throw new Exception("only the owner removes collaborators");
        if (identity == board.Owner)
            throw new Exception("the owner stays a collaborator");
        ctx.Db.collaborator.ByBoardAndIdentity.Delete((boardId, identity));
    }

    [Reducer]
    public static void RenameBoard(ReducerContext ctx, ulong boardId, string title)
    {
        var board = ctx.Db.board.BoardId.Find(boardId) ?? throw new Exception("board not found");
        if (!ctx.Db.collaborator.ByBoardAndIdentity.Filter((boardId, ctx.Sender)).Any())
            throw new Exception("not allowed");
        board.Title = title;
        ctx.Db.board.BoardId.Update(board);
    }
}
