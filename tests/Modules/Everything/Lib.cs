using SpacetimeDB;

// Every kind of type a column, a parameter or a named type can have: the golden files of
// tests/Meridian.Codegen.Tests and the TypeScript end-to-end suite (everything.test.ts) use it.

[SpacetimeDB.Type]
public enum Color
{
    Red,
    Green,
    DeepBlue,
}

[SpacetimeDB.Type]
public partial struct Point
{
    public int X;
    public int Y;
}

[SpacetimeDB.Type]
public partial record Shape : TaggedEnum<(Point Dot, double Circle, string Label, Color Painted)>;

[SpacetimeDB.Type]
public partial struct Outline
{
    public string Name;
    public List<Point> Points;
    public Shape? Inner;
    public Color[] Colors;
}

public static partial class Module
{
    [Table(Accessor = "EveryPrimitive", Public = true)]
    public partial struct EveryPrimitive
    {
        [PrimaryKey, AutoInc]
        public ulong Id;
        public bool ABool;
        public sbyte AnI8;
        public byte AU8;
        public short AnI16;
        public ushort AU16;
        public int AnI32;
        public uint AU32;
        public long AnI64;
        public ulong AU64;
        public Int128 AnI128;
        public UInt128 AU128;
        public I256 AnI256;
        public U256 AU256;
        public float AnF32;
        public double AnF64;
        public string AString;
    }

    [Table(Accessor = "EverySpecial", Public = true)]
    public partial struct EverySpecial
    {
        [Unique]
        public Identity Owner;
        public ConnectionId Connection;
        public Timestamp At;
        public TimeDuration Took;
        public Uuid Key;
        public byte[] Blob;
    }

    [Table(Accessor = "EveryComposite", Public = true)]
    [SpacetimeDB.Index.BTree(Accessor = "ByColorAndRank", Columns = new[] { nameof(Painted), nameof(Rank) })]
    public partial struct EveryComposite
    {
        [PrimaryKey]
        public uint Rank;
        [SpacetimeDB.Index.BTree]
        public Color Painted;
        public Point Where;
        public Shape Drawn;
        public Outline Around;
        public int? MaybeNumber;
        public string? MaybeText;
        public Point? MaybePoint;
        public List<string> Words;
        public Shape[] Shapes;
        public List<int?> Gaps;
    }

    [Table(Accessor = "Secret")]
    public partial struct Secret
    {
        [PrimaryKey]
        public ulong Id;
        public string Value;
    }

    [Table(Accessor = "Reminder", Scheduled = nameof(Remind), ScheduledAt = nameof(Reminder.When))]
    public partial struct Reminder
    {
        [PrimaryKey, AutoInc]
        public ulong ScheduledId;
        public ScheduleAt When;
        public string Text;
    }

    [Reducer]
    public static void InsertPrimitives(ReducerContext ctx, EveryPrimitive row) => ctx.Db.EveryPrimitive.Insert(row);

    [Reducer]
    public static void InsertSpecial(ReducerContext ctx, Timestamp at, TimeDuration took, Uuid key, byte[] blob) =>
        ctx.Db.EverySpecial.Insert(
            new EverySpecial { Owner = ctx.Sender, Connection = ctx.ConnectionId ?? default, At = at, Took = took, Key = key, Blob = blob });

    [Reducer]
    public static void InsertComposite(ReducerContext ctx, EveryComposite row) => ctx.Db.EveryComposite.Insert(row);

    [Reducer]
    public static void Paint(ReducerContext ctx, uint rank, Color color, Shape? shape)
    {
        if (ctx.Db.EveryComposite.Rank.Find(rank) is EveryComposite row)
        {
            row.Painted = color;
            row.Drawn = shape ?? row.Drawn;
            ctx.Db.EveryComposite.Rank.Update(row);
        }
    }

    [Reducer]
    public static void NoArguments(ReducerContext ctx) => Log.Info("no arguments");

    [Reducer]
    public static void Remind(ReducerContext ctx, Reminder reminder) => Log.Info(reminder.Text);

    [Reducer(ReducerKind.Init)]
    public static void Init(ReducerContext ctx) => ctx.Db.Secret.Insert(new Secret { Id = 1, Value = "hidden" });

    [Reducer(ReducerKind.ClientConnected)]
    public static void Connected(ReducerContext ctx) => Log.Info("connected");
}
