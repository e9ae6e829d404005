namespace Meridian.Storage.Schema;

/// <summary>An index over one or more columns of a table.</summary>
public sealed class IndexSchema
{
    /// <summary>Creates an index definition.</summary>
    /// <param name="name">Unique name within the table.</param>
    /// <param name="columns">Column positions forming the key, in key order.</param>
    /// <param name="algorithm">BTree or hash.</param>
    /// <param name="isUnique">True when at most one row may have each key (set by unique constraints).</param>
    public IndexSchema(string name, IReadOnlyList<int> columns, IndexAlgorithm algorithm = IndexAlgorithm.BTree, bool isUnique = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (columns.Count == 0)
            throw new ArgumentException($"Index '{name}' has no columns.", nameof(columns));
        Name = name;
        Columns = columns.ToArray();
        Algorithm = algorithm;
        IsUnique = isUnique;
    }

    /// <summary>Name of the index, unique within its table.</summary>
    public string Name { get; }

    /// <summary>Column positions forming the key, in key order.</summary>
    public IReadOnlyList<int> Columns { get; }

    /// <summary>BTree or hash.</summary>
    public IndexAlgorithm Algorithm { get; }

    /// <summary>True when at most one row may have each key.</summary>
    public bool IsUnique { get; }

    internal IndexSchema WithUnique(bool unique) => unique == IsUnique ? this : new IndexSchema(Name, Columns, Algorithm, unique);

    internal bool HasColumns(IReadOnlyList<int> columns) => Columns.SequenceEqual(columns);

    /// <inheritdoc />
    public override string ToString() => $"{Name}({string.Join(", ", Columns)}){(IsUnique ? " unique" : "")} {Algorithm}";
}
