using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Runtime.CompilerServices;

namespace Meridian.Cli;

/// <summary>
/// Examples printed after a command's <c>--help</c>: <see cref="WithExamples"/> attaches them to a command,
/// and the root's help option runs <see cref="Action"/>, which prints the usual help and then them.
/// </summary>
internal static class HelpExamples
{
    private static readonly ConditionalWeakTable<Command, string[]> Examples = [];

    /// <summary>Attaches <paramref name="examples"/> (command lines, optionally followed by <c>  # comment</c>) to <paramref name="command"/>.</summary>
    public static TCommand WithExamples<TCommand>(this TCommand command, params string[] examples)
        where TCommand : Command
    {
        Examples.AddOrUpdate(command, examples);
        return command;
    }

    /// <summary>The examples of <paramref name="command"/> (empty when it has none).</summary>
    public static IReadOnlyList<string> Of(Command command) => Examples.TryGetValue(command, out var e) ? e : [];

    /// <summary>Makes <paramref name="help"/> print examples after the help text.</summary>
    public static void Attach(HelpOption help) => help.Action = new Action((HelpAction)help.Action!);

    private sealed class Action(HelpAction inner) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var exitCode = inner.Invoke(parseResult);
            var examples = Of(parseResult.CommandResult.Command);
            if (examples.Count == 0)
                return exitCode;
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine("Examples:");
            foreach (var example in examples)
                output.WriteLine("  " + example);
            output.WriteLine();
            return exitCode;
        }
    }
}
