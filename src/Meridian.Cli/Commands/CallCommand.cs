using System.CommandLine;
using System.Net;
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
            var url = $"{CommonOptions.DatabasePath(parse.GetValue(database)!)}/call/{Uri.EscapeDataString(parse.GetValue(reducer)!)}";
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            var response = await client.SendAsync(HttpMethod.Post, url, content, token);
            if (!response.IsSuccess)
            {
                if ((int)response.Status == 530)
                    throw new CliException($"the reducer failed: {response.Message}");
                if (response.Status == HttpStatusCode.NotFound && response.Body.Trim().Length == 0)
                    throw new CliException($"no such database or reducer ({response.Message})");
                throw response.ToError();
            }
            // A procedure answers with its return value; a reducer with nothing.
            if (response.Body.Length > 0)
                await context.Out.WriteLineAsync(response.Body);
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
