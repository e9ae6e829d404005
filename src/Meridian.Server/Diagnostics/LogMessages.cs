using Microsoft.Extensions.Logging;

namespace Meridian.Server.Diagnostics;

/// <summary>The server's operator log lines.</summary>
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "{Method} {Path} failed with an unhandled error; the client got 500.")]
    public static partial void UnhandledRequestError(this ILogger logger, string method, string path, Exception exception);
}
