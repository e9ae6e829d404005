using Microsoft.Extensions.Logging;

namespace Meridian.Server.Diagnostics;

// The server's lifecycle and session log lines (event ids 23xx); none of them is on a per-call path.
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 2301, Level = LogLevel.Information,
        Message = "Meridian {Version} starting: listen address {ListenAddress}, data directory {DataDirectory}, durability {Durability}.")]
    public static partial void ServerStarting(this ILogger logger, string version, string listenAddress, string dataDirectory, string durability);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Information, Message = "Meridian listening on {Address}.")]
    public static partial void ServerListening(this ILogger logger, Uri address);

    [LoggerMessage(EventId = 2303, Level = LogLevel.Information, Message = "Database {Database} recovered and served (identity {Identity}).")]
    public static partial void DatabaseServed(this ILogger logger, string database, Sats.Identity identity);

    [LoggerMessage(EventId = 2305, Level = LogLevel.Information, Message = "Meridian stopping.")]
    public static partial void ServerStopping(this ILogger logger);

    [LoggerMessage(EventId = 2306, Level = LogLevel.Information, Message = "Meridian stopped.")]
    public static partial void ServerStopped(this ILogger logger);

    [LoggerMessage(EventId = 2311, Level = LogLevel.Information, Message = "Database {Database} published by {Owner}: {Outcome}.")]
    public static partial void Published(this ILogger logger, string database, Sats.Identity owner, string outcome);

    [LoggerMessage(EventId = 2312, Level = LogLevel.Warning, Message = "Publishing database {Database} was refused: {Reason}")]
    public static partial void PublishRefused(this ILogger logger, string database, string reason);

    [LoggerMessage(EventId = 2313, Level = LogLevel.Information, Message = "Database {Database} deleted by {Owner}.")]
    public static partial void DatabaseDeleted(this ILogger logger, string database, Sats.Identity owner);

    [LoggerMessage(EventId = 2321, Level = LogLevel.Error,
        Message = "Session {ConnectionId} of {Identity} on database {Database} failed with an internal error; only this client was disconnected.")]
    public static partial void SessionFailed(this ILogger logger, string database, Sats.Identity identity, Sats.ConnectionId connectionId, Exception exception);

    [LoggerMessage(EventId = 2322, Level = LogLevel.Error,
        Message = "Database {Database}: waiting for transaction {Offset} to be durable failed unexpectedly; its {Sessions} waiting clients were disconnected.")]
    public static partial void DurableWaitFailed(this ILogger logger, string database, ulong offset, int sessions, Exception exception);

    [LoggerMessage(EventId = 2323, Level = LogLevel.Error, Message = "Procedure {Procedure} on database {Database} failed with an internal error.")]
    public static partial void ProcedureFailed(this ILogger logger, string database, string procedure, Exception exception);
}
