using System.CommandLine;
using Meridian.Cli.Output;

namespace Meridian.Cli.Commands;

/// <summary><c>meridian list</c> and <c>meridian delete</c>: the databases this CLI's identity owns on a server.</summary>
internal static class DatabaseCommands
{
    /// <summary><c>meridian list [-s SERVER]</c>: <c>GET /v1/identity/:identity/databases</c>, a table of names and identities.</summary>
    public static Command List(CliContext context)
    {
        var server = CommonOptions.Server();
        var command = new Command("list", "Lists the databases your identity owns on the server")
        {
            server,
        };
        command.SetAction((parse, ct) => context.RunAsync(async token =>
        {
            using var client = context.Connect(parse.GetValue(server)!);
            var identity = (await client.GetCredentialsAsync(token)).Identity
                ?? throw new CliException($"the identity saved for {client.Server} is unknown.", $"meridian logout -s {client.Server}");
            var databases = await (await client.ApiAsync(token)).ListDatabasesAsync(identity, token);
            var rows = databases.Select(d => (IReadOnlyList<string>)[d.Name ?? "", d.Identity]).ToList();
            await context.Out.WriteLineAsync($"Databases owned by {identity} on {client.Server}:");
            TextTable.Write(context.Out, ["name", "identity"], rows, [false, false]);
            await context.Out.WriteLineAsync(rows.Count == 1 ? "(1 database)" : $"({rows.Count} databases)");
            return 0;
        }, ct));
        return command;
    }

    /// <summary><c>meridian delete [-s SERVER] [--yes] DATABASE</c>: <c>DELETE /v1/database/:db</c>, after a confirmation at a terminal.</summary>
    public static Command Delete(CliContext context)
    {
        var server = CommonOptions.Server();
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation" };
        var database = CommonOptions.Database();
        var command = new Command("delete", "Deletes a database you own, with all its data")
        {
            server, yes, database,
        };
        command.SetAction((parse, ct) => context.RunAsync(async token =>
        {
            var name = parse.GetValue(database)!;
            if (!parse.GetValue(yes) && context.Environment.IsInteractive)
            {
                await context.Error.WriteAsync($"This deletes database '{name}' and all its data. Continue? [y/N] ");
                await context.Error.FlushAsync(token);
                if (context.Environment.In.ReadLine()?.Trim().ToLowerInvariant() is not ("y" or "yes"))
                {
                    await context.Error.WriteLineAsync("Delete cancelled; nothing changed.");
                    return 1;
                }
            }
            using var client = context.Connect(parse.GetValue(server)!);
            await (await client.ApiAsync(token)).DeleteDatabaseAsync(name, token);
            await context.Out.WriteLineAsync($"Deleted database {name}.");
            return 0;
        }, ct));
        return command;
    }
}
