using System.CommandLine;

namespace Meridian.Cli.Tests;

/// <summary>docs/cli.md against the command tree that <c>--help</c> prints: every command and every option is documented.</summary>
public sealed class CliDocsTests : IDisposable
{
    private readonly CliRun _cli = new();

    public void Dispose() => _cli.Dispose();

    private static string Docs()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "docs", "cli.md");
            if (File.Exists(path))
                return File.ReadAllText(path);
        }
        throw new FileNotFoundException("docs/cli.md not found above the test directory.");
    }

    private static List<Command> Commands()
    {
        var context = new CliContext(new CliEnvironment { Out = TextWriter.Null, Error = TextWriter.Null });
        return CliApp.CreateRootCommand(context).Subcommands.ToList();
    }

    [Fact]
    public void Every_command_and_option_in_help_is_in_docs_cli_md()
    {
        var docs = Docs();
        var missing = new List<string>();
        foreach (var command in Commands())
        {
            if (!docs.Contains($"meridian {command.Name}", StringComparison.Ordinal))
                missing.Add($"meridian {command.Name}");
            foreach (var option in command.Options.Where(o => o.Name is not ("--help" or "--server")))
            {
                if (!docs.Contains(option.Name, StringComparison.Ordinal))
                    missing.Add($"meridian {command.Name} {option.Name}");
            }
        }
        Assert.True(missing.Count == 0, "docs/cli.md does not mention: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task Help_of_every_command_describes_it_and_its_options()
    {
        foreach (var command in Commands())
        {
            var help = await _cli.RunAsync(command.Name, "--help");
            Assert.True(help.ExitCode == 0, $"{command.Name} --help: {help.Error}");
            Assert.Contains(command.Description!, help.Out, StringComparison.Ordinal);
            foreach (var option in command.Options)
                Assert.Contains(option.Name, help.Out, StringComparison.Ordinal);
        }
    }
}
