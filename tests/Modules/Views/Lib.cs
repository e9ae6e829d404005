// A test module in the shapes of upstream's view modules (sdk-test-view-pk-cs, sdk-test-procedural-view-pk-cs,
// module-test-cs): views with and without the sender, with primary keys, returning rows, options and queries,
// and a live aggregate (GROUP BY team) as a view's rows.
using SpacetimeDB;

public static partial class Module
{
    [Table(Accessor = "player", Public = true)]
    public partial struct Player
    {
        [PrimaryKey, AutoInc]
        public ulong id;

        [Unique]
        public Identity identity;

        public string name;

        [SpacetimeDB.Index.BTree]
        public ulong score;

        [SpacetimeDB.Index.BTree]
        public uint team;
    }

    [Table(Accessor = "membership", Public = true)]
    public partial struct Membership
    {
        [PrimaryKey]
        public ulong id;

        [SpacetimeDB.Index.BTree]
        public ulong player_id;
    }

    [Table(Accessor = "note", Public = true)]
    public partial struct Note
    {
        [PrimaryKey, AutoInc]
        public ulong id;

        [SpacetimeDB.Index.BTree]
        public Identity owner;

        public string text;
    }

    [Type]
    public partial struct TeamStats
    {
        public uint team;
        public ulong players;
        public ulong total_score;
        public ulong min_score;
        public ulong max_score;
    }

    [Reducer]
    public static void join_game(ReducerContext ctx, string name, uint team)
    {
        ctx.Db.player.Insert(new Player { identity = ctx.Sender, name = name, team = team });
    }

    [Reducer]
    public static void add_player(ReducerContext ctx, Identity identity, string name, ulong score, uint team)
    {
        ctx.Db.player.Insert(new Player { identity = identity, name = name, score = score, team = team });
    }

    // Bulk load for the views benchmark: count players spread over teams 0..teams-1, distinct identities.
    [Reducer]
    public static void seed_players(ReducerContext ctx, uint count, uint teams)
    {
        var bytes = new byte[32];
        for (uint i = 0; i < count; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(0, 4), i);
            bytes[31] = 0xEE;
            ctx.Db.player.Insert(new Player { identity = Identity.From(bytes), name = $"p{i}", score = i % 5000, team = i % teams });
        }
    }

    [Reducer]
    public static void set_score(ReducerContext ctx, ulong id, ulong score)
    {
        var p = ctx.Db.player.id.Find(id) ?? throw new ArgumentException($"no player {id}");
        p.score = score;
        ctx.Db.player.id.Update(p);
    }

    [Reducer]
    public static void remove_player(ReducerContext ctx, ulong id)
    {
        ctx.Db.player.id.Delete(id);
    }

    [Reducer]
    public static void add_membership(ReducerContext ctx, ulong id, ulong player_id)
    {
        ctx.Db.membership.Insert(new Membership { id = id, player_id = player_id });
    }

    [Reducer]
    public static void remove_membership(ReducerContext ctx, ulong id)
    {
        ctx.Db.membership.id.Delete(id);
    }

    [Reducer]
    public static void add_note(ReducerContext ctx, string text)
    {
        ctx.Db.note.Insert(new Note { owner = ctx.Sender, text = text });
    }

    // module-test-cs: the caller's own row, or none.
    [View(Accessor = "my_player", Public = true)]
    public static Player? my_player(ViewContext ctx)
    {
        return ctx.Db.player.identity.Find(ctx.Sender);
    }

    // The caller's own row with a primary key (the C# SDK regression module's procedural_view_pk_players): joinable by id.
    [View(Accessor = "my_player_pk", Public = true, PrimaryKey = "id")]
    public static IEnumerable<Player> my_player_pk(ViewContext ctx)
    {
        return ctx.Db.player.identity.Find(ctx.Sender) is { } p ? [p] : [];
    }

    // sdk-test-procedural-view-pk-cs: the caller's rows through an index, with a primary key.
    [View(Accessor = "my_notes", Public = true, PrimaryKey = "id")]
    public static IEnumerable<Note> my_notes(ViewContext ctx)
    {
        return ctx.Db.note.owner.Filter(ctx.Sender);
    }

    // Shared by every caller: a range over an index.
    [View(Accessor = "high_scorers", Public = true, PrimaryKey = "id")]
    public static List<Player> high_scorers(AnonymousViewContext ctx)
    {
        return ctx.Db.player.score.Filter((1000UL, ulong.MaxValue)).ToList();
    }

    // sdk-test-view-pk-cs: query-builder views, maintained as live queries.
    [View(Accessor = "all_players", Public = true)]
    public static IQuery<Player> all_players(ViewContext ctx)
    {
        return ctx.From.player();
    }

    [View(Accessor = "team_one", Public = true)]
    public static IQuery<Player> team_one(AnonymousViewContext ctx)
    {
        return ctx.From.player().Where(p => p.team.Eq(1u).And(p.score.Gte(0UL)));
    }

    [View(Accessor = "members", Public = true)]
    public static IQuery<Player> members(ViewContext ctx)
    {
        return ctx.From.membership().RightSemijoin(ctx.From.player(), (m, p) => m.player_id.Eq(p.id));
    }

    // Every player of team 1: re-run only by commits that change a team-1 row.
    [View(Accessor = "team_one_players", Public = true, PrimaryKey = "id")]
    public static List<Player> team_one_players(AnonymousViewContext ctx)
    {
        return ctx.Db.player.team.Filter(1u).ToList();
    }

    // A live aggregate: COUNT, SUM, MIN and MAX per team, as rows keyed by team.
    [View(Accessor = "team_stats", Public = true, PrimaryKey = "team")]
    public static List<TeamStats> team_stats(AnonymousViewContext ctx)
    {
        var stats = new SortedDictionary<uint, TeamStats>();
        foreach (var p in ctx.Db.player.team.Filter((uint.MinValue, uint.MaxValue)))
        {
            var s = stats.TryGetValue(p.team, out var found)
                ? found
                : new TeamStats { team = p.team, min_score = ulong.MaxValue };
            s.players++;
            s.total_score += p.score;
            s.min_score = Math.Min(s.min_score, p.score);
            s.max_score = Math.Max(s.max_score, p.score);
            stats[p.team] = s;
        }
        return stats.Values.ToList();
    }
}
