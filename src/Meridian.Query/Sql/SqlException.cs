namespace Meridian.Query.Sql;

/// <summary>SQL that cannot be parsed, bound or run; the message says what and where.</summary>
public sealed class SqlException : Exception
{
    /// <summary>Creates the error.</summary>
    public SqlException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with an inner cause.</summary>
    public SqlException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
