using System.CommandLine;
using Meridian.Cli.Output;
using Meridian.Client.Http;

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
            var api = await client.ApiAsync(token);
            await context.Error.WriteLineAsync($"Dumping database {name} from {client.Server}...");
            using var progress = context.Progress("The server is staging the dump");
            var temp = path + ".partial";
            DumpInfo dumped;
            try
            {
                await using (var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                {
                    dumped = await api.DumpAsync(name, output, progress, token);
                    progress.Finish();
                    output.Flush(flushToDisk: true);
                }
                File.Move(temp, path, overwrite: true);
            }
            catch (MeridianHttpException e) when (e.Error == MeridianHttpError.InvalidAnswer)
            {
                throw new CliException($"{e.Message} {path} was not written.");
            }
            finally
            {
                File.Delete(temp);
            }
            await context.Out.WriteLineAsync(
                $"Dumped database {name} at transaction offset {Show(dumped.Offset)} ({Show(dumped.Tables)} tables, {Show(dumped.Rows)} rows, "
                + $"{ProgressReporter.Bytes(dumped.Bytes)}) to {path}.");
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
            var api = await client.ApiAsync(token);
            var replace = parse.GetValue(yes);
            if (!replace)
            {
                if (await api.GetDatabaseAsync(name, token) is not null)
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
            using var progress = context.Progress("The server is restoring the dump");
            RestoreResult r;
            try
            {
                r = await api.RestoreAsync(name, input, replace, progress, token);
                progress.Finish();
            }
            catch (MeridianHttpException e) when (e.Error == MeridianHttpError.Conflict)
            {
                throw new CliException(e.Message, "Pass --yes to replace it.");
            }
            await context.Out.WriteLineAsync(
                $"Restored database {name} (identity {r.DatabaseIdentity}), {(r.Replaced ? "replaced" : "created")}, "
                + $"from a dump of {r.SourceDatabase} at transaction offset {r.Offset} ({r.Tables} tables, {r.Rows} rows).");
            return 0;
        }, ct));
        return command;
    }

    private static string Show<T>(T? value) where T : struct => value?.ToString() ?? "?";
}
