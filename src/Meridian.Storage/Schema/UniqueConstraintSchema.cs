namespace Meridian.Storage.Schema;

/// <summary>A unique constraint: no two rows share the values of these columns. Backed by a unique index.</summary>
public sealed class UniqueConstraintSchema
{
    /// <summary>Creates a unique constraint.</summary>
    public UniqueConstraintSchema(string name, IReadOnlyList<int> columns)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (columns.Count == 0)
            throw new ArgumentException($"Constraint '{name}' has no columns.", nameof(columns));
        Name = name;
        Columns = columns.ToArray();
    }

    /// <summary>Name of the constraint, reported in violations.</summary>
    public string Name { get; }

    /// <summary>The constrained column positions.</summary>
    public IReadOnlyList<int> Columns { get; }
}
