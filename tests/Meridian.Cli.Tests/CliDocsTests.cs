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
    public void Every_command_has_a_row_whose_usage_lists_its_options_and_arguments_and_every_row_is_a_command()
    {
        var rows = UsageRows(Docs());
        var commands = Commands();
        var paths = commands.Select(c => c.Path).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        // A row belongs to the longest command path its usage starts with; a row that starts with none is stale.
        var rowOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var usage in rows)
        {
            var words = usage.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
            var path = Enumerable.Range(1, words.Count).Reverse().Select(n => string.Join(' ', words.Take(n))).FirstOrDefault(paths.Contains);
            if (path is null)
                problems.Add($"the row `{usage}` names no command");
            else if (!rowOf.TryAdd(path, usage))
                problems.Add($"meridian {path} has two rows");
        }
        foreach (var (path, command) in commands)
        {
            // A group (`identity`, `server`) only holds subcommands, which have their rows.
            if (command.Subcommands.Count > 0 && command.Action is null)
                continue;
            if (!rowOf.TryGetValue(path, out var usage))
            {
                problems.Add($"meridian {path} has no row in the command table");
                continue;
            }
            foreach (var option in command.Options.Where(o => !o.Hidden && o.Name is not ("--help" or "--server")))
            {
                if (!new[] { option.Name }.Concat(option.Aliases).Any(name => Mentions(usage, name)))
                    problems.Add($"the usage of meridian {path} does not list {option.Name}");
            }
            foreach (var argument in command.Arguments.Where(a => !a.Hidden))
            {
                if (!Mentions(usage, argument.Name))
                    problems.Add($"the usage of meridian {path} does not name its argument {argument.Name}");
            }
        }
        Assert.True(problems.Count == 0, "docs/cli.md: " + string.Join("; ", problems));
    }

    // The usage cell (`meridian …`) of each row of the command table.
    private static List<string> UsageRows(string docs) =>
        [.. docs.Split('\n')
            .Where(line => line.StartsWith("| `meridian ", StringComparison.Ordinal))
            .Select(line => line[3..line.IndexOf("` |", StringComparison.Ordinal)].Replace("\\|", "|", StringComparison.Ordinal))];

    private static bool Mentions(string text, string word) =>
        System.Text.RegularExpressions.Regex.IsMatch(text, $@"(?<![\w-]){System.Text.RegularExpressions.Regex.Escape(word)}(?![\w-])");

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
