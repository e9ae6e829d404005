namespace SpacetimeDB;

/// <summary>
/// Marks a static method as the module's manual migration of a stored table (a Meridian extension):
/// <c>static void M(ReducerContext ctx, OldRow old)</c>. When this module is published over a
/// database whose table <see cref="Table"/> still has rows of <c>OldRow</c>'s shape, the table gets
/// the new definition with no rows, and the method runs once per old row, in the same transaction as
/// the rest of the migration, writing whatever rows it wants through <c>ctx.Db</c>. A throw rolls the
/// whole publish back and the old module keeps running. Once the table has the new shape the method no
/// longer runs, so it can stay in later versions. See docs/modules.md, "Manual migrations".
/// </summary>
/// <param name="table">The stored table's name (its canonical name, for example <c>player</c>).</param>
[AttributeUsage(AttributeTargets.Method)]
public sealed class MigrationAttribute(string table) : Attribute
{
    /// <summary>The stored table whose rows the method receives.</summary>
    public string Table { get; } = table;
}
