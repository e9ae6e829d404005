using System.CommandLine;
using System.Globalization;
using Meridian.Cli.Output;
using Meridian.Client.Http;

namespace Meridian.Cli.Commands;

/// <summary>
/// <c>meridian history [-s SERVER] [--from OFFSET] [-n N] [--json] DATABASE</c>: the database's logged
/// transactions from its commit log (<c>GET /v1/database/:db/history</c>, owner only).
/// </summary>
internal static class HistoryCommand
{
    public static Command Create(CliContext context)
    {
        var server = CommonOptions.Server();
        var from = new Option<ulong?>("--from")
        {
            Description = "The first transaction offset to list (default: the last N transactions)",
            HelpName = "OFFSET",
        };
        var count = new Option<int>("--num-lines", "-n")
        {
            Description = "How many transactions to list (at most 10000)",
            HelpName = "N",
            DefaultValueFactory = _ => 20,
        };
        var json = new Option<bool>("--json") { Description = "Print the server's JSON answer as it is" };
        var database = CommonOptions.Database();
        var command = new Command("history", "Lists a database's transactions: offset, time, reducer, caller and rows changed")
        {
            server, from, count, json, database,
        }.WithExamples(
            "meridian history chat                 # the last 20 transactions",
            "meridian history chat --from 0 -n 100 # the first 100",
            "meridian sql chat --as-of 41 \"SELECT * FROM message\"   # the data as it was after transaction 41");
        command.SetAction((parse, ct) => context.RunAsync(async token =>
        {
            var limit = parse.GetValue(count);
            if (limit is < 1 or > 10_000)
                throw new CliException($"-n takes a number from 1 to 10000, not {limit}.");
            var name = parse.GetValue(database)!;
            using var client = context.Connect(parse.GetValue(server)!);
            var page = await (await client.ApiAsync(token)).GetHistoryAsync(name, parse.GetValue(from), limit, token);
            if (parse.GetValue(json))
            {
                await context.Out.WriteLineAsync(page.Json);
                return 0;
            }
            var rows = new List<IReadOnlyList<string>>();
            var anyError = false;
            foreach (var t in page.Transactions)
            {
                var error = t.Error ?? "";
                anyError |= error.Length > 0;
                rows.Add([
                    t.Offset.ToString(CultureInfo.InvariantCulture),
                    Times.Format(t.Time),
                    What(t),
                    t.Caller ?? "",
                    string.Create(CultureInfo.InvariantCulture, $"+{t.RowsInserted} -{t.RowsDeleted}"),
                    error,
                ]);
            }
            string[] headers = ["offset", "time", "reducer (or change)", "caller", "rows changed", "error"];
            bool[] right = [true, false, false, false, true, false];
            if (!anyError)
            {
                headers = headers[..^1];
                right = right[..^1];
                rows = rows.Select(row => (IReadOnlyList<string>)row.Take(5).ToArray()).ToList();
            }
            TextTable.Write(context.Out, headers, rows, right);
            await context.Out.WriteLineAsync(rows.Count == 1 ? "(1 transaction)" : $"({rows.Count} transactions)");
            return 0;
        }, ct));
        return command;
    }

    /// <summary>
    /// The reducer column: the reducer, or for a transaction that ran none, what it was: a publish or
    /// migration (<c>schema: created table user, created table message</c>).
    /// </summary>
    internal static string What(HistoryTransaction t) => t switch
    {
        { Reducer: { } reducer } => reducer,
        { SchemaChanges.Count: > 0 } => "schema: " + string.Join(", ", t.SchemaChanges),
        _ => "(no reducer)",
    };
}
