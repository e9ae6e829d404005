using Meridian.Sats.Types;

namespace Meridian.Client.Dynamic;

/// <summary>A table as a client without generated bindings sees it.</summary>
/// <param name="Name">The table's name in SQL and on the wire.</param>
/// <param name="RowType">The row type; its element types may refer into <paramref name="Typespace"/>.</param>
/// <param name="Typespace">The module's typespace.</param>
/// <param name="PrimaryKey">The primary-key column, or null when the table has none.</param>
/// <param name="IsPublic">Whether any client may subscribe to it.</param>
/// <param name="IsSystem">Whether it is a system table.</param>
/// <param name="IsEvent">Whether its rows live only inside the inserting transaction.</param>
public sealed record TableSchema(
    string Name, ProductType RowType, Typespace Typespace, int? PrimaryKey, bool IsPublic, bool IsSystem, bool IsEvent)
{
    /// <summary>The columns' names, in row order (an unnamed column is called <c>_N</c>, N its position).</summary>
    public IReadOnlyList<string> ColumnNames { get; } =
        RowType.Elements.Select((e, i) => e.Name ?? "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The type of column <paramref name="index"/>, references resolved.</summary>
    public AlgebraicType ColumnType(int index) => Typespace.Resolve(RowType.Elements[index].Type);
}
