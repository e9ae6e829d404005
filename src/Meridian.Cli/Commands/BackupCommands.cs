using System.CommandLine;
using System.Net;
using System.Text.Json;
using Meridian.Cli.Http;
using Meridian.Cli.Output;

namespace Meridian.Cli.Commands;

/// <summary>
/// <c>meridian dump DATABASE FILE</c> and <c>meridian restore DATABASE FILE</c>: an online backup of one
/// database (module, schema and data at one transaction offset) and its restore into a new database
/// or in place of one you own.
/// </summary>
internal static class BackupCommands
{
    /// <summary><c>meridian dump [-s SERVER] [--force] DATABASE FILE</c>: <c>GET /v1/database/:db/dump</c> into FILE.</summary>
    public static Command Dump(CliContext context)
    {
        var server = CommonOptions.Server();
        var force = new Option<bool>("--force") { Description = "Overwrite FILE if it exists" };
        var database = CommonOptions.Database();
        var file = new Argument<string>("FILE") { Description = "Where to write the dump" };
        var command = new Command(
            "dump", "Writes a consistent backup of a database you own (module, schema and data at one transaction) to a file, while it keeps serving")
        {
            server, force, database, file,
        }.WithExamples(
            "meridian dump chat chat.mdump",
            "meridian dump -s https://db.example.com chat backups/chat-2026-12-01.mdump --force");
        command.SetAction((parse, ct) => context.RunAsync(async token =>
        {
            var name = parse.GetValue(database)!;
            var path = Path.GetFullPath(parse.GetValue(file)!);
            if (File.Exists(path) && !parse.GetValue(force))
                throw new CliException($"{path} exists.", "Pass --force to overwrite it, or choose another file.");
            if (Directory.Exists(path))
                throw new CliException($"{path} is a directory.", "Give the path of the file to write.");
            using var client = context.Connect(parse.GetValue(server)!);
            await context.Error.WriteLineAsync($"Dumping database {name} from {client.Server}...");
            using var response = await client.SendStreamingAsync(HttpMethod.Get, CommonOptions.DatabasePath(name) + "/dump", token);
            var progress = new ProgressReporter(context.Error, "Downloading", response.Content.Headers.ContentLength);
            var temp = path + ".partial";
            long written;
            try
            {
                await using (var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                await using (var body = await response.Content.ReadAsStreamAsync(token))
                {
                    written = await progress.CopyAsync(body, output, token);
                    output.Flush(flushToDisk: true);
                }
                if (response.Content.Headers.ContentLength is { } expected && expected != written)
                    throw new CliException($"the connection ended after {written} of {expected} bytes; {path} was not written.");
                File.Move(temp, path, overwrite: true);
            }
            finally
            {
                File.Delete(temp);
            }
            var offset = Header(response, "meridian-dump-offset");
            var tables = Header(response, "meridian-dump-tables");
            var rows = Header(response, "meridian-dump-rows");
            await context.Out.WriteLineAsync(
                $"Dumped database {name} at transaction offset {offset} ({tables} tables, {rows} rows, {ProgressReporter.Bytes(written)}) to {path}.");
            return 0;
        }, ct));
        return command;
    }

    /// <summary><c>meridian restore [-s SERVER] [--yes] DATABASE FILE</c>: <c>POST /v1/database/:name/restore</c> with FILE.</summary>
    public static Command Restore(CliContext context)
    {
        var server = CommonOptions.Server();
        var yes = new Option<bool>("--yes", "-y") { Description = "Replace DATABASE without asking when it exists (you must own it)" };
        var database = new Argument<string>("DATABASE") { Description = "The database to create, or to replace (keeping its identity)" };
        var file = new Argument<string>("FILE") { Description = "A file written by `meridian dump`" };
        var command = new Command("restore", "Restores a dump into a new database, or in place of a database you own")
        {
            server, yes, database, file,
        }.WithExamples(
            "meridian restore chat-copy chat.mdump      # a new database with the dump's module and data",
            "meridian restore --yes chat chat.mdump     # replace chat's module and data with the dump");
        command.SetAction((parse, ct) => context.RunAsync(async token =>
        {
            var name = parse.GetValue(database)!;
            var path = Path.GetFullPath(parse.GetValue(file)!);
            if (!File.Exists(path))
                throw new CliException($"{path} does not exist.", "Give a file written by `meridian dump`.");
            using var client = context.Connect(parse.GetValue(server)!);
            var replace = parse.GetValue(yes);
            if (!replace)
            {
                var exists = await client.SendAsync(HttpMethod.Get, CommonOptions.DatabasePath(name), null, token);
                if (exists.IsSuccess)
                {
                    if (!context.Environment.IsInteractive)
                    {
                        throw new CliException(
                            $"database '{name}' exists; restoring over it replaces its module and all its data.", "Pass --yes to replace it.");
                    }
                    await context.Error.WriteAsync($"Database '{name}' exists. Replace its module and all its data with the dump? [y/N] ");
                    await context.Error.FlushAsync(token);
                    if (context.Environment.In.ReadLine()?.Trim().ToLowerInvariant() is not ("y" or "yes"))
                    {
                        await context.Error.WriteLineAsync("Restore cancelled; nothing changed.");
                        return 1;
                    }
                    replace = true;
                }
            }
            await using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            await context.Error.WriteLineAsync($"Restoring {path} ({ProgressReporter.Bytes(input.Length)}) as database {name} on {client.Server}...");
            var progress = new ProgressReporter(context.Error, "Uploading", input.Length);
            using var content = new ProgressContent(input, progress);
            content.Headers.ContentType = new("application/octet-stream");
            var url = CommonOptions.DatabasePath(name) + "/restore" + (replace ? "?replace=true" : "");
            var response = await client.SendAsync(HttpMethod.Post, url, content, token);
            if (response.Status == HttpStatusCode.Conflict)
                throw new CliException(response.Message, "Pass --yes to replace it.");
            if (!response.IsSuccess)
                throw response.ToError();
            using var json = JsonDocument.Parse(response.Body);
            var r = json.RootElement;
            var op = r.GetProperty("op").GetString() == "replaced" ? "replaced" : "created";
            await context.Out.WriteLineAsync(
                $"Restored database {name} (identity {r.GetProperty("database_identity").GetString()}), {op}, "
                + $"from a dump of {r.GetProperty("source_database").GetString()} at transaction offset {r.GetProperty("offset")} "
                + $"({r.GetProperty("tables")} tables, {r.GetProperty("rows")} rows).");
            return 0;
        }, ct));
        return command;
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "?";
}
