namespace Meridian.Runtime.Hosting;

/// <summary>What a publish did.</summary>
/// <param name="Database">The database now serving the module.</param>
/// <param name="Created">True when the database was created, false when its module was updated.</param>
public sealed record PublishResult(Database Database, bool Created);

/// <summary>A publish that was refused; <see cref="Exception.Message"/> is for the caller.</summary>
public sealed class PublishException : DatabaseException
{
    /// <summary>Creates the error.</summary>
    public PublishException(string message, PublishFailure kind, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
    }

    /// <summary>Why it was refused.</summary>
    public PublishFailure Kind { get; }
}

/// <summary>Why a publish was refused.</summary>
public enum PublishFailure
{
    /// <summary>The module is invalid, its init failed, or the update is incompatible.</summary>
    Rejected = 0,
    /// <summary>The caller does not own the existing database.</summary>
    PermissionDenied = 1,
    /// <summary>The name is not a valid database name.</summary>
    InvalidName = 2,
    /// <summary>There is no such database (pre-publish of an update).</summary>
    NotFound = 3,
}
