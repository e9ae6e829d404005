namespace Meridian.Query.Plans;

/// <summary>A column of one source of a query: the source's number (its position in FROM/JOIN) and the column's position in that table.</summary>
/// <param name="Source">The source (0 for the FROM table, then one per JOIN).</param>
/// <param name="Column">The column's position in the source's table.</param>
public readonly record struct ColumnRef(int Source, int Column)
{
    /// <inheritdoc />
    public override string ToString() => $"#{Source}.{Column}";
}
