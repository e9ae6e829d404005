using Meridian.Sats.Values;

namespace Meridian.Storage;

/// <summary>Base of the errors the storage engine reports for bad requests or bad state.</summary>
public class StorageException : Exception
{
    /// <summary>Creates an error with a message.</summary>
    public StorageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an error with a message and a cause.</summary>
    public StorageException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>An insert or update would give two rows the same value in a unique constraint's columns.</summary>
public sealed class UniqueConstraintViolationException : StorageException
{
    /// <summary>Creates the error.</summary>
    public UniqueConstraintViolationException(
        string tableName, string constraintName, string indexName, IReadOnlyList<string> columnNames, AlgebraicValue value)
        : base(
            $"Unique constraint '{constraintName}' on table '{tableName}' ({string.Join(", ", columnNames)}) is violated: a row with value {value} already "
                + "exists.")
    {
        TableName = tableName;
        ConstraintName = constraintName;
        IndexName = indexName;
        ColumnNames = columnNames;
        Value = value;
    }

    /// <summary>The table.</summary>
    public string TableName { get; }

    /// <summary>The violated constraint.</summary>
    public string ConstraintName { get; }

    /// <summary>The unique index backing the constraint.</summary>
    public string IndexName { get; }

    /// <summary>The constrained columns.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>The duplicate value (a product when the constraint has several columns).</summary>
    public AlgebraicValue Value { get; }
}

/// <summary>A sequence has handed out every value in its range.</summary>
public sealed class SequenceExhaustedException(string tableName, string sequenceName, Int128 value)
    : StorageException($"Sequence '{sequenceName}' on table '{tableName}' is exhausted: its next value {value} is outside its range.")
{
    /// <summary>The table.</summary>
    public string TableName { get; } = tableName;

    /// <summary>The sequence.</summary>
    public string SequenceName { get; } = sequenceName;
}

/// <summary>An update or delete by key found no row with that key.</summary>
public sealed class RowNotFoundException(string message) : StorageException(message);

/// <summary>A table or index named in a request does not exist.</summary>
public sealed class NoSuchTableException(string message) : StorageException(message);

/// <summary>
/// The commit log could not write or sync: the datastore accepts no more writes. Nothing already
/// reported durable is lost; transactions after the durable offset may be.
/// </summary>
public sealed class DatastoreFailedException(string message, Exception inner) : StorageException(message, inner);

/// <summary>Stored data is corrupt in a way recovery may not silently repair. Names the file and byte offset.</summary>
public sealed class StorageCorruptionException : StorageException
{
    /// <summary>Creates the error.</summary>
    public StorageCorruptionException(string file, long offset, string problem)
        : base($"Corrupt data in '{file}' at byte offset {offset}: {problem}")
    {
        File = file;
        Offset = offset;
        Problem = problem;
    }

    /// <summary>The file holding the corruption.</summary>
    public string File { get; }

    /// <summary>Byte offset within the file.</summary>
    public long Offset { get; }

    /// <summary>What is wrong.</summary>
    public string Problem { get; }
}
