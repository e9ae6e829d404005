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

    private static BsatnRead<DynamicRow> Reader(TableSchema schema) =>
        (ref BsatnReader reader) => new DynamicRow(schema, AlgebraicValue.ReadBsatn(ref reader, schema.RowType, schema.Typespace).AsProduct());
}
