namespace Meridian.Runtime;

/// <summary>
/// Why the runtime refused or could not do what it was asked; the message is for the caller. The
/// runtime reports failures this way only — outcomes that are data (a reducer that ran and failed)
/// come back as result records instead.
/// </summary>
public abstract class DatabaseException : Exception
{
    private protected DatabaseException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

/// <summary>The database was closed (deleted, reset or the server is stopping).</summary>
public sealed class DatabaseClosedException : DatabaseException
{
    /// <summary>Creates the error.</summary>
    public DatabaseClosedException()
        : base("The database is closed: it was deleted or the server is stopping.")
    {
    }
}

/// <summary>The module's ClientConnected reducer refused a client.</summary>
public sealed class ConnectionRejectedException : DatabaseException
{
    /// <summary>Creates the error with the module's reason.</summary>
    public ConnectionRejectedException(string reason)
        : base($"The module refused the connection: {reason}")
    {
        Reason = reason;
    }

    /// <summary>What the module said.</summary>
    public string Reason { get; }
}

/// <summary>An SQL statement is invalid, not allowed for the caller, or failed; statements before it in the same request stay applied.</summary>
public sealed class SqlStatementException : DatabaseException
{
    /// <summary>Creates the error.</summary>
    public SqlStatementException(string message, Exception? inner = null, SqlErrorKind kind = SqlErrorKind.Invalid)
        : base(message, inner)
    {
        Kind = kind;
    }

    /// <summary>Why the statement failed, as far as the runtime tells (wire protocols map it to their error codes).</summary>
    public SqlErrorKind Kind { get; }

    /// <summary>
    /// The results of the statements before the failing one in the same text: they ran, and their changes stay
    /// applied (each DML statement is its own transaction). Empty when the text did not parse (nothing ran).
    /// </summary>
    public IReadOnlyList<Sql.SqlStatementResult> Completed { get; internal set; } = [];
}

/// <summary>Why an SQL statement failed.</summary>
public enum SqlErrorKind
{
    /// <summary>The statement does not fit the database (unknown table or column, wrong type, ...) or failed otherwise.</summary>
    Invalid = 0,
    /// <summary>The text does not parse.</summary>
    Syntax = 1,
    /// <summary>The caller may not run it (DML or SET by anyone but the owner, a private table).</summary>
    NotAuthorized = 2,
    /// <summary>It would break a unique constraint.</summary>
    UniqueViolation = 3,
}

/// <summary>The database cannot do what was asked because its storage failed (for example its commit log).</summary>
public sealed class DatabaseUnavailableException : DatabaseException
{
    /// <summary>Creates the error.</summary>
    public DatabaseUnavailableException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
