using SpacetimeDB;

// Version 2: a compatible migration of MigrateE2eV1 — player gains a score column with a default
// (existing players get 100) and a badge table is added (tests/e2e-typescript/src/migration.test.ts).
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

    [Table(Accessor = "badge", Public = true)]
    public partial struct Badge
    {
        [PrimaryKey, AutoInc]
        public ulong id;
        public string code;
    }

    [Reducer]
    public static void add_player(ReducerContext ctx, string name) => ctx.Db.player.Insert(new Player { name = name, score = 1 });

    [Reducer]
    public static void add_note(ReducerContext ctx, string text) => ctx.Db.note.Insert(new Note { text = text });

    [Reducer]
    public static void add_badge(ReducerContext ctx, string code) => ctx.Db.badge.Insert(new Badge { code = code });
}
