using Meridian.Sats.Types;
using Meridian.Sats.Values;

namespace Meridian.Query.Execution;

/// <summary>The result of one SQL statement: its column schema and rows, and what DML changed.</summary>
/// <param name="Schema">Result columns.</param>
/// <param name="Typespace">Typespace that references in <paramref name="Schema"/> resolve against.</param>
/// <param name="Rows">Result rows (empty for DML).</param>
/// <param name="RowsInserted">Rows a DML statement inserted.</param>
/// <param name="RowsDeleted">Rows a DML statement deleted.</param>
/// <param name="RowsUpdated">Rows a DML statement updated.</param>
public sealed record SqlResult(
    ProductType Schema, Typespace Typespace, IReadOnlyList<ProductValue> Rows, ulong RowsInserted = 0, ulong RowsDeleted = 0, ulong RowsUpdated = 0)
{
    /// <summary>A result with no columns and no rows (DML and SET).</summary>
    public static SqlResult Empty(ulong inserted = 0, ulong deleted = 0, ulong updated = 0) =>
        new(AlgebraicType.Unit, Typespace.Empty, [], inserted, deleted, updated);
}
