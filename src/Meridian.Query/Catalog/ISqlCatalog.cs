namespace Meridian.Query.Catalog;

/// <summary>Resolves table names for SQL: the canonical name first, then the accessor (source) name.</summary>
public interface ISqlCatalog
{
    /// <summary>Looks a table up by canonical or accessor name.</summary>
    bool TryGetTable(string name, out SqlTable table);

    /// <summary>Every table (for suggestions when a name does not resolve).</summary>
    IEnumerable<SqlTable> Tables { get; }
}

/// <summary>A catalog over a fixed list of tables.</summary>
public sealed class SqlCatalog : ISqlCatalog
{
    private readonly Dictionary<string, SqlTable> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SqlTable> _byAccessor = new(StringComparer.Ordinal);

    /// <summary>Creates a catalog.</summary>
    public SqlCatalog(IEnumerable<SqlTable> tables)
    {
        foreach (var t in tables)
        {
            _byName[t.Name] = t;
            if (t.AccessorName is { } accessor)
                _byAccessor.TryAdd(accessor, t);
        }
    }

    /// <summary>Every table.</summary>
    public IEnumerable<SqlTable> Tables => _byName.Values;

    /// <inheritdoc />
    public bool TryGetTable(string name, out SqlTable table) =>
        _byName.TryGetValue(name, out table!) || _byAccessor.TryGetValue(name, out table!);
}
