namespace Meridian.Cli;

/// <summary>
/// A failure the user can act on: printed as <c>error: message</c> (and an optional hint line),
/// never with a stack trace, and the command exits with <see cref="ExitCode"/>.
/// </summary>
internal sealed class CliException(string message, string? hint = null, int exitCode = 1) : Exception(message)
{
    /// <summary>A suggestion printed after the error, or null.</summary>
    public string? Hint { get; } = hint;

    /// <summary>The process exit code.</summary>
    public int ExitCode { get; } = exitCode;
}
