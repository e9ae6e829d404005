using SpacetimeDB;

// Every refused change from MigrateV1, one per table (tests/Meridian.Runtime.Tests/MigrationTests.cs).
public static partial class Module
{
    [Type]
    public enum Kind { Tool, Food }

    // Player: column Email removed.
    [Table(Accessor = "Player", Public = true)]
    public partial struct Player
    {
        [PrimaryKey, AutoInc]
        public ulong Id;
        public string Name;
        [SpacetimeDB.Index.BTree]
        public uint Level;
    }

    // Item: column added without a default.
    [Table(Accessor = "Item", Public = true)]
    public partial struct Item
    {
        public uint Id;
        public string Owner;
        public Kind Kind;
        public uint Weight;
    }

    // Note: column type changed.
    [Table(Accessor = "Note")]
    public partial struct Note
    {
        public int Text;
    }

    // Badge: columns reordered.
    [Table(Accessor = "Badge", Public = true)]
    public partial struct Badge
    {
        public uint Holder;
        [Unique]
        public string Code;
    }

    [Table(Accessor = "Scratch", Public = true)]
    public partial struct Scratch
    {
        public uint Value;
    }

    // Log: removed (it holds rows).

    [Reducer]
    public static void AddPlayer(ReducerContext ctx, string name, uint level) => ctx.Db.Player.Insert(new Player { Name = name, Level = level });
}
