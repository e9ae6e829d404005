using SpacetimeDB;

// Version 1 of the module the TypeScript SDK test migrates (tests/e2e-typescript/src/migration.test.ts).
public static partial class Module
{
    [Table(Accessor = "player", Public = true)]
    public partial struct Player
    {
        [PrimaryKey, AutoInc]
        public ulong id;
        public string name;
    }

    [Table(Accessor = "note", Public = true)]
    public partial struct Note
    {
        [PrimaryKey, AutoInc]
        public ulong id;
        public string text;
    }

    [Reducer]
    public static void add_player(ReducerContext ctx, string name) => ctx.Db.player.Insert(new Player { name = name });

    [Reducer]
    public static void add_note(ReducerContext ctx, string text) => ctx.Db.note.Insert(new Note { text = text });
}
