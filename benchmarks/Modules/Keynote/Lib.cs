using SpacetimeDB;

// The transfer workload of upstream's keynote benchmark (spec/benchmarks.md §3.1): same table, names,
// error strings and order of checks as upstream's TypeScript and Rust modules.
public static partial class Module
{
    [Table(Accessor = "accounts", Public = true)]
    public partial struct accounts_row
    {
        [PrimaryKey]
        public uint id;
        public long balance;
    }

    /// <summary>Deletes every account, then creates ids 0..n-1 with <paramref name="initial_balance"/>.</summary>
    [Reducer]
    public static void seed(ReducerContext ctx, uint n, long initial_balance)
    {
        foreach (var row in ctx.Db.accounts.Iter())
            ctx.Db.accounts.id.Delete(row.id);
        for (uint id = 0; id < n; id++)
            ctx.Db.accounts.Insert(new accounts_row { id = id, balance = initial_balance });
    }

    /// <summary>Moves <paramref name="amount"/> from one account to another.</summary>
    [Reducer]
    public static void transfer(ReducerContext ctx, uint from, uint to, long amount)
    {
        if (from == to)
            throw new InvalidOperationException("same_account");
        if (amount <= 0)
            throw new InvalidOperationException("non_positive_amount");
        var source = ctx.Db.accounts.id.Find(from);
        var target = ctx.Db.accounts.id.Find(to);
        if (source is not { } a || target is not { } b)
            throw new InvalidOperationException("account_missing");
        if (a.balance < amount)
            throw new InvalidOperationException("insufficient_funds");
        ctx.Db.accounts.id.Update(new accounts_row { id = from, balance = a.balance - amount });
        ctx.Db.accounts.id.Update(new accounts_row { id = to, balance = b.balance + amount });
    }
}
