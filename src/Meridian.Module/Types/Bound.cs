namespace SpacetimeDB;

/// <summary>An inclusive range <c>[Min, Max]</c> for btree index filters; a single value is a point.</summary>
/// <typeparam name="T">The key column type.</typeparam>
/// <param name="min">Lowest value, included.</param>
/// <param name="max">Highest value, included.</param>
public readonly struct Bound<T>(T min, T max)
{
    /// <summary>Lowest value, included.</summary>
    public T Min { get; } = min;

    /// <summary>Highest value, included.</summary>
    public T Max { get; } = max;

    /// <summary>The point range <c>[value, value]</c>.</summary>
    public static implicit operator Bound<T>(T value) => new(value, value);

    /// <summary>The range <c>[min, max]</c>.</summary>
    public static implicit operator Bound<T>((T min, T max) range) => new(range.min, range.max);
}

/// <summary>Base of <c>ReducerContext</c> and the view contexts: holds the database view <see cref="Db"/>.</summary>
/// <typeparam name="TDbView">The generated <c>Local</c> class.</typeparam>
#pragma warning disable CA1005
public abstract record DbContext<TDbView>
    where TDbView : class, new()
{
    // The generated view is stateless (its table handles reach the database through the current host), so one
    // instance per view type serves every context: no allocation and no reflective `new` per reducer call.
    private static readonly TDbView SharedView = new();

    /// <summary>Creates a context with the view type's shared instance.</summary>
    protected DbContext() => Db = SharedView;

    /// <summary>Creates a context over a given view.</summary>
    protected DbContext(TDbView db) => Db = db;

    /// <summary>The tables.</summary>
    public TDbView Db { get; }
}

/// <summary>Base of the generated <c>Local</c> class (one property per table).</summary>
public abstract class LocalBase;
