using System.Runtime.CompilerServices;
using SpacetimeDB.Internal;

namespace SpacetimeDB;

/// <summary>Module logging; records go to the database's log, visible to its owner.</summary>
public static class Log
{
    /// <summary>Logs at trace level.</summary>
    public static void Trace(string message, [CallerMemberName] string target = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        ModuleHost.Log(LogLevel.Trace, message, target, file, line);

    /// <summary>Logs at debug level.</summary>
    public static void Debug(string message, [CallerMemberName] string target = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        ModuleHost.Log(LogLevel.Debug, message, target, file, line);

    /// <summary>Logs at info level.</summary>
    public static void Info(string message, [CallerMemberName] string target = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        ModuleHost.Log(LogLevel.Info, message, target, file, line);

    /// <summary>Logs at warning level.</summary>
    public static void Warn(string message, [CallerMemberName] string target = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        ModuleHost.Log(LogLevel.Warn, message, target, file, line);

    /// <summary>Logs at error level.</summary>
    public static void Error(string message, [CallerMemberName] string target = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        ModuleHost.Log(LogLevel.Error, message, target, file, line);

    /// <summary>Logs an error message.</summary>
    public static void Exception(string message, [CallerMemberName] string target = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        ModuleHost.Log(LogLevel.Error, message, target, file, line);

    /// <summary>Logs an exception (its <c>ToString()</c>) at error level.</summary>
    public static void Exception(
        Exception exception, [CallerMemberName] string target = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        ModuleHost.Log(LogLevel.Error, exception.ToString(), target, file, line);
}
