namespace Meridian.Module.Generator;

/// <summary>
/// The indexes a table declaration defines, in the order the host numbers them: one per distinct column list
/// (unique columns first, then btrees), so a btree on a unique column, or two btrees on the same columns,
/// share one index with one source name, as the host requires.
/// </summary>
internal sealed class IndexPlan
{
    private readonly Dictionary<string, int> _ordinals = new(StringComparer.Ordinal);
    private readonly HashSet<int> _merged = [];

    private IndexPlan()
    {
    }

    /// <summary>The indexes to register: columns and the accessor of the first declaration naming them.</summary>
    public List<(EquatableArray<int> Columns, string Accessor)> Definitions { get; } = [];

    public static IndexPlan Of(TableDeclModel decl)
    {
        var plan = new IndexPlan();
        foreach (var c in decl.Columns.Where(c => c.Unique))
            plan.Add(new[] { c.Index }.ToEquatableArray(), c.Name);
        foreach (var b in decl.BTrees)
        {
            plan.Add(b.Columns, b.Accessor);
            if (b.Merged)
                plan._merged.Add(b.Columns[0]);
        }
        return plan;
    }

    /// <summary>The host's number of the index on exactly these columns.</summary>
    public int Ordinal(IEnumerable<int> columns) => _ordinals[Key(columns)];

    /// <summary>Whether a btree was declared on the unique column <paramref name="column"/> under the column's own accessor.</summary>
    public bool HasMergedBTree(int column) => _merged.Contains(column);

    private void Add(EquatableArray<int> columns, string accessor)
    {
        var key = Key(columns);
        if (_ordinals.ContainsKey(key))
            return;
        _ordinals[key] = Definitions.Count;
        Definitions.Add((columns, accessor));
    }

    private static string Key(IEnumerable<int> columns) => string.Join(",", columns);
}
