using SpacetimeDB;

namespace Fixture;

[SpacetimeDB.Type]
public enum Color
{
    Red,
    Green,
}

[SpacetimeDB.Type]
public partial record Shape : TaggedEnum<(int Circle, string Label)>;

[SpacetimeDB.Type]
public partial struct Point
{
    public int X;
    public int Y;
}

[Table(Accessor = "Score", Name = "scores", Public = true)]
[SpacetimeDB.Index.BTree(Accessor = "by_player_and_level", Columns = new[] { nameof(Player), nameof(Level) })]
public partial struct Score
{
    [PrimaryKey, AutoInc]
    public ulong Id;
    [Unique]
    public string Tag;
    public uint Player;
    public uint Level;
    [SpacetimeDB.Index.BTree(Name = "score_color_idx")]
    public Color Color;
    public Point? Where;
    public List<Shape> Shapes;
    private int _secret;
}

[Table(Accessor = "Tick", Scheduled = nameof(Reducers.HandleTick), ScheduledAt = nameof(At))]
internal partial class Tick
{
    [PrimaryKey, AutoInc]
    public ulong ScheduledId;
    public ScheduleAt At = new ScheduleAt.Interval(new TimeDuration(1_000_000));
}

public static partial class Reducers
{
    [SpacetimeDB.Settings]
    public const CaseConversionPolicy CASE_CONVERSION_POLICY = CaseConversionPolicy.SnakeCase;

    [Reducer(Name = "add_score")]
    public static void AddScore(ReducerContext ctx, uint player, uint level, Color color, Shape? shape)
    {
        var row = ctx.Db.Score.Insert(
            new Score { Tag = $"p{player}", Player = player, Level = level, Color = color, Shapes = shape is null ? new() : new() { shape } });
        foreach (var s in ctx.Db.Score.by_player_and_level.Filter((player, new Bound<uint>(1, 10))))
            Log.Info(s.Tag);
        ctx.Db.Score.by_player_and_level.Delete(player);
        ctx.Db.Score.Color.Filter(Color.Red);
        ctx.Db.Score.Tag.Delete("x");
        ctx.Db.Score.Id.Update(row);
    }

    [Reducer]
    internal static void HandleTick(ReducerContext ctx, Tick tick) => Log.Debug(tick.ScheduledId.ToString());

    [Reducer(ReducerKind.Init)]
    public static void Init(ReducerContext ctx) => ctx.Db.Tick.Insert(new Tick());
}
