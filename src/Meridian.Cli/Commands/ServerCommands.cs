using System.CommandLine;
using Meridian.Cli.Config;
using Meridian.Client.Http;
using Meridian.Cli.Output;

namespace Meridian.Cli.Commands;

/// <summary><c>meridian server add|list|set-default|ping|remove</c>: server nicknames and the default server, in <c>cli.json</c>.</summary>
internal static class ServerCommands
{
    public static Command Create(CliContext context) =>
        new Command("server", "Manages saved servers: nicknames usable after -s, and the server used without -s")
        {
            Add(context), List(context), SetDefault(context), Ping(context), Remove(context),
        }.WithExamples(
            "meridian server add prod --url https://db.example.com",
            "meridian server set-default prod",
            "meridian server ping prod",
            "meridian sql -s prod chat \"SELECT * FROM message\"");

    private static Command Add(CliContext context)
    {
        var url = new Option<string>("--url") { Description = "The server's URL (host:port means http://host:port)", HelpName = "URL", Required = true };
        var makeDefault = new Option<bool>("--default", "-d") { Description = "Use it when -s is not given (the first server added is the default anyway)" };
        var name = new Argument<string>("NAME") { Description = "The nickname: letters, digits, '-' and '_'" };
        var command = new Command("add", "Saves a server under a nickname")
        {
            url, makeDefault, name,
        }.WithExamples("meridian server add local --url 127.0.0.1:3000", "meridian server add prod --url https://db.example.com --default");
        command.SetAction((parse, ct) => context.RunAsync(async _ =>
        {
            var nickname = parse.GetValue(name)!;
            if (nickname.Length == 0 || nickname.Length > 64 || !nickname.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                throw new CliException($"'{nickname}' is not a server nickname.", "Use letters, digits, '-' and '_' (at most 64).");
            var address = CliConfig.NormalizeServer(parse.GetValue(url)!);
            var config = context.LoadConfig();
            config.AddServer(nickname, address, parse.GetValue(makeDefault));
            var isDefault = config.DefaultServer == nickname;
            await context.Out.WriteLineAsync($"Saved server {nickname} ({address}){(isDefault ? "; it is the default" : "")}.");
            return 0;
        }, ct));
        return command;
    }

    private static Command List(CliContext context)
    {
        var command = new Command("list", "Lists the saved servers; * marks the default").WithExamples("meridian server list");
        command.SetAction((_, ct) => context.RunAsync(async _ =>
        {
            var config = context.LoadConfig();
            var servers = config.Servers();
            TextTable.Write(
                context.Out,
                ["default", "name", "url"],
                servers.Select(s => (IReadOnlyList<string>)[s.IsDefault ? "*" : "", s.Name, s.Url]).ToList(),
                [false, false, false]);
            await context.Out.WriteLineAsync(servers.Count == 1 ? "(1 server)" : $"({servers.Count} servers)");
            if (!servers.Any(s => s.IsDefault))
                await context.Out.WriteLineAsync($"Without -s commands use {config.ResolveServer(null)}.");
            return 0;
        }, ct));
        return command;
    }

    private static Command SetDefault(CliContext context)
    {
        var server = new Argument<string>("SERVER") { Description = "A saved nickname, or a URL" };
        var command = new Command("set-default", "Makes a server the one used when -s is not given")
        {
            server,
        }.WithExamples("meridian server set-default prod", "meridian server set-default 127.0.0.1:4000");
        command.SetAction((parse, ct) => context.RunAsync(async _ =>
        {
            var config = context.LoadConfig();
            config.SetDefaultServer(parse.GetValue(server)!);
            await context.Out.WriteLineAsync($"Commands without -s now use {config.ResolveServer(null)}.");
            return 0;
        }, ct));
        return command;
    }

    private static Command Ping(CliContext context)
    {
        var server = new Argument<string?>("SERVER") { Description = "A nickname or URL (default: the default server)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("ping", "Checks that a server is up and answering, and whether it accepts the saved token")
        {
            server,
        }.WithExamples("meridian server ping", "meridian server ping prod");
        command.SetAction((parse, ct) => context.RunAsync(async token =>
        {
            var config = context.LoadConfig();
            using var client = context.Connect(parse.GetValue(server));
            var saved = config.Find(client.Server);
            using var ping = client.WithToken(saved?.Token);
            try
            {
                await ping.PingAsync(token);
            }
            catch (MeridianHttpException e) when (saved is not null && e.Error is MeridianHttpError.TokenRejected or MeridianHttpError.BadRequest)
            {
                throw new CliException(
                    $"{client.Server} is online but rejects the token saved for it: {e.ServerMessage}",
                    $"meridian logout -s {client.Server}, or meridian login -s {client.Server} --token TOKEN");
            }
            catch (MeridianHttpException e) when (e.Status is not null)
            {
                throw new CliException($"{client.Server} answered the ping with: {e.ServerMessage}", "Is it a Meridian (or SpacetimeDB) server?");
            }
            await context.Out.WriteLineAsync($"Server is online: {client.Server}{(saved is null ? "" : $" (it accepts the token of {saved.Identity})")}.");
            return 0;
        }, ct));
        return command;
    }

    private static Command Remove(CliContext context)
    {
        var server = new Argument<string>("NAME") { Description = "The nickname to forget" };
        var command = new Command("remove", "Forgets a server nickname (identities saved for its URL stay; see logout)")
        {
            server,
        }.WithExamples("meridian server remove prod");
        command.SetAction((parse, ct) => context.RunAsync(async _ =>
        {
            var name = parse.GetValue(server)!;
            if (!context.LoadConfig().RemoveServer(name))
                throw new CliException($"no server named '{name}' is saved.", "meridian server list");
            await context.Out.WriteLineAsync($"Removed server {name}.");
            return 0;
        }, ct));
        return command;
    }
}
