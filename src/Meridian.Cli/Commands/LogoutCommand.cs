using System.CommandLine;

namespace Meridian.Cli.Commands;

/// <summary><c>meridian logout [-s SERVER]</c>: forgets the identity and token saved for a server.</summary>
internal static class LogoutCommand
{
    public static Command Create(CliContext context)
    {
        var server = CommonOptions.Server();
        var command = new Command("logout", "Forgets the identity and token saved for a server; the next command there creates a new identity")
        {
            server,
        };
        command.SetAction((parse, ct) => context.RunAsync(async _ =>
        {
            var config = context.LoadConfig();
            var url = config.ResolveServer(parse.GetValue(server));
            var removed = config.Remove(url);
            await context.Out.WriteLineAsync(removed
                ? $"Forgot the identity saved for {url}."
                : $"No identity was saved for {url}.");
            return 0;
        }, ct));
        return command;
    }
}
