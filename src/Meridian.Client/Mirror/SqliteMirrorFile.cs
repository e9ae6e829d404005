using Meridian.Client.Dynamic;
using Microsoft.Data.Sqlite;

namespace Meridian.Client.Mirror;

/// <summary>A change to apply to the mirror file: a row inserted or deleted.</summary>
/// <param name="Table">The row's table.</param>
/// <param name="Row">The row.</param>
/// <param name="IsInsert">Insert (true) or delete (false).</param>
internal readonly record struct MirrorChange(MirrorTable Table, DynamicRow Row, bool IsInsert);

/// <summary>
/// The SQLite file itself. A rebuild writes a whole new database into a temporary file beside it
/// (no journal: nobody else sees that file) and renames it over the old one, so a reader opens
/// either the old file or the new one, never a partial one. The incremental mode keeps one
/// connection on the file and applies each batch of changes in one transaction in the rollback
/// journal mode, whose <c>-journal</c> file exists only while a batch is being written.
/// </summary>
internal sealed class SqliteMirrorFile : IDisposable
{
    private static readonly string[] Sidecars = ["-journal", "-wal", "-shm"];

    private readonly IReadOnlyList<MirrorTable> _tables;
    private SqliteConnection? _live;

    public SqliteMirrorFile(string path, IReadOnlyList<MirrorTable> tables)
    {
        Path = System.IO.Path.GetFullPath(path);
        _tables = tables;
    }

    public string Path { get; }

    /// <summary>Writes <paramref name="snapshot"/> (rows per table, in the order of the tables) as a new file and renames it over the mirror.</summary>
    public void Rebuild(IReadOnlyList<IReadOnlyList<DynamicRow>> snapshot)
    {
        CloseLive();
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(directory);
        var temp = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(Path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var connection = Open(temp))
            {
                Execute(connection, "PRAGMA journal_mode=OFF");
                Execute(connection, "PRAGMA synchronous=FULL");
                using var transaction = connection.BeginTransaction();
                for (var t = 0; t < _tables.Count; t++)
                {
                    var table = _tables[t];
                    using (var create = connection.CreateCommand())
                    {
                        create.Transaction = transaction;
#pragma warning disable CA2100 // Quoted identifiers from the schema.
                        create.CommandText = table.CreateSql;
#pragma warning restore CA2100
                        create.ExecuteNonQuery();
                    }
                    using var insert = table.PrepareInsert(connection, transaction);
                    foreach (var row in snapshot[t])
                        insert.Run(row);
                }
                transaction.Commit();
            }
            // A stale journal beside the mirror (a crash in the middle of an incremental batch) would be
            // rolled back into the new file by the next reader: it goes first.
            DeleteSidecars(Path);
            MoveOver(temp, Path);
        }
        finally
        {
            TryDelete(temp);
            DeleteSidecars(temp);
        }
    }

    /// <summary>Applies <paramref name="changes"/>, in order, in one transaction on the mirror file.</summary>
    public void Apply(IReadOnlyList<MirrorChange> changes)
    {
        if (_live is null)
        {
            _live = Open(Path);
            Execute(_live, "PRAGMA journal_mode=DELETE");
        }
        using var transaction = _live.BeginTransaction(deferred: false);
        var statements = new Dictionary<(MirrorTable, bool), MirrorStatement>();
        try
        {
            foreach (var change in changes)
            {
                if (!statements.TryGetValue((change.Table, change.IsInsert), out var statement))
                {
                    statement = change.IsInsert ? change.Table.PrepareInsert(_live, transaction) : change.Table.PrepareDelete(_live, transaction);
                    statements[(change.Table, change.IsInsert)] = statement;
                }
                if (statement.Run(change.Row) != 1)
                    throw new InvalidOperationException($"The mirror of table {change.Table.Name} did not hold the row {change.Row} it was asked to delete.");
            }
            transaction.Commit();
        }
        finally
        {
            foreach (var statement in statements.Values)
                statement.Dispose();
        }
    }

    /// <summary>Closes the incremental connection (the next <see cref="Apply"/> opens it again).</summary>
    public void CloseLive()
    {
        _live?.Dispose();
        _live = null;
    }

    public void Dispose() => CloseLive();

    private static SqliteConnection Open(string path)
    {
        // No pooling: a pooled connection would keep the file open after Dispose, and the rename and
        // the tests' clean-up want it closed.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Constant PRAGMAs.
        command.CommandText = sql;
#pragma warning restore CA2100
        command.ExecuteNonQuery();
    }

    private static void MoveOver(string source, string destination)
    {
        // rename(2) replaces the file atomically; on Windows a reader holding the old file open makes
        // the move fail for a moment, so it is tried a few times.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                File.Move(source, destination, overwrite: true);
                return;
            }
            catch (Exception e) when ((e is IOException or UnauthorizedAccessException) && attempt < 20)
            {
                Thread.Sleep(50);
            }
        }
    }

    private static void DeleteSidecars(string path)
    {
        foreach (var suffix in Sidecars)
            TryDelete(path + suffix);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
