using SpacetimeDB;

// A manual migration from MigrateV1 whose old-row type does not match the stored player rows
// (it lacks Email): the publish is refused naming the difference (tests/Meridian.Runtime.Tests/ManualMigrationTests.cs).
public static partial class Module
{
    [Type]
    public enum Kind { Tool, Food }

    [Type]
    public partial struct PlayerV1
    {
        public ulong Id;
        public string Name;
        public uint Level;
    }

    [Table(Accessor = "Player", Public = true)]
    public partial struct Player
    {
        [PrimaryKey, AutoInc]
        public ulong Id;
        public string Name;
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

    [Migration("player")]
    public static void MigratePlayer(ReducerContext ctx, PlayerV1 old) => ctx.Db.Player.Insert(new Player { Id = old.Id, Name = old.Name });
}
