using SpacetimeDB;

#pragma warning disable STDB_UNSTABLE

public static partial class Module
{
    [Table(Accessor = "Item", Public = true)]
    public partial struct Item
    {
        [PrimaryKey, AutoInc] public ulong Id;
        public string Name;
    }

    [Type]
    public partial struct Pair
    {
        public uint A;
        public string B;
    }

    [Type]
    public partial record ReturnEnum : TaggedEnum<(uint A, string B)>;

    [Table(Accessor = "ProcTimer", Scheduled = nameof(ScheduledProc), ScheduledAt = nameof(ScheduledAt))]
    public partial struct ProcTimer
    {
        [PrimaryKey, AutoInc] public ulong ScheduledId;
        public ScheduleAt ScheduledAt;
        public string Label;
    }

    [Procedure]
    public static ulong Add(ProcedureContext ctx, uint a, uint b) => (ulong)a + b;

    [Procedure]
    public static Pair ReturnStruct(ProcedureContext ctx, uint a, string b) => new() { A = a, B = b };

    [Procedure]
    public static ReturnEnum ReturnEnumB(ProcedureContext ctx, string b) => new ReturnEnum.B(b);

    [Procedure]
    public static void WillPanic(ProcedureContext ctx) => throw new InvalidOperationException("This procedure is expected to panic");

    [Procedure]
    public static Identity WhoAmI(ProcedureContext ctx) => ctx.Sender;

    /// <summary>Inserts in one transaction and returns the new row's id (committed before the procedure returns).</summary>
    [Procedure]
    public static ulong InsertWithTx(ProcedureContext ctx, string name) =>
        ctx.WithTx(tx => tx.Db.Item.Insert(new Item { Name = name }).Id);

    /// <summary>A throwing body rolls back its transaction; the procedure catches the error and reports the count.</summary>
    [Procedure]
    public static ulong InsertThenThrow(ProcedureContext ctx, string name)
    {
        try
        {
            ctx.WithTx<ulong>(tx =>
            {
                tx.Db.Item.Insert(new Item { Name = name });
                throw new InvalidOperationException("rolled back");
            });
        }
        catch (InvalidOperationException e) when (e.Message == "rolled back")
        {
        }
        return ctx.WithTx(tx => tx.Db.Item.Count);
    }

    /// <summary>TryWithTx: Err rolls back, Ok commits.</summary>
    [Procedure]
    public static string TryInsert(ProcedureContext ctx, string name, bool fail)
    {
        var outcome = ctx.TryWithTx<ulong, InvalidOperationException>(tx =>
        {
            var row = tx.Db.Item.Insert(new Item { Name = name });
            return fail ? new InvalidOperationException("refused") : row.Id;
        });
        return outcome.IsSuccess ? $"committed {outcome.Value}" : $"rolled back: {outcome.Error!.Message}";
    }

    /// <summary>ctx.Db outside a transaction throws.</summary>
    [Procedure]
    public static string DbOutsideTx(ProcedureContext ctx)
    {
        try
        {
            return $"count {ctx.Db.Item.Count}";
        }
        catch (NotInTransactionException e)
        {
            return e.GetType().Name;
        }
    }

    /// <summary>GETs <paramref name="url"/> and returns "status body" or "error message".</summary>
    [Procedure]
    public static string Fetch(ProcedureContext ctx, string url, ulong timeoutMillis)
    {
        TimeSpan? timeout = timeoutMillis == 0 ? null : TimeSpan.FromMilliseconds(timeoutMillis);
        return ctx.Http.Get(url, timeout).Match(
            response => $"{response.StatusCode} {response.Body.ToStringUtf8Lossy()}",
            error => $"error {error.Message}");
    }

    /// <summary>HTTP inside a transaction is refused.</summary>
    [Procedure]
    public static string FetchInTx(ProcedureContext ctx, string url) =>
        ctx.WithTx(tx => ctx.Http.Get(url).Match(r => $"{r.StatusCode}", e => $"error {e.Message}"));

    [Reducer]
    public static void ScheduleProc(ReducerContext ctx, string label, ulong delayMillis) =>
        ctx.Db.ProcTimer.Insert(new ProcTimer
        {
            ScheduledAt = new ScheduleAt.Time(ctx.Timestamp + TimeSpan.FromMilliseconds(delayMillis)),
            Label = label,
        });

    /// <summary>A scheduled procedure: its row is already gone when it runs.</summary>
    [Procedure]
    public static void ScheduledProc(ProcedureContext ctx, ProcTimer timer)
    {
        var stillThere = ctx.WithTx(tx => tx.Db.ProcTimer.ScheduledId.Find(timer.ScheduledId) is not null);
        ctx.WithTx(tx => tx.Db.Item.Insert(new Item { Name = $"scheduled {timer.Label} row-present={stillThere}" }));
    }
}
