using System.Net;
using Meridian.Runtime.Diagnostics;
using Meridian.Runtime.Hosting;
using Meridian.Server.Auth;
using Meridian.Server.Http;
using Meridian.Server.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Meridian.Server;

/// <summary>
/// The whole Meridian server, hostable in-process (tests, benchmarks, embedding): HTTP API,
/// WebSocket endpoint and every database of a data directory. <c>meridian start</c> is a thin shell around it.
/// </summary>
public sealed class MeridianServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TokenService _tokens;

    private MeridianServer(WebApplication app, DatabaseRegistry registry, TokenService tokens)
    {
        _app = app;
        Registry = registry;
        _tokens = tokens;
    }

    /// <summary>The databases.</summary>
    public DatabaseRegistry Registry { get; }

    /// <summary>The token service (keys, minting).</summary>
    public TokenService Tokens => _tokens;

    /// <summary>The address the server listens on, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Databases that could not be reopened at start-up, with why (they are not served).</summary>
    public IReadOnlyList<(string Name, Exception Error)> LoadFailures { get; private set; } = [];

    /// <summary>Creates, recovers and starts a server.</summary>
    public static async Task<MeridianServer> StartAsync(MeridianServerOptions options, CancellationToken cancellation = default)
    {
        var endpoint = ParseListenAddress(options.ListenAddress);
        var tokens = options.DataDirectory is null
            ? new TokenService(CreateKey(), options.Clock)
            : TokenService.LoadOrCreate(Path.Combine(options.DataDirectory, "keys"), options.Clock);
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var services = new DatabaseServices(options.Clock, new RuntimeMetrics(options.MeterFactory), loggerFactory);
        var registry = new DatabaseRegistry(options.DataDirectory, options.Durability, services);

        var builder = WebApplication.CreateSlimBuilder();
        // The host's own providers are replaced by the caller's factory, so request failures are
        // logged where the embedding application logs (nowhere when it gave none).
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(endpoint);
            k.Limits.MaxRequestBodySize = DatabaseEndpoints.MaxModuleBytes;
        });
        builder.Services.AddCors(c => c.AddDefaultPolicy(p => p.AllowAnyOrigin().AllowAnyMethod().WithHeaders("authorization", "accept", "content-type")
            .WithExposedHeaders("spacetime-identity", "spacetime-identity-token", "spacetime-energy-used", "spacetime-execution-duration-micros")));
        var app = builder.Build();
        app.UseCors();
        app.UseWebSockets();
        app.MapIdentityEndpoints(tokens);
        app.MapDatabaseEndpoints(registry, tokens);
        app.MapSubscribeEndpoint(registry, tokens, options.MaxQueuedMessagesPerClient);

        var server = new MeridianServer(app, registry, tokens);
        server.LoadFailures = await registry.LoadAllAsync().ConfigureAwait(false);
        await app.StartAsync(cancellation).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return server;
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

    /// <summary>Stops accepting requests, closes connections and databases.</summary>
    public async Task StopAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        await Registry.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _tokens.Dispose();
    }
}
