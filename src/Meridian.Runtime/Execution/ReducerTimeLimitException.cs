namespace Meridian.Runtime.Execution;

/// <summary>
/// Thrown into module code at its first call into the database after its transaction's time limit
/// passed (and at every call after that); the host then rolls the transaction back whatever the module does.
/// </summary>
public sealed class ReducerTimeLimitException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ReducerTimeLimitException()
        : base("The transaction ran past its time limit; it is rolled back.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ReducerTimeLimitException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ReducerTimeLimitException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
