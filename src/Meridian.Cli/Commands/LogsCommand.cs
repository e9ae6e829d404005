using System.CommandLine;
using System.Globalization;
using Meridian.Cli.Output;

namespace Meridian.Cli.Commands;

/// <summary>
/// <c>meridian logs [-s SERVER] [-n N] [-f] DATABASE</c>: <c>GET /v1/database/:db/logs</c>, printing
/// each ndjson record as a line; with <c>--follow</c> it keeps printing until the server closes
/// the stream or the user presses Ctrl+C.
/// </summary>
internal static class LogsCommand
{
    /// <summary>Lines shown before following when <c>-n</c> is not given (upstream's default too).</summary>
    private const int FollowDefaultLines = 10;

    public static Command Create(CliContext context)
    {
        var server = CommonOptions.Server();
        var lines = new Option<int?>("--num-lines", "-n") { Description = "How many of the last lines to print (all when not given)", HelpName = "N" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines as they are logged" };
        var database = CommonOptions.Database();
        var command = new Command("logs", "Prints a database's module logs")
        {
            server, lines, follow, database,
        };
        lines.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 0)
                result.AddError("--num-lines must not be negative.");
        });
        command.SetAction((parse, ct) => context.RunAsync(async token =>
        {
            var following = parse.GetValue(follow);
            var count = parse.GetValue(lines) ?? (following ? FollowDefaultLines : null);
            var url = CommonOptions.DatabasePath(parse.GetValue(database)!) + "/logs?"
                + (count is { } n ? string.Create(CultureInfo.InvariantCulture, $"num_lines={n}&") : "")
                + (following ? "follow=true" : "follow=false");

            using var client = context.Connect(parse.GetValue(server)!);
            using var response = await client.SendStreamingAsync(HttpMethod.Get, url, token);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(token));
            while (await reader.ReadLineAsync(token) is { } line)
            {
                if (line.Length == 0)
                    continue;
                await context.Out.WriteLineAsync(LogRecordFormatter.Format(line));
                if (following)
                    await context.Out.FlushAsync(token);
            }
            return 0;
        }, ct));
        return command;
    }
}
