namespace Meridian.Runtime.Logging;

/// <summary>One log line of a database, as <c>/logs</c> serves it.</summary>
/// <param name="Level">How serious it is.</param>
/// <param name="TimestampMicros">When, in microseconds since the Unix epoch.</param>
/// <param name="Target">The logging function or category.</param>
/// <param name="Filename">Source file, when known.</param>
/// <param name="LineNumber">Source line, when known.</param>
/// <param name="Message">The text.</param>
public sealed record ModuleLogRecord(ModuleLogLevel Level, long TimestampMicros, string? Target, string? Filename, int? LineNumber, string Message);
