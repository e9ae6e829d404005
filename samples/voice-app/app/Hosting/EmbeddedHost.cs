using System.Security.Cryptography;
using Meridian.Client;
using Meridian.Embedded;
using Meridian.Runtime.Hosting;
using Meridian.Server;
using Meridian.Server.Auth;
using VoiceApp.Data;

namespace VoiceApp.Hosting;

/// <summary>
/// The server in the app's own process (what the seed could not do with SpacetimeDB): a <see cref="MeridianServer"/>
/// over the app's data directory, and the client connected to it without a socket (<c>WithInProcessServer</c>).
/// Publishing and identities go through the server object, not HTTP. By default the server opens no network
/// listener at all; <paramref name="listenAddress"/> (e.g. <c>127.0.0.1:0</c>) opens one for tools such as
/// <c>meridian sql -s …</c>.
/// </summary>
public sealed class EmbeddedHost(string dataDirectory, string? listenAddress = null) : IDatabaseHost
{
    private MeridianServer? _server;

    /// <summary>The server, while it runs.</summary>
    public MeridianServer? Server => _server;

    /// <inheritdoc />
    public bool IsRunning => _server is not null;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
            return;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(dataDirectory))!);
            _server = await MeridianServer.StartAsync(
                new MeridianServerOptions { ListenAddress = listenAddress, DataDirectory = Path.GetFullPath(dataDirectory) }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
        {
            throw new DatabaseUnavailableException(e.Message, e);
        }
    }

    private MeridianServer Running => _server ?? throw new DatabaseUnavailableException("The database is not running.");

    /// <inheritdoc />
    public Task<string> NewIdentityAsync(CancellationToken cancellationToken) => Task.FromResult(Running.Tokens.MintAnonymous().Token);

    /// <inheritdoc />
    public async Task<bool> AcceptsTokenAsync(string token, CancellationToken cancellationToken)
    {
        try
        {
            await Running.Tokens.ValidateAsync(token, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TokenException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public Task<string?> DeployedModuleHashAsync(string database, string token, CancellationToken cancellationToken) =>
        Task.FromResult(Running.Registry.Find(database) is { } db ? Convert.ToHexStringLower(SHA256.HashData(db.Module.Image)) : null);

    /// <inheritdoc />
    public async Task PublishAsync(string database, byte[] image, string token, CancellationToken cancellationToken)
    {
        var (claims, _) = await Running.Tokens.ValidateAsync(token, cancellationToken).ConfigureAwait(false);
        try
        {
            await Running.Registry.PublishAsync(database, image, claims.Identity, clear: false).ConfigureAwait(false);
        }
        catch (PublishException e)
        {
            throw new PublishRefusedException(e.Message);
        }
    }

    /// <inheritdoc />
    public DbConnectionBuilder<DbConnection> Connect(DbConnectionBuilder<DbConnection> builder, string database) =>
        // A factory, not the server object: the connection is built before the server may be up (the offline cache is
        // readable at once), and a connect attempt before then fails and is retried like a network error.
        builder.WithDatabaseName(database).WithTransport(token => new InProcessTransport(Running, database, token));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_server is { } server)
        {
            _server = null;
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
