using System.CommandLine;
using System.CommandLine.Help;
using Meridian.Cli.Commands;

namespace Meridian.Cli;

/// <summary>
/// The <c>meridian</c> command tree. <c>Program</c> calls <see cref="RunAsync(string[], CliEnvironment, CancellationToken)"/>
/// with the real console; tests call it with their own writers and directories.
/// </summary>
public static class CliApp
{
    /// <summary>Runs the command line <paramref name="args"/>, writing to the given writers; returns the exit code.</summary>
    /// <param name="args">The arguments after the program name.</param>
    /// <param name="stdout">Where results go.</param>
    /// <param name="stderr">Where progress, errors and hints go.</param>
    /// <param name="cancellationToken">Cancels the running command.</param>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default) =>
        RunAsync(args, new CliEnvironment { Out = stdout, Error = stderr }, cancellationToken);

    /// <summary>Runs the command line <paramref name="args"/> in <paramref name="environment"/>; returns the exit code.</summary>
    /// <param name="args">The arguments after the program name.</param>
    /// <param name="environment">Output streams, directories and whether prompts are possible.</param>
    /// <param name="cancellationToken">Cancels the running command.</param>
    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default)
    {
        var root = CreateRootCommand(new CliContext(environment));
        var invocation = new InvocationConfiguration
        {
            Output = environment.Out,
            Error = environment.Error,
            // In a real process an unexpected exception is printed; in tests it reaches the test.
            EnableDefaultExceptionHandler = environment.HandleProcessTermination,
            ProcessTerminationTimeout = environment.HandleProcessTermination ? TimeSpan.FromSeconds(2) : null,
        };
        // Arguments such as `@alice` are reducer arguments, not response files.
        var parser = new ParserConfiguration { ResponseFileTokenReplacer = null };
        var exitCode = await root.Parse(args, parser).InvokeAsync(invocation, cancellationToken);
        // Not with the command's token: after Ctrl+C it is cancelled, and what the command wrote must still reach the terminal.
        await environment.Out.FlushAsync(CancellationToken.None);
        await environment.Error.FlushAsync(CancellationToken.None);
        return exitCode;
    }

    /// <summary>The command tree; named <c>meridian</c> whatever the executable is called.</summary>
    internal static Command CreateRootCommand(CliContext context)
    {
        // Examples of the commands whose files define none; the others attach theirs where they are built.
        var root = new Command("meridian", "Meridian: a relational database and application server for SpacetimeDB modules written in C#.")
        {
            StartCommand.Create(context).WithExamples(
                "meridian start",
                "meridian start --listen-addr 0.0.0.0:3000 --data-dir /var/lib/meridian",
                "meridian start --config meridian.json",
                "meridian start --pg-port 5432        # also serve the PostgreSQL wire protocol (psql, Npgsql)"),
            PublishCommand.Create(context).WithExamples(
                "meridian publish chat                     # compile the module in . and publish it as chat",
                "meridian publish -p ../server --dry-run chat   # print the migration plan only",
                "meridian publish --delete-data --yes chat      # start again from empty tables",
                "meridian publish -s prod -b bin/Release/net10.0/Chat.dll chat"),
            GenerateCommand.Create(context).WithExamples(
                "meridian generate --lang typescript --out-dir src/module_bindings -p ../server",
                "meridian generate --lang ts --out-dir src/module_bindings -s localhost:3000 chat",
                "meridian generate --lang ts --out-dir src/module_bindings --module-def chat.json"),
            DescribeCommand.Create(context).WithExamples(
                "meridian describe chat",
                "meridian describe chat table message",
                "meridian describe chat reducer send_message",
                "meridian describe --json chat > chat.json"),
            DatabaseCommands.List(context).WithExamples("meridian list", "meridian list -s prod"),
            DatabaseCommands.Delete(context).WithExamples("meridian delete chat", "meridian delete --yes chat-test"),
            RenameCommand.Create(context),
            CallCommand.Create(context).WithExamples(
                "meridian call chat send_message \"Hello, world\"",
                "meridian call chat set_name Alice",
                "meridian call chat move '{\"x\": 1, \"y\": 2}' 42"),
            SqlCommand.Create(context),
            MirrorCommand.Create(context).WithExamples(
                "meridian mirror chat --sqlite chat.sqlite",
                "meridian mirror chat --sqlite chat.sqlite --tables message user --incremental"),
            HistoryCommand.Create(context),
            BackupCommands.Dump(context),
            BackupCommands.Restore(context),
            LogsCommand.Create(context).WithExamples(
                "meridian logs chat",
                "meridian logs -f chat",
                "meridian logs -n 100 --level warn chat",
                "meridian logs --format json chat | jq .message"),
            IdentityCommands.Login(context),
            LogoutCommand.Create(context).WithExamples("meridian logout", "meridian logout -s prod"),
            IdentityCommands.Create(context),
            ServerCommands.Create(context),
        };
        var help = new HelpOption();
        HelpExamples.Attach(help);
        root.Options.Add(help);
        root.Options.Add(new VersionOption());
        return root;
    }
}
