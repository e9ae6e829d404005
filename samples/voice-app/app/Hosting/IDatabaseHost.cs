using Meridian.Client;
using VoiceApp.Data;

namespace VoiceApp.Hosting;

/// <summary>Where the database runs: a sidecar process (<see cref="SidecarHost"/>) or this process (<see cref="EmbeddedHost"/>).</summary>
public interface IDatabaseHost : IAsyncDisposable
{
    /// <summary>Starts the server (and waits until it serves); throws <see cref="DatabaseUnavailableException"/> when it cannot.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Whether the server is up.</summary>
    bool IsRunning { get; }

    /// <summary>A new identity's token (the app's own, saved in its directory).</summary>
    Task<string> NewIdentityAsync(CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="token"/> is one this server accepts (false after its data directory was replaced).</summary>
    Task<bool> AcceptsTokenAsync(string token, CancellationToken cancellationToken);

    /// <summary>The SHA-256 (lower-case hex) of the module <paramref name="database"/> runs, or null when there is no such database.</summary>
    Task<string?> DeployedModuleHashAsync(string database, string token, CancellationToken cancellationToken);

    /// <summary>
    /// Publishes <paramref name="image"/> as <paramref name="database"/>, migrating its data; throws
    /// <see cref="PublishRefusedException"/> with the server's reason.
    /// </summary>
    Task PublishAsync(string database, byte[] image, string token, CancellationToken cancellationToken);

    /// <summary>Points the client at this server.</summary>
    DbConnectionBuilder<DbConnection> Connect(DbConnectionBuilder<DbConnection> builder, string database);
}

/// <summary>The server could not be started or reached.</summary>
public sealed class DatabaseUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The server refused to publish the module (a migration it cannot apply, a compile problem).</summary>
public sealed class PublishRefusedException(string message) : Exception(message);
