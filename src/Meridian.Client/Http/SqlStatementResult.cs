using System.Text.Json;
using Meridian.Sats.Types;

namespace Meridian.Client.Http;

/// <summary>The result of one SQL statement: its columns and rows (a query), or the rows it changed (DML).</summary>
public sealed class SqlStatementResult
{
    internal SqlStatementResult(ProductType schema, IReadOnlyList<JsonElement> rows, long inserted, long deleted, long updated)
    {
        Schema = schema;
        Rows = rows;
        RowsInserted = inserted;
        RowsDeleted = deleted;
        RowsUpdated = updated;
        var names = new string?[schema.Elements.Count];
        for (var i = 0; i < names.Length; i++)
            names[i] = schema.Elements[i].Name;
        ColumnNames = names;
    }

    /// <summary>The row type: one element per column (none for DML).</summary>
    public ProductType Schema { get; }

    /// <summary>The column names (null for an unnamed column).</summary>
    public IReadOnlyList<string?> ColumnNames { get; }

    /// <summary>
    /// The rows, each a SATS-JSON array with one value per column (read one into an
    /// <c>AlgebraicValue</c> with <c>SatsJson.ReadValue</c> and the column types).
    /// </summary>
    public IReadOnlyList<JsonElement> Rows { get; }

    /// <summary>Rows an INSERT added.</summary>
    public long RowsInserted { get; }

    /// <summary>Rows a DELETE removed.</summary>
    public long RowsDeleted { get; }

    /// <summary>Rows an UPDATE changed.</summary>
    public long RowsUpdated { get; }
}
