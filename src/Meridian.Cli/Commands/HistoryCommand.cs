using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Meridian.Cli.Output;
using Meridian.Sats;

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
            var url = CommonOptions.DatabasePath(name) + "/history?limit=" + limit.ToString(CultureInfo.InvariantCulture);
            if (parse.GetValue(from) is { } first)
                url += "&from=" + first.ToString(CultureInfo.InvariantCulture);
            using var client = context.Connect(parse.GetValue(server)!);
            var response = await client.SendAsync(HttpMethod.Get, url, null, token);
            if (!response.IsSuccess)
                throw response.ToError();
            if (parse.GetValue(json))
            {
                await context.Out.WriteLineAsync(response.Body);
                return 0;
            }
            using var document = JsonDocument.Parse(response.Body);
            var rows = new List<IReadOnlyList<string>>();
            var anyError = false;
            foreach (var t in document.RootElement.GetProperty("transactions").EnumerateArray())
            {
                var error = t.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()! : "";
                anyError |= error.Length > 0;
                rows.Add([
                    t.GetProperty("offset").GetRawText(),
                    new Timestamp(t.GetProperty("time_micros").GetInt64()).ToString(),
                    t.TryGetProperty("reducer", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "",
                    t.TryGetProperty("caller", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "",
                    $"+{t.GetProperty("rows_inserted").GetInt64()} -{t.GetProperty("rows_deleted").GetInt64()}",
                    error,
                ]);
            }
            string[] headers = ["offset", "time", "reducer", "caller", "rows changed", "error"];
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
}
