using System.CommandLine;
using System.Globalization;
using Meridian.Cli.Output;
using Meridian.Client.Http;

namespace Meridian.Cli.Commands;

/// <summary>
/// <c>meridian logs [-s SERVER] [-n N] [-f] [--level L] [--format text|json] DATABASE</c>:
/// <c>GET /v1/database/:db/logs</c>, printing each ndjson record as a line (or as it is, with
/// <c>--format json</c>), those below <c>--level</c> left out; with <c>--follow</c> it keeps printing
/// until the server closes the stream or the user presses Ctrl+C.
/// </summary>
internal static class LogsCommand
{
    /// <summary>Lines shown before following when <c>-n</c> is not given (upstream's default too).</summary>
    private const int FollowDefaultLines = 10;

    /// <summary>The levels, least severe first.</summary>
    private static readonly string[] Levels = ["trace", "debug", "info", "warn", "error", "panic"];

    /// <summary>The record's level as an index into <see cref="Levels"/>; a record without a readable level always prints.</summary>
    private static int LevelOf(LogRecord record)
    {
        if (record.Level is not { } name)
            return int.MaxValue;
        var lower = name.ToLowerInvariant();
        var index = Array.IndexOf(Levels, lower == "warning" ? "warn" : lower);
        return index < 0 ? int.MaxValue : index;
    }

#pragma warning disable CS1998 // An iterator over a list already read.
    private static async IAsyncEnumerable<LogRecord> ToAsync(IReadOnlyList<LogRecord> records)
#pragma warning restore CS1998
    {
        foreach (var record in records)
            yield return record;
    }

    public static Command Create(CliContext context)
    {
        var server = CommonOptions.Server();
        var lines = new Option<int?>("--num-lines", "-n") { Description = "How many of the last lines to print (all when not given)", HelpName = "N" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines as they are logged" };
        var level = new Option<string?>("--level")
        {
            Description = "Print only records at this level or above: trace, debug, info, warn, error, panic",
            HelpName = "LEVEL",
        };
        level.AcceptOnlyFromAmong(Levels);
        var format = new Option<string>("--format")
        {
            Description = "text (one line per record) or json (the server's records as they are, one per line)",
            HelpName = "FORMAT",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong("text", "json");
        var database = CommonOptions.Database();
        var command = new Command("logs", "Prints a database's module logs")
        {
            server, lines, follow, level, format, database,
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
            var minimum = parse.GetValue(level) is { } l ? Array.IndexOf(Levels, l) : 0;
            var json = parse.GetValue(format) == "json";
            using var client = context.Connect(parse.GetValue(server)!);
            var api = await client.ApiAsync(token);
            var name = parse.GetValue(database)!;
            var records = following ? api.FollowLogsAsync(name, count, token) : ToAsync(await api.GetLogsAsync(name, count, token));
            await foreach (var record in records)
            {
                if (minimum > 0 && LevelOf(record) < minimum)
                    continue;
                await context.Out.WriteLineAsync(json ? record.Json : LogRecordFormatter.Format(record.Json));
                if (following)
                    await context.Out.FlushAsync(token);
            }
            return 0;
        }, ct));
        return command;
    }
}
