using System.CommandLine;
using Meridian.Cli.Output;
using Meridian.Client.Http;

namespace Meridian.Cli.Commands;

/// <summary>
/// <c>meridian sql [-s SERVER] [--json] DATABASE [QUERY]</c>: <c>POST /v1/database/:db/sql</c> with the
/// query as plain text; prints a table per statement, or the raw JSON. Without a query, the
/// interactive <see cref="SqlShell"/>.
/// </summary>
internal static class SqlCommand
{
    public static Command Create(CliContext context)
    {
        var server = CommonOptions.Server();
        var json = new Option<bool>("--json") { Description = "Print the server's JSON answer as it is" };
        var asOf = new Option<ulong?>("--as-of")
        {
            Description = "Read the database as it was right after this transaction offset (SELECT only; see `meridian history`)",
            HelpName = "OFFSET",
        };
        var database = CommonOptions.Database();
        var query = new Argument<string?>("QUERY")
        {
            Description = "SQL text; several statements are separated by ';'. Without it, an interactive shell reads statements",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("sql", "Runs SQL queries and DML statements against a database")
        {
            server, json, asOf, database, query,
        }.WithExamples(
            "meridian sql chat \"SELECT * FROM message WHERE sender = 0x1234...\"",
            "meridian sql chat \"UPDATE user SET name = 'Alice' WHERE name = 'alice'\"",
            "meridian sql chat --as-of 41 \"SELECT * FROM message\"   # as it was after transaction 41",
            "meridian sql chat                       # an interactive shell",
            "meridian sql chat < script.sql");
        command.SetAction((parse, ct) => context.RunAsync(async token =>
        {
            using var client = context.Connect(parse.GetValue(server)!);
            var api = await client.ApiAsync(token);
            var options = new SqlOptions { AsOf = parse.GetValue(asOf) };
            if (parse.GetValue(query) is null)
                return await new SqlShell(context, api, parse.GetValue(database)!, parse.GetValue(json), options).RunAsync(token);
            var result = await api.SqlAsync(parse.GetValue(database)!, parse.GetValue(query)!, options, token);
            if (parse.GetValue(json))
                await context.Out.WriteLineAsync(result.Json);
            else
                SqlResultWriter.Write(context.Out, result.Json);
            return 0;
        }, ct));
        return command;
    }
}
