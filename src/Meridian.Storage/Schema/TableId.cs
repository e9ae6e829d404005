namespace Meridian.Storage.Schema;

/// <summary>Identifies a table within one datastore. Ids are assigned at creation and never reused.</summary>
/// <param name="Value">The numeric id, as written to the commit log and snapshots.</param>
public readonly record struct TableId(uint Value)
{
    /// <inheritdoc />
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
