using System.CommandLine;
using System.Globalization;
using Meridian.Client.Dynamic;
using Meridian.Client.Mirror;

namespace Meridian.Cli.Commands;

/// <summary>
/// <c>meridian mirror [-s SERVER] DATABASE --sqlite FILE [--tables T ...] [--incremental] [--debounce MS]</c>:
/// subscribes to the database's tables (every public one by default) as the CLI's identity and keeps
/// FILE, an SQLite database, mirroring them until Ctrl+C (see <see cref="SqliteMirror"/>). Progress on
/// stdout: one line per write.
/// </summary>
internal static class MirrorCommand
{
    public static Command Create(CliContext context)
    {
        var server = CommonOptions.Server();
        var database = CommonOptions.Database();
        var sqlite = new Option<string>("--sqlite")
        {
            Description = "The SQLite file to keep (created; replaced whole on each rebuild)",
            HelpName = "FILE",
            Required = true,
        };
        var tables = new Option<string[]>("--tables", "-t")
        {
            Description = "The tables to mirror, by name (space or comma separated) [default: every public table]",
            HelpName = "TABLE",
            AllowMultipleArgumentsPerToken = true,
        };
        var incremental = new Option<bool>("--incremental")
        {
            Description = "Apply each transaction's changes to the file in place instead of rebuilding it (for large tables)",
        };
        var debounce = new Option<int>("--debounce")
        {
            Description = "Milliseconds to wait after the last change before writing",
            HelpName = "MS",
            DefaultValueFactory = _ => 500,
        };
        debounce.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 60_000)
                result.AddError("--debounce takes 0 to 60000 milliseconds.");
        });
        var command = new Command("mirror", "Keeps an SQLite file mirroring a database's tables, until Ctrl+C")
        {
            server, database, sqlite, tables, incremental, debounce,
        };
        command.SetAction((parse, ct) => context.RunAsync(async token =>
        {
            var db = parse.GetValue(database)!;
            var path = Path.GetFullPath(parse.GetValue(sqlite)!);
            if (Directory.Exists(path))
                throw new CliException($"{path} is a directory.", "--sqlite takes the path of the SQLite file to write, e.g. mirror.sqlite.");
            if (!Directory.Exists(Path.GetDirectoryName(path)))
                throw new CliException($"the directory of {path} does not exist.", "Create it first, or give another --sqlite path.");
            var names = parse.GetValue(tables) is { Length: > 0 } given
                ? given.SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray()
                : null;

            using var client = context.Connect(parse.GetValue(server)!);
            var schema = await (await client.ApiAsync(token)).GetSchemaAsync(db, token);
            TableSchema[] picked;
            try
            {
                picked = SqliteMirror.SelectTables(schema, names);
            }
            catch (ArgumentException e)
            {
                throw new CliException(e.Message[..(e.Message.IndexOf(" (Parameter", StringComparison.Ordinal) is var at and >= 0 ? at : e.Message.Length)]);
            }
            if (picked.Length == 0)
                throw new CliException(
                    $"database {db} has no public table to mirror.", "Name the tables with --tables (private ones need the owner's identity).");
            var credentials = await client.GetCredentialsAsync(token);

            var ended = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
            var output = TextWriter.Synchronized(context.Out);
            var errors = TextWriter.Synchronized(context.Error);
            using var connection = DynamicDbConnection.Builder(schema)
                .WithUri(new Uri(client.Server))
                .WithDatabaseName(db)
                .WithToken(credentials.Token)
                .WithBackgroundProcessing()
                .OnConnectError(e => ended.TrySetResult(e))
                .OnDisconnect((_, e) => ended.TrySetResult(e ?? new InvalidOperationException("the server closed the connection.")))
                .Build();
            var mirror = SqliteMirror.Attach(connection, new SqliteMirrorOptions
            {
                Path = path,
                Tables = picked.Select(t => t.Name).ToArray(),
                Incremental = parse.GetValue(incremental),
                Debounce = TimeSpan.FromMilliseconds(parse.GetValue(debounce)),
                MaxDelay = TimeSpan.FromMilliseconds(Math.Max(5_000, parse.GetValue(debounce))),
            });
            await using (mirror)
            {
                mirror.Written += write => output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{Output.Times.Format(DateTimeOffset.UtcNow)} {(write.Rebuilt ? "rebuilt" : "updated")} {path}: {write.Rows} row(s), "
                    + $"{write.Changes} change(s), {write.Elapsed.TotalMilliseconds:0} ms"));
                mirror.WriteFailed += e => errors.WriteLine($"error: writing {path} failed (trying again): {e.Message}");
                connection.SubscriptionBuilder()
                    .OnApplied(_ => output.WriteLine(
                        $"Subscribed to {string.Join(", ", mirror.Tables)}; mirroring into {path} (Ctrl+C to stop)."))
                    .OnError((_, e) => ended.TrySetResult(new InvalidOperationException("the subscription failed: " + e.Message)))
                    .Subscribe([.. mirror.Queries]);
                output.WriteLine($"Connecting to {client.Server} for database {db} ...");
                await output.FlushAsync(CancellationToken.None);

                Exception? failure = null;
                try
                {
                    failure = await ended.Task.WaitAsync(token);
                }
                catch (OperationCanceledException)
                {
                }
                connection.Disconnect();
                if (failure is not null)
                {
                    await errors.WriteLineAsync($"error: {failure.Message}");
                    await errors.WriteLineAsync($"The mirror keeps what it last wrote: {path}.");
                    return 1;
                }
            }
            await output.WriteLineAsync($"Stopped; {path} is up to date.");
            return 0;
        }, ct));
        return command;
    }
}
