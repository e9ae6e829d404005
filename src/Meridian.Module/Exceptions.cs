namespace SpacetimeDB;

/// <summary>Base of the errors database calls raise.</summary>
public abstract class StdbException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected StdbException()
    {
    }

    /// <summary>Creates the exception with a message from the host.</summary>
    protected StdbException(string? message)
        : base(message)
    {
    }

    /// <summary>The default description of this error.</summary>
    protected abstract string DefaultMessage { get; }

    /// <inheritdoc />
    public override string Message => string.IsNullOrEmpty(base.Message) || base.Message == DefaultBaseMessage ? DefaultMessage : base.Message;

    private string DefaultBaseMessage => $"Exception of type '{GetType().FullName}' was thrown.";
}

/// <summary>An insert or update collided with an existing row on a unique or primary-key column.</summary>
public sealed class UniqueConstraintViolationException : StdbException
{
    /// <summary>Creates the exception.</summary>
    public UniqueConstraintViolationException()
    {
    }

    /// <summary>Creates the exception with a host message.</summary>
    public UniqueConstraintViolationException(string? message)
        : base(message)
    {
    }

    /// <inheritdoc />
    protected override string DefaultMessage => "Value with given unique identifier already exists";
}

/// <summary>A primary-key update found no row with that key.</summary>
public sealed class NoSuchRowException : StdbException
{
    /// <summary>Creates the exception.</summary>
    public NoSuchRowException()
    {
    }

    /// <summary>Creates the exception with a host message.</summary>
    public NoSuchRowException(string? message)
        : base(message)
    {
    }

    /// <inheritdoc />
    protected override string DefaultMessage => "The row was not found, e.g., in an update call";
}

/// <summary>An auto-increment sequence ran past its column type's range.</summary>
public sealed class AutoIncOverflowException : StdbException
{
    /// <inheritdoc />
    protected override string DefaultMessage => "The auto-increment sequence overflowed";
}

/// <summary>A scheduled row's time is too far in the future.</summary>
public sealed class ScheduleAtDelayTooLongException : StdbException
{
    /// <inheritdoc />
    protected override string DefaultMessage => "Specified delay in scheduling row was too long";
}

/// <summary>A database call was made outside a transaction (e.g. outside a reducer call).</summary>
public sealed class NotInTransactionException : StdbException
{
    /// <inheritdoc />
    protected override string DefaultMessage => "ABI call can only be made while in a transaction";
}

/// <summary>The host does not know the table (a bug in the module or the host).</summary>
public sealed class NoSuchTableException : StdbException
{
    /// <summary>Creates the exception.</summary>
    public NoSuchTableException()
    {
    }

    /// <summary>Creates the exception with a host message.</summary>
    public NoSuchTableException(string? message)
        : base(message)
    {
    }

    /// <inheritdoc />
    protected override string DefaultMessage => "No such table";
}

/// <summary>The host does not know the index (a bug in the module or the host).</summary>
public sealed class NoSuchIndexException : StdbException
{
    /// <summary>Creates the exception.</summary>
    public NoSuchIndexException()
    {
    }

    /// <summary>Creates the exception with a host message.</summary>
    public NoSuchIndexException(string? message)
        : base(message)
    {
    }

    /// <inheritdoc />
    protected override string DefaultMessage => "No such index";
}

/// <summary>A unique lookup was made through an index that is not unique.</summary>
public sealed class IndexNotUniqueException : StdbException
{
    /// <inheritdoc />
    protected override string DefaultMessage => "The index was not unique";
}

/// <summary>Bytes from the host or a caller were not valid BSATN for the expected type.</summary>
public sealed class BsatnDecodeException : StdbException
{
    /// <summary>Creates the exception with the decoder's message.</summary>
    public BsatnDecodeException(string? message)
        : base(message)
    {
    }

    /// <inheritdoc />
    protected override string DefaultMessage => "Unable to decode the BSATN";
}

/// <summary>An error code the module library does not know.</summary>
/// <param name="code">The host's error number.</param>
public sealed class UnknownException(int code) : StdbException
{
    /// <summary>The host's error number.</summary>
    public int Code { get; } = code;

    /// <inheritdoc />
    protected override string DefaultMessage => $"SpacetimeDB error code {Code}";
}

/// <summary>A procedure's transaction could not be committed; nothing it wrote was kept.</summary>
public sealed class TransactionCommitException : StdbException
{
    /// <summary>Creates the exception.</summary>
    public TransactionCommitException()
    {
    }

    /// <summary>Creates the exception with the host's reason.</summary>
    /// <param name="message">Why the commit failed.</param>
    public TransactionCommitException(string? message)
        : base(message)
    {
    }

    /// <inheritdoc />
    protected override string DefaultMessage => "The transaction could not be committed";
}
