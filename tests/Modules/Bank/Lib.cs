using SpacetimeDB;

public static partial class Module
{
    [Table(Accessor = "account", Public = true)]
    public partial struct Account
    {
        [PrimaryKey]
        public ulong id;
        public ulong balance;
    }

    /// <summary>Does nothing: what a call costs when the module does no work.</summary>
    [Reducer]
    public static void noop(ReducerContext ctx)
    {
    }

    [Reducer]
    public static void open_accounts(ReducerContext ctx, ulong count, ulong balance)
    {
        for (ulong id = 1; id <= count; id++)
            ctx.Db.account.Insert(new Account { id = id, balance = balance });
    }

    /// <summary>Moves <paramref name="amount"/> between two accounts; fails (and writes nothing) when the balance is short.</summary>
    [Reducer]
    public static void transfer(ReducerContext ctx, ulong from, ulong to, ulong amount)
    {
        var source = ctx.Db.account.id.Find(from) ?? throw new ArgumentException($"No account {from}");
        var target = ctx.Db.account.id.Find(to) ?? throw new ArgumentException($"No account {to}");
        if (source.balance < amount)
            throw new InvalidOperationException($"Account {from} has {source.balance}, less than {amount}");
        source.balance -= amount;
        target.balance += amount;
        ctx.Db.account.id.Update(source);
        ctx.Db.account.id.Update(target);
    }

    /// <summary>Never returns on its own (every iteration calls into the database): what the reducer time limit stops.</summary>
    [Reducer]
    public static void spin(ReducerContext ctx)
    {
        for (ulong id = 1; ; id++)
            _ = ctx.Db.account.id.Find(id);
    }
}
