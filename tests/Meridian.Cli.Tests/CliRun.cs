namespace Meridian.Cli.Tests;

/// <summary>Runs the CLI in-process with its own config directory and captured output.</summary>
public sealed class CliRun : IDisposable
{
    public CliRun()
    {
        ConfigDirectory = Path.Combine(Path.GetTempPath(), "meridian-cli-tests", Guid.NewGuid().ToString("N"));
    }

    public string ConfigDirectory { get; }

    public string ConfigPath => Path.Combine(ConfigDirectory, "cli.json");

    /// <summary>What the command reads from standard input (the SQL shell); empty when null.</summary>
    public string? Input { get; set; }

    /// <summary>Whether the command sees a terminal (and may prompt, reading <see cref="Input"/>).</summary>
    public bool Interactive { get; set; }

    /// <summary>Whether the command redraws its progress line in place (stderr at a terminal, outside CI).</summary>
    public bool RedrawsProgress { get; set; }

    /// <summary>Where publish keeps generated projects; null for the default.</summary>
    public string? BuildRoot { get; set; }

    public async Task<CliResult> RunAsync(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var input = new StringReader(Input ?? "");
        var environment = BuildRoot is null
            ? new CliEnvironment
            {
                Out = stdout, Error = stderr, ConfigDirectory = ConfigDirectory, In = input, IsInteractive = Interactive, RedrawsProgress = RedrawsProgress,
            }
            : new CliEnvironment
            {
                Out = stdout, Error = stderr, ConfigDirectory = ConfigDirectory, BuildRoot = BuildRoot, In = input, IsInteractive = Interactive,
                RedrawsProgress = RedrawsProgress,
            };
        var exitCode = await CliApp.RunAsync(args, environment);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    public void Dispose()
    {
        if (Directory.Exists(ConfigDirectory))
            Directory.Delete(ConfigDirectory, recursive: true);
    }
}

public sealed record CliResult(int ExitCode, string Out, string Error);
