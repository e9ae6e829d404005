using SpacetimeDB;

// Manual migrations from MigrateV1 (tests/Meridian.Runtime.Tests/ManualMigrationTests.cs): player loses Email for
// Domain and Level becomes a u64 (changes the automatic rules refuse), and log's rows move to the new journal table.
public static partial class Module
{
    [Type]
    public enum Kind { Tool, Food }

    // The player rows as MigrateV1 stored them.
    [Type]
    public partial struct PlayerV1
    {
        public ulong Id;
        public string Name;
        public uint Level;
        public string Email;
    }

    // The log rows as MigrateV1 stored them.
    [Type]
    public partial struct LogV1
    {
        public string Line;
    }

    [Table(Accessor = "Player", Public = true)]
    public partial struct Player
    {
        [PrimaryKey, AutoInc]
        public ulong Id;
        public string Name;
        [SpacetimeDB.Index.BTree]
        public ulong Level;
        public string Domain;
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

    [Table(Accessor = "Journal", Public = true)]
    public partial struct Journal
    {
        [PrimaryKey, AutoInc]
        public ulong Id;
        public string Line;
    }

    // Keeps the id, scales the level, keeps only the e-mail's domain; a player named "crash" makes the migration fail.
    [Migration("player")]
    public static void MigratePlayer(ReducerContext ctx, PlayerV1 old)
    {
        if (old.Name == "crash")
            throw new InvalidOperationException($"player {old.Id} cannot be migrated");
        ctx.Db.Player.Insert(new Player { Id = old.Id, Name = old.Name, Level = old.Level * 10UL, Domain = old.Email[(old.Email.IndexOf('@') + 1)..] });
    }

    [Migration("log")]
    public static void MoveLog(ReducerContext ctx, LogV1 old) => ctx.Db.Journal.Insert(new Journal { Line = old.Line.ToUpperInvariant() });

    [Reducer]
    public static void AddPlayer(ReducerContext ctx, string name, ulong level, string domain) =>
        ctx.Db.Player.Insert(new Player { Name = name, Level = level, Domain = domain });
}
