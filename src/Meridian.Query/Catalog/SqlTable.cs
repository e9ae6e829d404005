using Meridian.Sats.Rows;
using Meridian.Storage.Schema;

namespace Meridian.Query.Catalog;

/// <summary>
/// A table as SQL sees it: its canonical name (used on the wire and in results), the accessor
/// (source) name it may also be called by, and the canonical and source names of its columns.
/// </summary>
public sealed record SqlTable(TableSchema Schema, string Name, string? AccessorName, IReadOnlyList<string> ColumnNames, IReadOnlyList<string?> ColumnAccessors)
{
    private RowLayout? _layout;

    /// <summary>Where each column sits in the table's row bytes (predicates and keys read columns from there).</summary>
    public RowLayout Layout => _layout ??= new RowLayout(Schema.RowType, Schema.Typespace);

    /// <summary>
    /// True for a module's view: its rows are not in the committed state but computed per caller, and a query
    /// reads them from a <see cref="Subscriptions.ViewInput"/> (its schema's id belongs to the view's own store).
    /// </summary>
    public bool IsView { get; init; }

    /// <summary>Whether any client may read the table (private tables: the owner only).</summary>
    public bool IsPublic => Schema.Access == TableAccess.Public;

    /// <summary>
    /// The position of a column named <paramref name="name"/>: the accessor (source) name first, then
    /// the canonical name, as upstream resolves them; -1 when there is none.
    /// </summary>
    public int ColumnIndex(string name)
    {
        for (var i = 0; i < ColumnAccessors.Count; i++)
        {
            if (ColumnAccessors[i] == name)
                return i;
        }
        for (var i = 0; i < ColumnNames.Count; i++)
        {
            if (ColumnNames[i] == name)
                return i;
        }
        return -1;
    }

    /// <summary>A table whose column names are the row type's element names.</summary>
    public static SqlTable FromSchema(TableSchema schema, string? accessorName = null)
    {
        var names = schema.RowType.Elements.Select((e, i) => e.Name ?? $"col{i}").ToList();
        return new SqlTable(schema, schema.Name, accessorName, names, names.Select(_ => (string?)null).ToList());
    }
}
