using SpacetimeDB;

// Version 3: MigrateE2eV2 without the badge table — a client-breaking change that needs
// --break-clients even while the table is empty (tests/e2e-typescript/src/migration.test.ts).
public static partial class Module
{
    [Table(Accessor = "player", Public = true)]
    public partial struct Player
    {
        [PrimaryKey, AutoInc]
        public ulong id;
        public string name;
        [Default(100)]
        public int score;
    }

    [Table(Accessor = "note", Public = true)]
    public partial struct Note
    {
        [PrimaryKey, AutoInc]
        public ulong id;
        public string text;
    }

    [Reducer]
    public static void add_player(ReducerContext ctx, string name) => ctx.Db.player.Insert(new Player { name = name, score = 1 });

    [Reducer]
    public static void add_note(ReducerContext ctx, string text) => ctx.Db.note.Insert(new Note { text = text });
}
