using Meridian.Sats.Types;
using Meridian.Sats.Values;

namespace Meridian.Runtime.Sql;

/// <summary>The result of one ad-hoc SQL statement: its columns and rows, what DML changed, and the transaction it reflects.</summary>
/// <param name="Schema">Result columns.</param>
/// <param name="Typespace">Typespace that references in <paramref name="Schema"/> resolve against.</param>
/// <param name="Rows">Result rows (empty for DML).</param>
/// <param name="RowsInserted">Rows a DML statement inserted.</param>
/// <param name="RowsDeleted">Rows a DML statement deleted.</param>
/// <param name="RowsUpdated">Rows a DML statement updated.</param>
/// <param name="Offset">The transaction the statement read or wrote (confirmed reads wait until it is durable).</param>
/// <param name="Kind">The statement that produced this result.</param>
public sealed record SqlStatementResult(
    ProductType Schema,
    Typespace Typespace,
    IReadOnlyList<ProductValue> Rows,
    ulong RowsInserted,
    ulong RowsDeleted,
    ulong RowsUpdated,
    ulong? Offset,
    SqlStatementKind Kind = SqlStatementKind.Select);
