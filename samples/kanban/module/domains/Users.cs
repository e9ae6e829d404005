// domains/Users.cs
using SpacetimeDB;

[Table(Name = "user", Public = true)]
public partial struct User
{
    [PrimaryKey] public Identity Id;
    public string? Name;
    public bool Online;
}

public static partial class Module
{
    [Reducer(ReducerKind.ClientConnected)]
    public static void ClientConnect(ReducerContext ctx)
    {
        var u = ctx.Db.user.Id.Find(ctx.Sender);
        if (u is null)
            ctx.Db.user.Insert(new User { Id = ctx.Sender, Online = true });
        else {
            var updatedUser = u.Value;
            updatedUser.Online = true;
            ctx.Db.user.Id.Update(updatedUser);
        }
    }

    // Beyond the seed's excerpt: going offline, and leaving the boards this connection was viewing.
    [Reducer(ReducerKind.ClientDisconnected)]
    public static void ClientDisconnect(ReducerContext ctx)
    {
        if (ctx.Db.user.Id.Find(ctx.Sender) is User u)
        {
            u.Online = false;
            ctx.Db.user.Id.Update(u);
        }
        ctx.Db.board_viewer.UserConnections.Delete((ctx.Sender, ctx.Address.ConnectionId.ToString()));
    }

    [Reducer]
    public static void SetName(ReducerContext ctx, string name)
    {
        name = name.Trim();
        if (name.Length is 0 or > 40)
            throw new Exception("a name has 1 to 40 characters");
        var u = ctx.Db.user.Id.Find(ctx.Sender) ?? throw new Exception("unknown user");
        u.Name = name;
        ctx.Db.user.Id.Update(u);
    }
}
