using Meridian.Sats.Values;

namespace Meridian.Client.Dynamic;

/// <summary>A row of a table the client has no generated type for: its values in column order.</summary>
public sealed class DynamicRow : IEquatable<DynamicRow>
{
    internal DynamicRow(TableSchema table, ProductValue value)
    {
        Table = table;
        Value = value;
    }

    /// <summary>The row's table.</summary>
    public TableSchema Table { get; }

    /// <summary>The row's values, in column order.</summary>
    public ProductValue Value { get; }

    /// <summary>The value of column <paramref name="index"/>.</summary>
    public AlgebraicValue this[int index] => Value[index];

    /// <summary>The value of the column named <paramref name="column"/>.</summary>
    /// <exception cref="KeyNotFoundException">The table has no such column.</exception>
    public AlgebraicValue this[string column]
    {
        get
        {
            var index = Table.RowType.IndexOf(column);
            return index >= 0 ? Value[index] : throw new KeyNotFoundException($"Table {Table.Name} has no column '{column}'.");
        }
    }

    /// <inheritdoc />
    public bool Equals(DynamicRow? other) => other is not null && ReferenceEquals(other.Table, Table) && other.Value.Equals(Value);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DynamicRow other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Value.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => Table.Name + Value;
}
