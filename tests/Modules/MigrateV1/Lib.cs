using SpacetimeDB;

// Version 1 of the migration test pair (tests/Meridian.Runtime.Tests/MigrationTests.cs).
public static partial class Module
{
    [Type]
    public enum Kind { Tool, Food }

    [Table(Accessor = "Player", Public = true)]
    public partial struct Player
    {
        [PrimaryKey, AutoInc]
        public ulong Id;
        public string Name;
        [SpacetimeDB.Index.BTree]
        public uint Level;
        public string Email;
    }

    [Table(Accessor = "Item", Public = true)]
    public partial struct Item
    {
        public uint Id;
        public string Owner;
        public Kind Kind;
    }

    [Table(Accessor = "Note")]
    public partial struct Note
    {
        public string Text;
    }

    [Table(Accessor = "Badge", Public = true)]
    public partial struct Badge
    {
        [Unique]
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

    [Reducer]
    public static void AddPlayer(ReducerContext ctx, string name, uint level, string email) =>
        ctx.Db.Player.Insert(new Player { Name = name, Level = level, Email = email });

    [Reducer]
    public static void AddItem(ReducerContext ctx, uint id, string owner) => ctx.Db.Item.Insert(new Item { Id = id, Owner = owner, Kind = Kind.Food });

    [Reducer]
    public static void AddNote(ReducerContext ctx, string text) => ctx.Db.Note.Insert(new Note { Text = text });

    [Reducer]
    public static void AddBadge(ReducerContext ctx, string code, uint holder) => ctx.Db.Badge.Insert(new Badge { Code = code, Holder = holder });

    [Reducer]
    public static void AddLog(ReducerContext ctx, string line) => ctx.Db.Log.Insert(new Log { Line = line });

    [Reducer]
    public static void OldReducer(ReducerContext ctx)
    {
    }

    // Views and procedures, changed by MigrateV2 (tests/Meridian.Runtime.Tests/MigrationTests.cs).
    [View(Accessor = "notes", Public = true)]
    public static IQuery<Note> Notes(AnonymousViewContext ctx) => ctx.From.Note();

    [View(Accessor = "top_player", Public = true)]
    public static Player? TopPlayer(AnonymousViewContext ctx) => ctx.Db.Player.Id.Find(1UL);

    [View(Accessor = "old_view", Public = true)]
    public static IQuery<Badge> OldView(AnonymousViewContext ctx) => ctx.From.Badge();

    [Procedure]
    public static ulong OldProc(ProcedureContext ctx) => 1;

    [Procedure]
    public static uint Echo(ProcedureContext ctx, uint value) => value;
}
