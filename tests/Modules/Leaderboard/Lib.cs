using SpacetimeDB;

// A leaderboard: clients subscribe to "SELECT * FROM player ORDER BY score DESC LIMIT 10" and see
// players enter and leave the top ten as scores change.
public static partial class Module
{
    [Table(Accessor = "Player", Public = true)]
    public partial struct Player
    {
        [PrimaryKey]
        public ulong Id;
        public string Name;
        [SpacetimeDB.Index.BTree]
        public ulong Score;
    }

    /// <summary>Creates the player or changes its score.</summary>
    [Reducer]
    public static void SetScore(ReducerContext ctx, ulong id, string name, ulong score)
    {
        var player = new Player { Id = id, Name = name, Score = score };
        if (ctx.Db.Player.Id.Find(id) is null)
            ctx.Db.Player.Insert(player);
        else
            ctx.Db.Player.Id.Update(player);
    }

    /// <summary>Adds <paramref name="count"/> players with ids from <paramref name="firstId"/> and scores equal to their ids.</summary>
    [Reducer]
    public static void Seed(ReducerContext ctx, ulong firstId, uint count)
    {
        for (var id = firstId; id < firstId + count; id++)
            ctx.Db.Player.Insert(new Player { Id = id, Name = $"p{id}", Score = id });
    }

    [Reducer]
    public static void RemovePlayer(ReducerContext ctx, ulong id) => ctx.Db.Player.Id.Delete(id);
}
