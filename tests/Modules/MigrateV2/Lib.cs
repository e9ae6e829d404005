using SpacetimeDB;

// Version 2: every automatic change from MigrateV1 (tests/Meridian.Runtime.Tests/MigrationTests.cs).
public static partial class Module
{
    // Widened: a variant appended.
    [Type]
    public enum Kind { Tool, Food, Gem }

    [Type]
    public enum Tier { Bronze, Silver, Gold }

    // Player: index on Level removed, index on Email added, Name unique, two columns added with defaults.
    [Table(Accessor = "Player", Public = true)]
    public partial struct Player
    {
        [PrimaryKey, AutoInc]
        public ulong Id;
        [Unique]
        public string Name;
        public uint Level;
        [SpacetimeDB.Index.BTree]
        public string Email;
        [Default(100)]
        public int Score;
        [Default(Tier.Silver)]
        public Tier Tier;
    }

    // Item: gains a primary key with auto-increment (unique checked, sequence continues after the largest id).
    [Table(Accessor = "Item", Public = true)]
    public partial struct Item
    {
        [PrimaryKey, AutoInc]
        public uint Id;
        public string Owner;
        public Kind Kind;
    }

    // Note: private -> public.
    [Table(Accessor = "Note", Public = true)]
    public partial struct Note
    {
        public string Text;
    }

    // Badge: unique constraint removed.
    [Table(Accessor = "Badge", Public = true)]
    public partial struct Badge
    {
        public string Code;
        public uint Holder;
    }

    [Table(Accessor = "Scratch", Public = true)]
    public partial struct Scratch
    {
        public uint Value;
    }

    [Table(Accessor = "Log")]
    public partial struct Log
    {
        public string Line;
    }

    // New table.
    [Table(Accessor = "Extra", Public = true)]
    public partial struct Extra
    {
        [PrimaryKey]
        public uint Id;
    }

    [Reducer]
    public static void AddPlayer(ReducerContext ctx, string name, uint level, string email) =>
        ctx.Db.Player.Insert(new Player { Name = name, Level = level, Email = email, Score = 1, Tier = Tier.Gold });

    [Reducer]
    public static void AddItem(ReducerContext ctx, string owner) => ctx.Db.Item.Insert(new Item { Owner = owner, Kind = Kind.Gem });

    [Reducer]
    public static void AddNote(ReducerContext ctx, string text) => ctx.Db.Note.Insert(new Note { Text = text });

    [Reducer]
    public static void AddBadge(ReducerContext ctx, string code, uint holder) => ctx.Db.Badge.Insert(new Badge { Code = code, Holder = holder });

    [Reducer]
    public static void AddLog(ReducerContext ctx, string line) => ctx.Db.Log.Insert(new Log { Line = line });

    [Reducer]
    public static void NewReducer(ReducerContext ctx)
    {
    }

    // Views and procedures: notes returns other rows of the same type, top_player's row type changed with Player,
    // old_view removed and new_view added; old_proc removed, new_proc added, echo's parameter and result changed.
    [View(Accessor = "notes", Public = true)]
    public static IQuery<Note> Notes(AnonymousViewContext ctx) => ctx.From.Note().Where(n => n.Text.Eq("hello"));

    [View(Accessor = "top_player", Public = true)]
    public static Player? TopPlayer(AnonymousViewContext ctx) => ctx.Db.Player.Id.Find(1UL);

    [View(Accessor = "new_view", Public = true)]
    public static IQuery<Badge> NewView(AnonymousViewContext ctx) => ctx.From.Badge();

    [Procedure]
    public static ulong NewProc(ProcedureContext ctx) => 2;

    [Procedure]
    public static string Echo(ProcedureContext ctx, string value) => value;
}
