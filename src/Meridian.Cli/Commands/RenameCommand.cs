using System.CommandLine;

namespace Meridian.Cli.Commands;

/// <summary><c>meridian rename [-s SERVER] --to NEW DATABASE</c>: <c>PUT /v1/database/:db/names</c> with <c>["NEW"]</c>.</summary>
internal static class RenameCommand
{
    public static Command Create(CliContext context)
    {
        var server = CommonOptions.Server();
        var to = new Option<string>("--to") { Description = "The new name", HelpName = "NEW_NAME", Required = true };
        var database = CommonOptions.Database();
        var command = new Command("rename", "Renames a database you own; its identity, module and data stay")
        {
            server, to, database,
        }.WithExamples("meridian rename --to chat-v2 chat", "meridian rename --to chat c200a1b2...   # by identity");
        command.SetAction((parse, ct) => context.RunAsync(async token =>
        {
            var name = parse.GetValue(database)!;
            var newName = parse.GetValue(to)!;
            using var client = context.Connect(parse.GetValue(server));
            await (await client.ApiAsync(token)).RenameDatabaseAsync(name, newName, token);
            await context.Out.WriteLineAsync($"Renamed database {name} to {newName}.");
            return 0;
        }, ct));
        return command;
    }
}
