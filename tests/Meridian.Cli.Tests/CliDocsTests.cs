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

    // Every command and subcommand, with the words that run it (`identity new`).
    private static List<(string Path, Command Command)> Commands()
    {
        var context = new CliContext(new CliEnvironment { Out = TextWriter.Null, Error = TextWriter.Null });
        var all = new List<(string, Command)>();
        void Add(string prefix, Command command)
        {
            var path = prefix.Length == 0 ? command.Name : prefix + " " + command.Name;
            all.Add((path, command));
            foreach (var sub in command.Subcommands)
                Add(path, sub);
        }
        foreach (var command in CliApp.CreateRootCommand(context).Subcommands)
            Add("", command);
        return all;
    }

    [Fact]
    public void Every_command_and_option_in_help_is_in_docs_cli_md()
    {
        var docs = Docs();
        var missing = new List<string>();
        foreach (var (path, command) in Commands())
        {
            if (!docs.Contains($"meridian {path}", StringComparison.Ordinal))
                missing.Add($"meridian {path}");
            foreach (var option in command.Options.Where(o => o.Name is not ("--help" or "--server")))
            {
                if (!docs.Contains(option.Name, StringComparison.Ordinal))
                    missing.Add($"meridian {path} {option.Name}");
            }
        }
        Assert.True(missing.Count == 0, "docs/cli.md does not mention: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task Help_of_every_command_describes_it_and_its_options()
    {
        foreach (var (path, command) in Commands())
        {
            var help = await _cli.RunAsync([.. path.Split(' '), "--help"]);
            Assert.True(help.ExitCode == 0, $"{path} --help: {help.Error}");
            Assert.Contains(command.Description!, help.Out, StringComparison.Ordinal);
            foreach (var option in command.Options)
                Assert.Contains(option.Name, help.Out, StringComparison.Ordinal);
            // Every command shows how it is used, ending the help.
            var examples = help.Out.IndexOf("\nExamples:\n  meridian " + path, StringComparison.Ordinal);
            Assert.True(examples > 0, $"meridian {path} --help shows no examples:\n{help.Out}");
        }
    }
}
