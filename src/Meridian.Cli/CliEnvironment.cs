namespace Meridian.Cli;

/// <summary>
/// What the CLI takes from the process it runs in: its output streams, where its configuration
/// and its compiler inputs live, and whether a person is at the keyboard. Tests build one by hand
/// to run commands in-process.
/// </summary>
public sealed class CliEnvironment
{
    /// <summary>The environment variable naming the configuration directory.</summary>
    public const string ConfigDirectoryVariable = "MERIDIAN_CONFIG_DIR";

    /// <summary>Where results go.</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Where progress, errors and hints go.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Where answers to confirmation prompts come from.</summary>
    public TextReader In { get; init; } = TextReader.Null;

    /// <summary>
    /// Whether standard input is a terminal; without one the CLI never prompts.
    /// </summary>
    public bool IsInteractive { get; init; }

    /// <summary>
    /// Whether the progress of uploads, downloads and the server's work (publish, dump, restore) is one
    /// line redrawn in place: only when stderr, where progress goes, is a terminal and no <c>CI</c>
    /// variable is set. Otherwise it is a few plain lines (every 10%, after 5 s without one, and the
    /// totals at the end), which read well in CI logs and files.
    /// </summary>
    public bool RedrawsProgress { get; init; }

    /// <summary>The clock of the plain progress lines' interval (a fake one in tests).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The directory holding <c>cli.json</c>.</summary>
    public string ConfigDirectory { get; init; } = DefaultConfigDirectory();

    /// <summary>
    /// The directory holding <c>Meridian.Module.dll</c>, <c>Meridian.Sats.dll</c> and
    /// <c>Meridian.Module.Generator.dll</c>, which modules are compiled against.
    /// </summary>
    public string ToolsDirectory { get; init; } = AppContext.BaseDirectory;

    /// <summary>
    /// Where <c>publish</c> keeps its generated projects, one folder per module directory, so a
    /// later publish of the same directory builds incrementally. It should lie outside any
    /// repository; the generated projects ignore directory build files either way.
    /// </summary>
    public string BuildRoot { get; init; } = Path.Combine(Path.GetTempPath(), "meridian-build");

    /// <summary>The <c>dotnet</c> executable that builds modules.</summary>
    public string DotnetPath { get; init; } = DefaultDotnetPath();

    /// <summary>Whether Ctrl+C cancels the running command (off in tests, which own the process).</summary>
    public bool HandleProcessTermination { get; init; }

    /// <summary>The environment of a real process: the console, the user's config directory.</summary>
    public static CliEnvironment FromProcess() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        In = Console.In,
        IsInteractive = !Console.IsInputRedirected,
        RedrawsProgress = !Console.IsErrorRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")),
        HandleProcessTermination = true,
    };

    /// <summary><c>$MERIDIAN_CONFIG_DIR</c>, else <c>~/.config/meridian</c>.</summary>
    public static string DefaultConfigDirectory()
    {
        var fromVariable = Environment.GetEnvironmentVariable(ConfigDirectoryVariable);
        if (!string.IsNullOrEmpty(fromVariable))
            return fromVariable;
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".config", "meridian");
    }

    /// <summary>
    /// The <c>dotnet</c> host running this process when there is one (so a CLI started with
    /// <c>dotnet Meridian.Cli.dll</c> or under <c>dotnet test</c> builds with the same SDK), else
    /// <c>DOTNET_HOST_PATH</c>, else <c>dotnet</c> from the PATH.
    /// </summary>
    public static string DefaultDotnetPath()
    {
        var process = Environment.ProcessPath;
        if (process is not null && Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            return process;
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
            return host;
        return "dotnet";
    }
}
