using System.Globalization;
using System.Text;
using Meridian.Client.Dynamic;
using Microsoft.Data.Sqlite;

namespace Meridian.Client.Mirror;

/// <summary>One mirrored table: its SQLite DDL and statements, and how a row becomes parameters.</summary>
internal sealed class MirrorTable
{
    public MirrorTable(TableSchema schema)
    {
        Schema = schema;
        var columns = schema.ColumnNames;
        var definitions = new List<string>();
        for (var i = 0; i < columns.Count; i++)
        {
            var type = schema.ColumnType(i);
            var definition = $"{Quote(columns[i])} {SqliteValueMapper.DeclaredType(type, schema.Typespace)}";
            if (!SqliteValueMapper.IsNullable(type, schema.Typespace))
                definition += " NOT NULL";
            if (schema.PrimaryKey == i)
                definition += " PRIMARY KEY";
            definitions.Add(definition);
        }
        CreateSql = $"CREATE TABLE {Quote(schema.Name)} ({string.Join(", ", definitions)})";
        InsertSql = $"INSERT INTO {Quote(schema.Name)} ({string.Join(", ", columns.Select(Quote))}) "
            + $"VALUES ({string.Join(", ", columns.Select((_, i) => Parameter(i)))})";
        // Rows of the cache are distinct, so without a primary key a row is found by all of its values
        // (IS, so that NULLs match); LIMIT 1 keeps a delete to one row even so.
        DeleteSql = schema.PrimaryKey is { } pk
            ? $"DELETE FROM {Quote(schema.Name)} WHERE {Quote(columns[pk])} = {Parameter(pk)}"
            : $"DELETE FROM {Quote(schema.Name)} WHERE rowid = (SELECT rowid FROM {Quote(schema.Name)} WHERE "
                + string.Join(" AND ", columns.Select((c, i) => $"{Quote(c)} IS {Parameter(i)}")) + " LIMIT 1)";
    }

    public TableSchema Schema { get; }

    public string Name => Schema.Name;

    public string CreateSql { get; }

    public string InsertSql { get; }

    public string DeleteSql { get; }

    /// <summary>A prepared insert of a row.</summary>
    public MirrorStatement PrepareInsert(SqliteConnection connection, SqliteTransaction transaction) =>
        new(this, connection, transaction, InsertSql, Enumerable.Range(0, Schema.ColumnNames.Count).ToArray());

    /// <summary>A prepared delete of a row (by primary key, or by all of its values).</summary>
    public MirrorStatement PrepareDelete(SqliteConnection connection, SqliteTransaction transaction) =>
        new(this, connection, transaction, DeleteSql, Schema.PrimaryKey is { } pk ? [pk] : Enumerable.Range(0, Schema.ColumnNames.Count).ToArray());

    /// <summary>An SQL identifier in double quotes, inner quotes doubled.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    internal static string Parameter(int column) => "$c" + column.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A prepared statement over some columns of a mirrored table's rows.</summary>
internal sealed class MirrorStatement : IDisposable
{
    private readonly MirrorTable _table;
    private readonly SqliteCommand _command;
    private readonly int[] _columns;

    public MirrorStatement(MirrorTable table, SqliteConnection connection, SqliteTransaction transaction, string sql, int[] columns)
    {
        _table = table;
        _columns = columns;
        _command = connection.CreateCommand();
        _command.Transaction = transaction;
#pragma warning disable CA2100 // The SQL is built from quoted identifiers of the schema; values go in parameters.
        _command.CommandText = sql;
#pragma warning restore CA2100
        foreach (var column in columns)
            _command.Parameters.Add(new SqliteParameter(MirrorTable.Parameter(column), null));
        _command.Prepare();
    }

    /// <summary>Runs the statement for <paramref name="row"/>; returns the number of rows changed.</summary>
    public int Run(DynamicRow row)
    {
        var schema = _table.Schema;
        for (var i = 0; i < _columns.Length; i++)
        {
            var column = _columns[i];
            _command.Parameters[i].Value =
                SqliteValueMapper.ToSqlite(row[column], schema.RowType.Elements[column].Type, schema.Typespace) ?? DBNull.Value;
        }
        return _command.ExecuteNonQuery();
    }

    public void Dispose() => _command.Dispose();
}
