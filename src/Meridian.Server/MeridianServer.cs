using System.Collections.Concurrent;
using System.Net;
using Meridian.Runtime;
using Meridian.Runtime.Hosting;
using Meridian.Sats;
using Meridian.Server.Auth;
using Meridian.Server.Diagnostics;
using Meridian.Server.Http;
using Meridian.Server.Sessions;
using Meridian.Server.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry.Metrics;

namespace Meridian.Server;

/// <summary>
/// The whole Meridian server, hostable in-process (tests, benchmarks, embedding): HTTP API,
/// WebSocket endpoint and every database of a data directory. <c>meridian start</c> is a thin shell around it.
/// </summary>
public sealed class MeridianServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TokenService _tokens;
    private readonly ServerMetrics _metrics;
    private readonly int _maxQueued;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _inProcessSessions = new();
    private System.Diagnostics.Metrics.Meter? _gauges;
    private ServerMeterFactory? _meters;
    private Limits.IdentityLimiter _limiter = Limits.IdentityLimiter.Unlimited;
    private PgWire.PgWireListener? _pg;
    private Uri? _baseAddress;
    private ILogger _log = NullLogger.Instance;
    private ILogger _sessionLog = NullLogger.Instance;

    private MeridianServer(WebApplication app, DatabaseRegistry registry, TokenService tokens, ServerMetrics metrics, int maxQueued)
    {
        _app = app;
        Registry = registry;
        _tokens = tokens;
        _metrics = metrics;
        _maxQueued = maxQueued;
    }

    /// <summary>The log category of the server's start, stop and database lines.</summary>
    public const string LogCategory = "Meridian.Server";

    /// <summary>The databases.</summary>
    public DatabaseRegistry Registry { get; }

    /// <summary>The token service (keys, minting).</summary>
    public TokenService Tokens => _tokens;

    /// <summary>The address the server listens on, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    /// <exception cref="InvalidOperationException">The server has no network listener (<see cref="IsListening"/>).</exception>
    public Uri BaseAddress => _baseAddress ?? throw new InvalidOperationException(
        "This server has no network listener (MeridianServerOptions.ListenAddress is null); connect in-process instead.");

    /// <summary>Whether the server listens on the network (false when <see cref="MeridianServerOptions.ListenAddress"/> is null).</summary>
    public bool IsListening => _baseAddress is not null;

    /// <summary>Where the PostgreSQL wire protocol is served, or null when it is not (<see cref="MeridianServerOptions.PgPort"/>).</summary>
    public IPEndPoint? PgEndPoint => _pg?.EndPoint;

    /// <summary>Databases that could not be reopened at start-up, with why (they are not served).</summary>
    public IReadOnlyList<(string Name, Exception Error)> LoadFailures { get; private set; } = [];

    /// <summary>Creates, recovers and starts a server.</summary>
    public static async Task<MeridianServer> StartAsync(MeridianServerOptions options, CancellationToken cancellation = default)
    {
        var endpoint = options.ListenAddress is { } listen ? ParseListenAddress(listen) : null;
        if (endpoint is null && options.PgPort is not null)
            throw new ArgumentException("The PostgreSQL wire protocol needs a network listener: give a ListenAddress, or no PgPort.");
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var log = loggerFactory.CreateLogger(LogCategory);
        log.ServerStarting(HealthEndpoints.Version, options.ListenAddress ?? "none (in-process clients only)",
            options.DataDirectory ?? "none (in memory)", options.Durability == Durability.Sync ? "sync (group commit)" : "async (periodic fsync)");
        var external = new ExternalIssuers(options.IdentityProviders, options.Clock, loggerFactory.CreateLogger("Meridian.Server.Auth"));
        var tokens = options.DataDirectory is null
            ? new TokenService(CreateKey(), options.Clock, external)
            : TokenService.LoadOrCreate(Path.Combine(options.DataDirectory, "keys"), options.Clock, external);
        var meters = new ServerMeterFactory(options.MeterFactory);
        var services = new DatabaseServices(options.Clock, loggerFactory, meters)
        {
            SlowLog = options.SlowLog,
            AsyncFsyncInterval = options.AsyncFsyncInterval,
            ReducerTimeLimit = options.ReducerTimeLimit,
        };
        var registry = new DatabaseRegistry(options.DataDirectory, options.Durability, services);

        var builder = WebApplication.CreateSlimBuilder();
        // The host's own providers are replaced by the caller's factory, so request failures are
        // logged where the embedding application logs (nowhere when it gave none).
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        if (endpoint is null)
        {
            // No socket at all: the HTTP pipeline is built (its services, metrics) but no server ever feeds it requests.
            builder.Services.AddSingleton<IServer, NoNetworkServer>();
        }
        else
        {
            // Inline scheduling: a flush of a connection's output pipe sends on the flushing thread (a session's flush)
            // instead of queueing Kestrel's sender as one more thread-pool work item per frame, and received bytes reach
            // the session on the thread that completed the socket read. Socket completions still run on the thread
            // pool (not the runtime's epoll thread), and sessions only hand work on, so no connection holds up another.
            builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
            builder.WebHost.UseKestrel(k =>
            {
                k.Listen(endpoint);
                k.Limits.MaxRequestBodySize = DatabaseEndpoints.MaxModuleBytes;
            });
        }
        builder.Services.AddMeridianMetrics(options.Metrics, meters);
        builder.Services.AddCors(c => c.AddDefaultPolicy(p => p.AllowAnyOrigin().AllowAnyMethod().WithHeaders("authorization", "accept", "content-type")
            .WithExposedHeaders("spacetime-identity", "spacetime-identity-token", "spacetime-energy-used", "spacetime-execution-duration-micros")));
        var app = builder.Build();
        app.UseMeridianErrorLogging();
        app.UseCors();
        app.UseWebSockets();
        MeridianServer? self = null;
        app.MapHealthEndpoints(registry, () => self?.LoadFailures ?? []);
        if (options.Metrics.Prometheus)
            app.MapPrometheusScrapingEndpoint("/v1/metrics");
        app.MapIdentityEndpoints(tokens);
        var limiter = new Limits.IdentityLimiter(options.RateLimits, options.Clock);
        app.MapDatabaseEndpoints(registry, tokens, limiter, options.Clock);
        app.MapDatabaseListEndpoints(registry);
        app.MapRouteEndpoints(registry);
        var metrics = new ServerMetrics(meters);
        app.MapSubscribeEndpoint(registry, tokens, metrics, options.MaxQueuedMessagesPerClient, options.Compression, limiter);

        var server = new MeridianServer(app, registry, tokens, metrics, options.MaxQueuedMessagesPerClient);
        self = server;
        server._limiter = limiter;
        server._meters = meters;
        server._log = log;
        server._sessionLog = loggerFactory.CreateLogger(SubscribeEndpoint.SessionLogCategory);
        server._gauges = DatabaseGauges.Register(meters, registry);
        server.LoadFailures = await registry.LoadAllAsync().ConfigureAwait(false);
        foreach (var db in registry.Databases)
            log.DatabaseServed(db.Name, db.Identity);
        // A database that failed recovery is logged by the registry, with its exception.
        if (options.PgPort is { } pgPort && endpoint is not null)
            server._pg = await StartPgWireAsync(new IPEndPoint(endpoint.Address, pgPort), registry, tokens, limiter, loggerFactory).ConfigureAwait(false);
        await app.StartAsync(cancellation).ConfigureAwait(false);
        if (endpoint is not null)
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            server._baseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
            log.ServerListening(server._baseAddress);
        }
        return server;
    }

    private static async Task<PgWire.PgWireListener> StartPgWireAsync(
        IPEndPoint endpoint, DatabaseRegistry registry, TokenService tokens, Limits.IdentityLimiter limiter, ILoggerFactory loggerFactory)
    {
        if (endpoint.Port is < 0 or > 65535)
            throw new ArgumentException($"{endpoint.Port} is not a port for the PostgreSQL wire protocol (0 to 65535; 0 picks a free one).");
        var logger = loggerFactory.CreateLogger("Meridian.Server.PgWire");
        // Clients parse server_version as PostgreSQL's: a number first, then what this server really is.
        var version = $"14.0 (Meridian {HealthEndpoints.Version})";
        try
        {
            var listener = PgWire.PgWireListener.Start(endpoint, new PgWire.PgWireContext(registry, tokens, limiter, logger, version));
            logger.PgListening(listener.EndPoint);
            return listener;
        }
        catch (System.Net.Sockets.SocketException e)
        {
            await registry.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"Cannot serve the PostgreSQL wire protocol on {endpoint}: {e.Message}", e);
        }
    }

    private static System.Security.Cryptography.ECDsa CreateKey()
    {
        var key = System.Security.Cryptography.ECDsa.Create();
        key.GenerateKey(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        return key;
    }

    /// <summary>Parses <c>host:port</c> (host an IP address or <c>localhost</c>).</summary>
    public static IPEndPoint ParseListenAddress(string address)
    {
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address[(colon + 1)..], out var port) || port is < 0 or > 65535)
            throw new ArgumentException($"'{address}' is not a listen address: use host:port, e.g. 127.0.0.1:3000.");
        var host = address[..colon].Trim('[', ']');
        var ip = host == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(host, out var parsed) ? parsed
            : throw new ArgumentException($"'{host}' is not an IP address (use 127.0.0.1, 0.0.0.0 or localhost).");
        return new IPEndPoint(ip, port);
    }

    /// <summary>
    /// Connects a client in this process to <paramref name="database"/> without a socket: authenticates
    /// <paramref name="token"/> (or mints an anonymous identity), runs the module's ClientConnected, and
    /// serves the session over an in-memory transport until either end closes. The returned end carries
    /// the protocol's frames exactly as a WebSocket would (v3 batching when <paramref name="batched"/>).
    /// </summary>
    /// <exception cref="ArgumentException">There is no such database.</exception>
    /// <exception cref="Auth.TokenException">The token is not valid.</exception>
    /// <exception cref="ConnectionRejectedException">The module refused the client.</exception>
    public Task<InMemoryTransport> ConnectInProcessAsync(string database, string? token = null, bool batched = true, bool confirmedReads = true) =>
        ConnectInProcessCoreAsync(database, token, batched, confirmedReads, wrapTransport: null);

    /// <summary>As the public overload; <paramref name="wrapTransport"/> lets tests put a faulty transport under the session.</summary>
    internal async Task<InMemoryTransport> ConnectInProcessCoreAsync(
        string database, string? token, bool batched, bool confirmedReads, Func<IFrameTransport, IFrameTransport>? wrapTransport)
    {
        var db = Registry.Find(database) ?? throw new ArgumentException($"No such database '{database}'.", nameof(database));
        var (claims, validToken) = token is null ? _tokens.MintAnonymous() : ((await _tokens.ValidateAsync(token).ConfigureAwait(false)).Claims, token);
        var connectionId = ConnectionId.Random();
        var jwtPayload = DatabaseEndpoints.JwtPayload(validToken);
        await db.ConnectAsync(claims.Identity, connectionId, jwtPayload).ConfigureAwait(false);
        var (serverEnd, clientEnd) = InMemoryTransport.CreatePair();
        var transport = wrapTransport is null ? serverEnd : wrapTransport(serverEnd);
        var session = new ClientSession(
            transport, db, claims.Identity, connectionId, confirmedReads, batched, _metrics, _maxQueued, limiter: _limiter, logger: _sessionLog)
        {
            JwtPayload = jwtPayload,
        };
        var run = Task.Run(() => session.RunAsync(validToken, _stopping.Token));
        _inProcessSessions[run] = 0;
        _ = run.ContinueWith(t => _inProcessSessions.TryRemove(t, out _), TaskScheduler.Default);
        return clientEnd;
    }

    /// <summary>Stops accepting requests, closes connections and databases.</summary>
    public async Task StopAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var first = !_stopping.IsCancellationRequested; // StopAsync, then DisposeAsync, logs once
        if (first)
            _log.ServerStopping();
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_pg is not null)
            await _pg.DisposeAsync().ConfigureAwait(false);
        await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        await Task.WhenAll(_inProcessSessions.Keys).WaitAsync(timeout.Token).ConfigureAwait(false);
        await Registry.DisposeAsync().ConfigureAwait(false);
        if (first)
            _log.ServerStopped();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _gauges?.Dispose();
        _meters?.Dispose();
        _tokens.Dispose();
    }
}
