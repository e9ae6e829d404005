using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Meridian.Cli.Output;
using Meridian.Client.Http;

namespace Meridian.Cli.Commands;

/// <summary>
/// <c>meridian sql DATABASE</c> without a query: reads statements (ended by <c>;</c>) from standard
/// input and prints each result as an aligned table with its row count and time. An error names the
/// position in the statement with a caret and the shell goes on. <c>\h</c> lists this session's
/// statements, <c>\q</c> quits; statements are also appended to <c>sql_history</c> in the config
/// directory. Prompts appear only at a terminal, so piped input gives clean output.
/// </summary>
internal sealed partial class SqlShell(CliContext context, MeridianHttpClient client, string database, bool json, SqlOptions options)
{
    private readonly List<string> _history = [];
    private int _failures;

    private CliEnvironment Environment => context.Environment;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await context.Error.WriteLineAsync(
            $"Connected to {database} on {client.Server}. End each statement with ';'. \\h lists the statements of this session, \\q quits.");
        var statement = new StringBuilder();
        while (true)
        {
            if (Environment.IsInteractive)
            {
                await context.Out.WriteAsync(statement.Length == 0 ? $"{database}> " : new string(' ', database.Length - 1) + "-> ");
                await context.Out.FlushAsync(cancellationToken);
            }
            var line = await Environment.In.ReadLineAsync(cancellationToken);
            if (line is null)
                break;
            var trimmed = line.Trim();
            if (statement.Length == 0 && trimmed.StartsWith('\\'))
            {
                if (trimmed is "\\q" or "\\quit")
                    break;
                await MetaCommandAsync(trimmed);
                continue;
            }
            if (statement.Length == 0 && trimmed.Length == 0)
                continue;
            if (statement.Length > 0)
                statement.Append('\n');
            statement.Append(line);
            if (EndsStatement(statement.ToString()))
            {
                var text = statement.ToString().Trim();
                statement.Clear();
                await RunStatementAsync(text, cancellationToken);
            }
        }
        if (statement.ToString().Trim().Length > 0)
            await RunStatementAsync(statement.ToString().Trim(), cancellationToken);
        return !Environment.IsInteractive && _failures > 0 ? 1 : 0;
    }

    private async Task MetaCommandAsync(string command)
    {
        switch (command)
        {
            case "\\h" or "\\history":
                for (var i = 0; i < _history.Count; i++)
                {
                    var text = _history[i].Replace("\n", "\n      ", StringComparison.Ordinal);
                    await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{i + 1,4}  {text}"));
                }
                break;
            case "\\?" or "\\help":
                await context.Out.WriteLineAsync("""
                    Statements end with ';' and may span lines. Results are printed as tables, with row counts and times.
                      \h, \history   the statements of this session (all sessions: sql_history in the config directory)
                      \q, \quit      leave (so does end of input, Ctrl+D)
                      \?, \help      this text
                    """);
                break;
            default:
                _failures++;
                await context.Error.WriteLineAsync($"error: unknown command {command}.");
                await context.Error.WriteLineAsync("hint: \\? lists the commands.");
                break;
        }
    }

    private async Task RunStatementAsync(string text, CancellationToken cancellationToken)
    {
        _history.Add(text);
        AppendToHistoryFile(text);
        var stopwatch = Stopwatch.StartNew();
        var response = await client.SendSqlAsync(database, text, options, cancellationToken);
        stopwatch.Stop();
        if (response.Status == System.Net.HttpStatusCode.Unauthorized)
            throw response.ToException(client.Server);
        if (!response.IsSuccess)
        {
            _failures++;
            await context.Error.WriteLineAsync($"error: {response.Message}");
            if (PositionPattern().Match(response.Body) is { Success: true } m
                && int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var position))
            {
                await WriteCaretAsync(text.TrimEnd(';'), position);
            }
            return;
        }
        if (json)
        {
            await context.Out.WriteLineAsync(response.Body);
        }
        else
        {
            try
            {
                SqlResultWriter.Write(context.Out, response.Body);
            }
            catch (CliException e)
            {
                _failures++;
                await context.Error.WriteLineAsync($"error: {e.Message}");
                return;
            }
        }
        var time = string.Create(CultureInfo.InvariantCulture, $"Time: {stopwatch.Elapsed.TotalMilliseconds:0.000} ms");
        await context.Out.WriteLineAsync(time + ServerTime(response.Body));
        await context.Out.WriteLineAsync();
    }

    /// <summary>The statement's line holding <paramref name="position"/> (0-based, in characters) and a caret under it.</summary>
    private async Task WriteCaretAsync(string text, int position)
    {
        if (position < 0 || position > text.Length)
            return;
        var lineStart = text.LastIndexOf('\n', Math.Max(0, position - 1)) + 1;
        if (position == 0)
            lineStart = 0;
        var lineEnd = text.IndexOf('\n', position);
        var line = text[lineStart..(lineEnd < 0 ? text.Length : lineEnd)];
        await context.Error.WriteLineAsync("  " + line);
        await context.Error.WriteLineAsync("  " + new string(' ', position - lineStart) + "^");
    }

    private static string ServerTime(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            long micros = 0;
            foreach (var s in json.RootElement.EnumerateArray())
            {
                if (s.TryGetProperty("total_duration_micros", out var d) && d.TryGetInt64(out var m))
                    micros += m;
            }
            return string.Create(CultureInfo.InvariantCulture, $" (server {micros / 1000.0:0.000} ms)");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return "";
        }
    }

    private void AppendToHistoryFile(string text)
    {
        try
        {
            Directory.CreateDirectory(Environment.ConfigDirectory);
            File.AppendAllText(Path.Combine(Environment.ConfigDirectory, "sql_history"), text.Replace("\n", " ", StringComparison.Ordinal) + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // History is a convenience: a read-only config directory must not stop the shell.
        }
    }

    /// <summary>Whether the text ends with a <c>;</c> outside quotes.</summary>
    internal static bool EndsStatement(string text)
    {
        char? quote = null;
        var last = '\0';
        foreach (var c in text)
        {
            if (quote is { } q)
            {
                if (c == q)
                    quote = null;
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            if (!char.IsWhiteSpace(c))
                last = c;
        }
        return quote is null && last == ';';
    }

    [GeneratedRegex(@"position (\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex PositionPattern();
}
