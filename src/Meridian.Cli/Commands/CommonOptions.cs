using System.CommandLine;
using Meridian.Client.Http;

namespace Meridian.Cli.Commands;

/// <summary>Options several commands share (each command gets its own instance).</summary>
internal static class CommonOptions
{
    /// <summary><c>-s/--server URL</c>: a URL or a saved nickname; without it, the default server (see <c>meridian server</c>).</summary>
    public static Option<string> Server() => new("--server", "-s")
    {
        Description = $"The server's URL or nickname [default: the default server, else {ServerAddress.Default}]",
        HelpName = "URL",
    };

    /// <summary>The database argument: a name or an identity.</summary>
    public static Argument<string> Database() => new("DATABASE")
    {
        Description = "The database's name or identity",
    };
}
