namespace Meridian.Runtime.Logging;

/// <summary>The level of a module log line (the names are what <c>/logs</c> and the log file carry).</summary>
public enum ModuleLogLevel
{
    /// <summary>Errors.</summary>
    Error = 0,
    /// <summary>Warnings.</summary>
    Warn = 1,
    /// <summary>Information.</summary>
    Info = 2,
    /// <summary>Debugging.</summary>
    Debug = 3,
    /// <summary>Tracing.</summary>
    Trace = 4,
    /// <summary>A panic: the module failed hard.</summary>
    Panic = 5,
}
