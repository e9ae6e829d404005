using Microsoft.Extensions.Logging;

namespace Meridian.Runtime.Diagnostics;

/// <summary>The runtime's operator log lines (the module's own lines go to its database log instead).</summary>
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Database {Database}: a commit observer failed; the next observers still ran.")]
    public static partial void ObserverFailed(this ILogger logger, string database, Exception exception);

    [LoggerMessage(
        EventId = 1002,
        Level = LogLevel.Error,
        Message = "Database {Database}: scheduled reducers could not run and are retried in a second: {Reason}")]
    public static partial void SchedulerFailed(this ILogger logger, string database, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Database {Database} could not be reopened and is not served.")]
    public static partial void DatabaseLoadFailed(this ILogger logger, string database, Exception exception);

    // 1004 was a "published" line that nothing logged; its id is not reused.
    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Database {Database}: ClientDisconnected failed for {Caller}: {Error}")]
    public static partial void DisconnectFailed(this ILogger logger, string database, string caller, string error);
}
