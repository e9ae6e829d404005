#if NET
using Microsoft.Data.Sqlite;

namespace Meridian.Client;

/// <summary>
/// The offline cache in a SQLite file: the cached rows (one row per distinct BSATN value and table,
/// with its subscription count) and the queued calls, written as they change (WAL, one SQLite
/// transaction per client transaction). net10.0 only: Microsoft.Data.Sqlite 11 ships no
/// netstandard build (docs/client-csharp.md).
/// </summary>
public sealed class SqliteOfflineStore : IOfflineStore
{
    private const int SchemaVersion = 1;
    private readonly SqliteConnection _connection;
    private readonly object _lock = new();

    /// <summary>Opens (or creates) the file at <paramref name="path"/>.</summary>
    public SqliteOfflineStore(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
        Execute("""
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS cached_row (tbl TEXT NOT NULL, row BLOB NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (tbl, row));
            CREATE TABLE IF NOT EXISTS queued_call (seq INTEGER PRIMARY KEY, reducer TEXT NOT NULL, args BLOB NOT NULL, queued_at INTEGER NOT NULL);
            """);
        var version = Meta("schema_version");
        if (version is null)
            SetMeta("schema_version", SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        else if (version != SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            _connection.Dispose();
            throw new InvalidOperationException($"The offline cache {Path} has schema version {version}; this client reads version {SchemaVersion}.");
        }
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public void Open(string database)
    {
        ArgumentException.ThrowIfNullOrEmpty(database);
        lock (_lock)
        {
            var owner = Meta("database");
            if (owner is null)
                SetMeta("database", database);
            else if (owner != database)
                throw new InvalidOperationException($"The offline cache {Path} holds the database '{owner}', not '{database}': use another file.");
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<StoredRow> LoadRows()
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT tbl, row, count FROM cached_row ORDER BY tbl";
            using var reader = command.ExecuteReader();
            var rows = new List<StoredRow>();
            while (reader.Read())
                rows.Add(new StoredRow(reader.GetString(0), (byte[])reader.GetValue(1), reader.GetInt32(2)));
            return rows;
        }
    }

    /// <inheritdoc />
    public void SaveRows(IReadOnlyList<StoredRow> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0)
            return;
        lock (_lock)
        {
            using var tx = _connection.BeginTransaction();
            using var upsert = _connection.CreateCommand();
            upsert.Transaction = tx;
            upsert.CommandText = "INSERT INTO cached_row (tbl, row, count) VALUES ($t, $r, $c) ON CONFLICT (tbl, row) DO UPDATE SET count = excluded.count";
            var ut = upsert.Parameters.Add("$t", SqliteType.Text);
            var ur = upsert.Parameters.Add("$r", SqliteType.Blob);
            var uc = upsert.Parameters.Add("$c", SqliteType.Integer);
            using var delete = _connection.CreateCommand();
            delete.Transaction = tx;
            delete.CommandText = "DELETE FROM cached_row WHERE tbl = $t AND row = $r";
            var dt = delete.Parameters.Add("$t", SqliteType.Text);
            var dr = delete.Parameters.Add("$r", SqliteType.Blob);
            foreach (var change in changes)
            {
                if (change.Count > 0)
                {
                    ut.Value = change.Table;
                    ur.Value = change.Row.ToArray();
                    uc.Value = change.Count;
                    upsert.ExecuteNonQuery();
                }
                else
                {
                    dt.Value = change.Table;
                    dr.Value = change.Row.ToArray();
                    delete.ExecuteNonQuery();
                }
            }
            tx.Commit();
        }
    }

    /// <inheritdoc />
    public void ClearTable(string table)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "DELETE FROM cached_row WHERE tbl = $t";
            command.Parameters.AddWithValue("$t", table);
            command.ExecuteNonQuery();
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<QueuedCall> LoadCalls()
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT seq, reducer, args, queued_at FROM queued_call ORDER BY seq";
            using var reader = command.ExecuteReader();
            var calls = new List<QueuedCall>();
            while (reader.Read())
            {
                calls.Add(new QueuedCall(reader.GetInt64(0), reader.GetString(1), (byte[])reader.GetValue(2),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)), null));
            }
            return calls;
        }
    }

    /// <inheritdoc />
    public void AddCall(QueuedCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "INSERT INTO queued_call (seq, reducer, args, queued_at) VALUES ($s, $n, $a, $t)";
            command.Parameters.AddWithValue("$s", call.Sequence);
            command.Parameters.AddWithValue("$n", call.ReducerName);
            command.Parameters.AddWithValue("$a", call.Args);
            command.Parameters.AddWithValue("$t", call.QueuedAt.ToUnixTimeMilliseconds());
            command.ExecuteNonQuery();
        }
    }

    /// <inheritdoc />
    public void RemoveCall(long sequence)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "DELETE FROM queued_call WHERE seq = $s";
            command.Parameters.AddWithValue("$s", sequence);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _connection.Dispose();
        }
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private string? Meta(string key)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT value FROM meta WHERE key = $k";
        command.Parameters.AddWithValue("$k", key);
        return command.ExecuteScalar() as string;
    }

    private void SetMeta(string key, string value)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "INSERT INTO meta (key, value) VALUES ($k, $v) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
        command.Parameters.AddWithValue("$k", key);
        command.Parameters.AddWithValue("$v", value);
        command.ExecuteNonQuery();
    }
}
#endif
