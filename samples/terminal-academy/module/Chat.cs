using SpacetimeDB;

public static partial class Module
{
    /// <summary>The longest message.</summary>
    public const int MaxMessageLength = 500;

    [Reducer]
    public static void SendMessage(ReducerContext ctx, string channel, string content)
    {
        if (ctx.Db.user.Identity.Find(ctx.Sender) is null)
            throw new Exception("Register before chatting");
        content = content.Trim();
        if (content.Length is 0 or > MaxMessageLength)
            throw new Exception($"A message has 1 to {MaxMessageLength} characters");
        if (channel != "global" && !channel.StartsWith("lab-", StringComparison.Ordinal))
            throw new Exception("Unknown channel");
        ctx.Db.message.Insert(new Message { Sender = ctx.Sender, Content = content, Channel = channel, Timestamp = ctx.Timestamp });
    }

    [Reducer]
    public static void EditMessage(ReducerContext ctx, ulong id, string content)
    {
        var message = OwnMessage(ctx, id);
        content = content.Trim();
        if (content.Length is 0 or > MaxMessageLength)
            throw new Exception($"A message has 1 to {MaxMessageLength} characters");
        ctx.Db.message.Id.Update(message with { Content = content, Edited = ctx.Timestamp });
    }

    /// <summary>Deletes softly: the row stays (so replies keep their place) with its text removed.</summary>
    [Reducer]
    public static void DeleteMessage(ReducerContext ctx, ulong id)
    {
        var message = OwnMessage(ctx, id);
        ctx.Db.message.Id.Update(message with { Content = "", Deleted = true });
    }

    private static Message OwnMessage(ReducerContext ctx, ulong id)
    {
        var message = ctx.Db.message.Id.Find(id) ?? throw new Exception("Message not found");
        if (message.Sender != ctx.Sender)
            throw new Exception("Unauthorized");
        return message;
    }
}
