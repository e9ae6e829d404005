namespace Meridian.Module.Generator;

// How a table's unique columns and btree indexes become members of its handle and indexes of its definition.
internal static partial class Parser
{
    /// <summary>
    /// Marks a btree whose accessor is a unique column's own name on that one column (<c>[PrimaryKey, Index.BTree]</c>
    /// on one field) as merged into the column's accessor, and reports accessors two members would share, and
    /// two indexes on the same columns with different explicit names (the index exists once; it has one name).
    /// </summary>
    private static List<BTreeModel> IndexAccessors(
        string table, List<ColumnModel> columns, List<BTreeModel> btrees, Microsoft.CodeAnalysis.Location? location, List<DiagnosticInfo> diagnostics)
    {
        var result = new List<BTreeModel>();
        var taken = new HashSet<string>(HandleMembers, StringComparer.Ordinal);
        foreach (var c in columns.Where(c => c.Unique))
            taken.Add(c.Name);
        foreach (var b in btrees)
        {
            var merged = b.Columns.Count == 1 && columns[b.Columns[0]] is { Unique: true } c && c.Name == b.Accessor;
            if (!merged && !taken.Add(b.Accessor))
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.IndexAccessorTaken, location, table, b.Accessor));
                continue;
            }
            result.Add(b with { Merged = merged });
        }
        foreach (var group in result.Where(b => b.ExplicitName is not null).GroupBy(b => string.Join(",", b.Columns)))
        {
            var names = group.Select(b => b.ExplicitName!).Distinct(StringComparer.Ordinal).ToList();
            if (names.Count > 1)
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.IndexNamesDiffer, location, table, string.Join("', '", names)));
        }
        return result;
    }
}
