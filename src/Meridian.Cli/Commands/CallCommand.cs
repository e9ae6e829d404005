using System.CommandLine;
using System.Text;
using System.Text.Json;

namespace Meridian.Cli.Commands;

/// <summary>
/// <c>meridian call [-s SERVER] DATABASE REDUCER [ARGS...]</c>: <c>POST /v1/database/:db/call/:name</c>
/// with the arguments as a JSON array.
/// </summary>
internal static class CallCommand
{
    public static Command Create(CliContext context)
    {
        var server = CommonOptions.Server();
        var database = CommonOptions.Database();
        var reducer = new Argument<string>("REDUCER") { Description = "The reducer (or procedure) to call" };
        var arguments = new Argument<string[]>("ARGS")
        {
            Description = "The arguments, each as JSON; text that is not valid JSON is sent as a string",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("call", "Calls a reducer or procedure of a database")
        {
            server, database, reducer, arguments,
        };
        command.SetAction((parse, ct) => context.RunAsync(async token =>
        {
            var body = ArgumentsJson(parse.GetValue(arguments) ?? []);
            using var client = context.Connect(parse.GetValue(server)!);
            var api = await client.ApiAsync(token);
            var answer = await api.CallAsync(parse.GetValue(database)!, parse.GetValue(reducer)!, body, token);
            // A procedure answers with its return value; a reducer with nothing.
            if (answer.Length > 0)
                await context.Out.WriteLineAsync(answer);
            return 0;
        }, ct));
        return command;
    }

    /// <summary>
    /// The JSON array of <paramref name="args"/>: each one as written when it parses as JSON
    /// (<c>42</c>, <c>true</c>, <c>"x"</c>, <c>{"some": 1}</c>), else as a JSON string, so
    /// <c>meridian call chat set_name Alice</c> works without shell quoting gymnastics.
    /// </summary>
    internal static string ArgumentsJson(IReadOnlyList<string> args)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var arg in args)
            {
                if (IsJson(arg))
                    writer.WriteRawValue(arg, skipInputValidation: true);
                else
                    writer.WriteStringValue(arg);
            }
            writer.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static bool IsJson(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return false;
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
