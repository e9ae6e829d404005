using System.CommandLine;
using System.Globalization;
using Meridian.Client.Dynamic;
using Meridian.Client.Mirror;

namespace Meridian.Cli.Commands;

/// <summary>
/// <c>meridian mirror [-s SERVER] DATABASE --sqlite FILE [--tables T ...] [--incremental] [--debounce MS]</c>:
/// subscribes to the database's tables (every public one by default) as the CLI's identity and keeps
/// FILE, an SQLite database, mirroring them until Ctrl+C (see <see cref="SqliteMirror"/>). It follows
/// the database: when the module is republished with other tables or columns it subscribes again with
/// the new schema (the next write rebuilds the file in the new shape), and when the connection is lost
/// (a server restart) it reconnects, keeping the last file meanwhile. Progress on stdout: one line per write.
/// </summary>
internal static class MirrorCommand
{
    /// <summary>How often the schema is read again, to notice tables a republish added (a changed column ends the subscription anyway).</summary>
    private static readonly TimeSpan SchemaPoll = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(5);

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
            var api = await client.ApiAsync(token);
            var schema = await api.GetSchemaAsync(db, token);
            var picked = Pick(schema, names, db);
            var credentials = await client.GetCredentialsAsync(token);
            var run = new MirrorRun
            {
                Server = new Uri(client.Server),
                Database = db,
                Token = credentials.Token,
                FilePath = path,
                Incremental = parse.GetValue(incremental),
                Debounce = TimeSpan.FromMilliseconds(parse.GetValue(debounce)),
                Output = TextWriter.Synchronized(context.Out),
                Errors = TextWriter.Synchronized(context.Error),
                ReadSchema = t => api.GetSchemaAsync(db, t),
            };

            var first = true;
            while (true)
            {
                var end = await run.RunSessionAsync(schema, picked, first, names, token);
                if (end.Fatal is { } fatal)
                {
                    await run.Errors.WriteLineAsync($"error: {fatal.Message}");
                    await run.Errors.WriteLineAsync($"The mirror keeps what it last wrote: {path}.");
                    return 1;
                }
                if (end.Stopped)
                    break;
                first = false;
                await run.Output.WriteLineAsync(end.Reason);
                await run.Output.FlushAsync(CancellationToken.None);
                // The schema is read again before each new session: it tells whether the server is back, and its shape now.
                var next = await WaitForSchemaAsync(run, names, token);
                if (next is null)
                    break;
                (schema, picked) = next.Value;
            }
            await run.Output.WriteLineAsync($"Stopped; {path} is up to date.");
            return 0;
        }, ct));
        return command;
    }

    private static TableSchema[] Pick(DatabaseSchema schema, string[]? names, string db)
    {
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
            throw new CliException($"database {db} has no public table to mirror.", "Name the tables with --tables (private ones need the owner's identity).");
        return picked;
    }

    /// <summary>What the mirrored tables look like: when it changes, the mirror subscribes again.</summary>
    private static string Shape(IEnumerable<TableSchema> tables) => string.Join("; ", tables.Select(t =>
        $"{t.Name} pk={t.PrimaryKey} (" + string.Join(", ", t.ColumnNames.Select((c, i) => $"{c}: {t.ColumnType(i)}")) + ")"));

    /// <summary>Reads the schema until the server answers (null: stopped). A table named by --tables that is gone ends the command.</summary>
    private static async Task<(DatabaseSchema, TableSchema[])?> WaitForSchemaAsync(MirrorRun run, string[]? names, CancellationToken token)
    {
        var delay = FirstRetry;
        while (true)
        {
            try
            {
                var schema = await run.ReadSchema(token);
                return (schema, Pick(schema, names, run.Database));
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return null;
            }
            catch (CliException)
            {
                throw;
            }
#pragma warning disable CA1031 // Whatever keeps the server from answering (down, restarting, database reloading) is waited out.
            catch (Exception e)
#pragma warning restore CA1031
            {
                await run.Errors.WriteLineAsync($"Waiting for {run.Server} ({e.Message}); trying again in {delay.TotalSeconds:0.#} s.");
            }
            try
            {
                await Task.Delay(delay, token);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestRetry.Ticks));
        }
    }

    /// <summary>How a session ended: stopped (Ctrl+C), a failure that ends the command, or a reason to start another.</summary>
    private readonly record struct SessionEnd(bool Stopped, Exception? Fatal, string Reason);

    private sealed class MirrorRun
    {
        public required Uri Server { get; init; }
        public required string Database { get; init; }
        public required string Token { get; init; }
        public required string FilePath { get; init; }
        public required bool Incremental { get; init; }
        public required TimeSpan Debounce { get; init; }
        public required TextWriter Output { get; init; }
        public required TextWriter Errors { get; init; }
        public required Func<CancellationToken, Task<DatabaseSchema>> ReadSchema { get; init; }

        /// <summary>
        /// One connection and subscription. The mirror is attached once the subscription is applied, so
        /// its first write (a rebuild) holds the subscribed rows: a reconnect never writes an empty file
        /// in between. Failures before that point end the command on the first session only (a wrong
        /// token, a refused subscription); later they are waited out.
        /// </summary>
        public async Task<SessionEnd> RunSessionAsync(
            DatabaseSchema schema, TableSchema[] picked, bool first, string[]? names, CancellationToken token)
        {
            var ended = new TaskCompletionSource<SessionEnd>(TaskCreationOptions.RunContinuationsAsynchronously);
            var applied = false;
            SqliteMirror? mirror = null;
            using var connection = DynamicDbConnection.Builder(schema)
                .WithUri(Server)
                .WithDatabaseName(Database)
                .WithToken(Token)
                .WithBackgroundProcessing()
                .OnConnectError(e => ended.TrySetResult(first
                    ? new SessionEnd(false, e, "")
                    : new SessionEnd(false, null, $"Could not connect ({e.Message}); trying again ...")))
                .OnDisconnect((_, e) => ended.TrySetResult(new SessionEnd(false, null,
                    $"Lost the connection ({e?.Message ?? "the server closed it"}); reconnecting ...")))
                .Build();
            // A connection that failed before the subscription was made (the server went away between the schema read and
            // the connect) fails the subscription at once through OnError; OnConnectError or OnDisconnect has then already
            // ended the session, so the result set first stands.
            connection.SubscriptionBuilder()
                .OnApplied(_ =>
                {
                    applied = true;
                    mirror = SqliteMirror.Attach(connection, new SqliteMirrorOptions
                    {
                        Path = FilePath,
                        Tables = picked.Select(t => t.Name).ToArray(),
                        Incremental = Incremental,
                        Debounce = Debounce,
                        MaxDelay = TimeSpan.FromMilliseconds(Math.Max(5_000, Debounce.TotalMilliseconds)),
                    });
                    mirror.Written += write => Output.WriteLine(string.Create(
                        CultureInfo.InvariantCulture,
                        $"{Meridian.Cli.Output.Times.Format(DateTimeOffset.UtcNow)} {(write.Rebuilt ? "rebuilt" : "updated")} "
                        + $"{FilePath}: {write.Rows} row(s), "
                        + $"{write.Changes} change(s), {write.Elapsed.TotalMilliseconds:0} ms"));
                    mirror.WriteFailed += e => Errors.WriteLine($"error: writing {FilePath} failed (trying again): {e.Message}");
                    Output.WriteLine($"Subscribed to {string.Join(", ", mirror.Tables)}; mirroring into {FilePath} (Ctrl+C to stop).");
                })
                .OnError((_, e) => ended.TrySetResult(first && !applied
                    ? new SessionEnd(false, new InvalidOperationException("the subscription failed: " + e.Message), "")
                    : new SessionEnd(false, null, $"The subscription ended ({e.Message}); subscribing again ...")))
                .Subscribe([.. picked.Select(t => "SELECT * FROM " + t.Name)]);

            if (first)
                await Output.WriteLineAsync($"Connecting to {Server.ToString().TrimEnd('/')} for database {Database} ...");
            await Output.FlushAsync(CancellationToken.None);

            using var sessionEnd = CancellationTokenSource.CreateLinkedTokenSource(token);
            var watch = WatchSchemaAsync(Shape(picked), names, ended, sessionEnd.Token);
            SessionEnd end;
            try
            {
                end = await ended.Task.WaitAsync(token);
            }
            catch (OperationCanceledException)
            {
                end = new SessionEnd(true, null, "");
            }
            await sessionEnd.CancelAsync();
            await watch;
            connection.Disconnect();
            SqliteMirror? attached;
            lock (connection.SyncRoot)
                attached = mirror;
            if (attached is not null)
                await attached.DisposeAsync();
            return end;
        }

        /// <summary>Ends the session when the mirrored tables' shape changes (a republish that added a table, say).</summary>
        private async Task WatchSchemaAsync(string shape, string[]? names, TaskCompletionSource<SessionEnd> ended, CancellationToken token)
        {
            while (!token.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(SchemaPoll, token);
                    var now = await ReadSchema(token);
                    if (Shape(SqliteMirror.SelectTables(now, names)) != shape)
                    {
                        ended.TrySetResult(new SessionEnd(false, null, $"The schema of {Database} changed; subscribing again ..."));
                        return;
                    }
                }
                catch (OperationCanceledException)
                {
                    return;
                }
#pragma warning disable CA1031 // A failed look (server restarting, a named table gone) is left to the connection and the next session.
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            }
        }
    }
}
