// domains/Cards.cs
using SpacetimeDB;

[Table(Name = "card", Public = true)]
public partial struct Card
{
    [PrimaryKey, AutoInc] public ulong CardId;
    public ulong BoardId;
    public string Title;
    public string State;
    public Identity Assignee;
    public Timestamp CreatedAt;
}

public static partial class Module
{
    /// <summary>The columns of a board, in order.</summary>
    public static readonly string[] CardStates = ["todo", "doing", "done"];

#pragma warning disable STDB_UNSTABLE
    // Cards follow their board.
    [ClientVisibilityFilter]
    public static readonly Filter CARD_VIS = new Filter.Sql(
        "SELECT card.* FROM card JOIN collaborator ON card.BoardId = collaborator.BoardId WHERE collaborator.Identity = :sender");
#pragma warning restore STDB_UNSTABLE

    [Reducer]
    public static void AddCard(ReducerContext ctx, ulong boardId, string title)
    {
        var board = ctx.Db.board.BoardId.Find(boardId) ??
            throw new Exception("board not found");

        // Check authorization
        if (!ctx.Db.collaborator.Iter().Any(c => c.BoardId == boardId && c.Identity == ctx.Sender))
            throw new Exception("not allowed");

        ctx.Db.card.Insert(new Card {
            BoardId = boardId,
            Title   = title,
            State   = "todo",
            Assignee = ctx.Sender,
            CreatedAt = ctx.Timestamp
        });
    }

    [Reducer]
    public static void MoveCard(ReducerContext ctx, ulong cardId, string state)
    {
        if (Array.IndexOf(CardStates, state) < 0)
            throw new Exception($"a card is {string.Join(", ", CardStates)}, not '{state}'");
        var card = ctx.Db.card.CardId.Find(cardId) ?? throw new Exception("card not found");
        if (!IsCollaborator(ctx, card.BoardId, ctx.Sender))
            throw new Exception("not allowed");
        card.State = state;
        ctx.Db.card.CardId.Update(card);
    }

    [Reducer]
    public static void DeleteCard(ReducerContext ctx, ulong cardId)
    {
        var card = ctx.Db.card.CardId.Find(cardId) ?? throw new Exception("card not found");
        if (!IsCollaborator(ctx, card.BoardId, ctx.Sender))
            throw new Exception("not allowed");
        ctx.Db.card.CardId.Delete(cardId);
    }
}
