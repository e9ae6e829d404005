using Meridian.Sats.Bsatn;
using Meridian.Sats.Values;

namespace Meridian.Client.Dynamic;

/// <summary>A table of a <see cref="DynamicDbConnection"/>'s cache: rows decoded with the schema the server gave.</summary>
public sealed class DynamicTableHandle : RemoteTableHandle<DynamicEventContext, DynamicRow>
{
    internal DynamicTableHandle(TableSchema schema)
        : base(Reader(schema))
    {
        Schema = schema;
    }

    /// <summary>The table's schema.</summary>
    public TableSchema Schema { get; }

    /// <inheritdoc />
    public override string RemoteTableName => Schema.Name;

    /// <summary>The cached row whose primary key is <paramref name="key"/>, or null (also when the table has no primary key).</summary>
    public DynamicRow? FindByPrimaryKey(AlgebraicValue key)
    {
        if (Schema.PrimaryKey is not { } column)
            return null;
        foreach (var row in Iter())
        {
            if (row[column].Equals(key))
                return row;
        }
        return null;
    }

    /// <inheritdoc />
    protected override object? GetPrimaryKey(DynamicRow row) => Schema.PrimaryKey is { } column ? row[column] : null;

    /// <summary>A row of this table with <paramref name="value"/>'s elements as its columns, in order (for predictions).</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> has another number of columns than the table.</exception>
    public DynamicRow CreateRow(ProductValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Count != Schema.ColumnNames.Count)
            throw new ArgumentException($"{Schema.Name} has {Schema.ColumnNames.Count} columns, not {value.Count}.", nameof(value));
        return new DynamicRow(Schema, value);
    }

    /// <summary>Encodes a row for a prediction (<see cref="DbConnectionBase.CallWithPrediction"/>) from its values.</summary>
    /// <exception cref="ArgumentException">The row belongs to another table.</exception>
    protected override void WriteRow(BsatnWriter writer, DynamicRow row)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(row);
        if (!ReferenceEquals(row.Table, Schema))
            throw new ArgumentException($"The row is a row of {row.Table.Name}, not of {Schema.Name}.", nameof(row));
        row.Value.WriteBsatn(writer);
    }

    private static BsatnRead<DynamicRow> Reader(TableSchema schema) =>
        (ref BsatnReader reader) => new DynamicRow(schema, AlgebraicValue.ReadBsatn(ref reader, schema.RowType, schema.Typespace).AsProduct());
}
