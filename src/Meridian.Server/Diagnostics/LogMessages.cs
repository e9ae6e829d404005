using Microsoft.Extensions.Logging;

namespace Meridian.Server.Diagnostics;

/// <summary>The server's operator log lines.</summary>
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "{Method} {Path} failed with an unhandled error; the client got 500.")]
    public static partial void UnhandledRequestError(this ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning,
        Message = "Could not refresh the keys of trusted issuer {Issuer} ({Reason}); still using the keys fetched before.")]
    public static partial void IssuerKeysRefreshFailed(this ILogger logger, string issuer, string reason);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Error,
        Message = "Could not fetch the keys of trusted issuer {Issuer} ({Reason}); its tokens are refused until it can be reached.")]
    public static partial void IssuerKeysUnavailable(this ILogger logger, string issuer, string reason);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "PostgreSQL wire protocol listening on {EndPoint}.")]
    public static partial void PgListening(this ILogger logger, System.Net.IPEndPoint endPoint);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Warning, Message = "PostgreSQL client {Remote} refused for database {Database}: {Reason}")]
    public static partial void PgAuthenticationRefused(this ILogger logger, string remote, string database, string reason);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Error, Message = "PostgreSQL connection from {Remote} failed with an unexpected error; it was closed.")]
    public static partial void PgConnectionFailed(this ILogger logger, string remote, Exception exception);

    [LoggerMessage(EventId = 2204, Level = LogLevel.Warning, Message = "Accepting a PostgreSQL connection failed: {Reason}")]
    public static partial void PgAcceptFailed(this ILogger logger, string reason);
}
