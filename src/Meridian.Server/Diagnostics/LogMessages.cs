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
}
