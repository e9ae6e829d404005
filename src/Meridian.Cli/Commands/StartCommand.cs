using System.CommandLine;
using Meridian.Runtime.Hosting;
using Meridian.Server;
using Microsoft.Extensions.Logging;

namespace Meridian.Cli.Commands;

/// <summary>
/// <c>meridian start [--config FILE] [--listen-addr HOST:PORT] [--data-dir DIR] [--async-fsync] [--pg-port PORT]
/// [--requests-per-second N] [--burst N] [--max-in-flight-calls N] [--log-level LEVEL]</c>: runs a server in the foreground until stopped.
/// </summary>
internal static class StartCommand
{
    /// <summary>The data directory when none is given: <c>$MERIDIAN_DATA_DIR</c>, else <c>~/.local/share/meridian</c>.</summary>
    public static string DefaultDataDirectory() =>
        Environment.GetEnvironmentVariable("MERIDIAN_DATA_DIR") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "meridian");

    public static Command Create(CliContext context)
    {
        var listen = new Option<string>("--listen-addr", "-l")
        {
            Description = "Address to listen on, host:port (port 0 picks a free one)",
            DefaultValueFactory = _ => "127.0.0.1:3000",
        };
        var dataDir = new Option<string>("--data-dir")
        {
            Description = "Where databases, logs and keys live (default $MERIDIAN_DATA_DIR or ~/.local/share/meridian)",
            DefaultValueFactory = _ => DefaultDataDirectory(),
        };
        var asyncFsync = new Option<bool>("--async-fsync")
        {
            Description = "Acknowledge commits before they are on disk (periodic fsync); faster, but a crash can lose the last few milliseconds",
        };
        var pgPort = new Option<int?>("--pg-port")
        {
            Description = "Also serve the PostgreSQL wire protocol (psql, Npgsql; docs/postgres.md) on this port of the listen address's host",
        };
        var requestsPerSecond = new Option<double?>("--requests-per-second")
        {
            Description = "Per-identity limit on requests per second (0: off); calls over it get an error, the connection stays open",
        };
        var burst = new Option<int?>("--burst")
        {
            Description = "Requests an idle identity may make at once before --requests-per-second applies (default: one second's worth)",
        };
        var maxInFlight = new Option<int?>("--max-in-flight-calls")
        {
            Description = "Per-identity limit on reducer and procedure calls running or waiting at once (0: off)",
        };
        var logLevel = new Option<string?>("--log-level")
        {
            Description = "Least severe log lines written to stderr: trace, debug, information (default), warning, error, critical or none",
        };
        var config = new Option<string?>("--config", "-c")
        {
            Description = "A configuration file (JSON, see docs/configuration.md); flags given on the command line override it",
        };
        var command = new Command("start", "Runs a Meridian server in the foreground until Ctrl+C or SIGTERM")
        {
            config,
            listen,
            dataDir,
            asyncFsync,
            pgPort,
            requestsPerSecond,
            burst,
            maxInFlight,
            logLevel,
        };
        command.SetAction(async (parse, ct) =>
        {
            var flags = new MeridianServerOptions
            {
                ListenAddress = parse.GetValue(listen)!,
                DataDirectory = Path.GetFullPath(parse.GetValue(dataDir)!),
                Durability = parse.GetValue(asyncFsync) ? Durability.Async : Durability.Sync,
                PgPort = parse.GetValue(pgPort),
            };
            MeridianServerOptions options;
            LogLevel level;
            try
            {
                if (flags.PgPort is < 0 or > 65535)
                    throw new ArgumentException($"--pg-port {flags.PgPort} is not a port (0 to 65535).");
                var file = parse.GetValue(config) is { } path ? Meridian.Server.Configuration.ServerConfigFile.Load(path) : null;
                options = file is null ? flags : FromFile(file, flags, parse, listen, dataDir, asyncFsync, pgPort);
                options = WithLimitFlags(options, parse.GetValue(requestsPerSecond), parse.GetValue(burst), parse.GetValue(maxInFlight));
                level = parse.GetValue(logLevel) is { } typed
                    ? Meridian.Server.Configuration.ServerConfigFile.ParseLogLevel(typed, "--log-level")
                    : file?.MinimumLogLevel ?? LogLevel.Information;
            }
            catch (ArgumentException e)
            {
                await context.Error.WriteLineAsync($"error: {e.Message}");
                return 1;
            }
            // The server's own log (start, databases served or not, publishes, request and session failures) goes to
            // stderr, one line each; ASP.NET Core's own lines only from errors up, unless the level asks for less.
            using var loggerFactory = LoggerFactory.Create(b => b
                .SetMinimumLevel(level)
                .AddFilter("Microsoft", level > LogLevel.Error ? level : LogLevel.Error)
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
                .AddSimpleConsole(o => o.SingleLine = true));
            options = options with { LoggerFactory = loggerFactory };
            MeridianServer server;
            try
            {
                await context.Error.WriteLineAsync($"Starting Meridian with data directory {options.DataDirectory} ...");
                server = await MeridianServer.StartAsync(options, ct);
            }
            catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                await context.Error.WriteLineAsync($"error: could not start the server: {e.Message}");
                return 1;
            }
            await using (server)
            {
                // The databases served (or not) are in the server's log.
                if (server.PgEndPoint is { } pg)
                    await context.Error.WriteLineAsync($"PostgreSQL wire protocol on {pg} (database name = Meridian database, password = token).");
                await context.Out.WriteLineAsync($"Meridian listening on {server.BaseAddress.ToString().TrimEnd('/')}");
                await context.Out.FlushAsync(CancellationToken.None);
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                }
            }
            await context.Error.WriteLineAsync("Meridian stopped.");
            return 0;
        });
        return command;
    }

    // Limit flags typed on the command line override the file's limits, one by one.
    private static MeridianServerOptions WithLimitFlags(MeridianServerOptions options, double? requestsPerSecond, int? burst, int? maxInFlight)
    {
        if (requestsPerSecond is null && burst is null && maxInFlight is null)
            return options;
        var limits = new Meridian.Server.Limits.RateLimitOptions
        {
            RequestsPerSecond = requestsPerSecond ?? options.RateLimits.RequestsPerSecond,
            Burst = burst ?? options.RateLimits.Burst,
            MaxInFlightCalls = maxInFlight ?? options.RateLimits.MaxInFlightCalls,
        };
        limits.Validate();
        return options with { RateLimits = limits };
    }

    // The file over the built-in defaults, then every flag the user actually typed over the file.
    private static MeridianServerOptions FromFile(
        Meridian.Server.Configuration.ServerConfigFile file, MeridianServerOptions flags, ParseResult parse, Option<string> listen,
        Option<string> dataDir, Option<bool> asyncFsync, Option<int?> pgPort)
    {
        var fromFile = file.ToOptions(new MeridianServerOptions
        {
            ListenAddress = flags.ListenAddress,
            DataDirectory = flags.DataDirectory,
        });
        bool Typed(Option option) => parse.GetResult(option) is { Implicit: false };
        return fromFile with
        {
            ListenAddress = Typed(listen) ? flags.ListenAddress : fromFile.ListenAddress,
            DataDirectory = Typed(dataDir) ? flags.DataDirectory : fromFile.DataDirectory,
            Durability = Typed(asyncFsync) ? flags.Durability : fromFile.Durability,
            PgPort = Typed(pgPort) ? flags.PgPort : fromFile.PgPort,
        };
    }
}
