using Meridian.Client;
using Meridian.Server;

namespace Meridian.Embedded;

/// <summary>Connects a client to a <see cref="MeridianServer"/> hosted in the same process.</summary>
public static class InProcessBuilderExtensions
{
    /// <summary>
    /// Connects to <paramref name="database"/> of <paramref name="server"/> without a socket. Reconnects keep
    /// the identity: each new session is made with the token the server issued on the first connect.
    /// </summary>
    public static DbConnectionBuilder<TDbConnection> WithInProcessServer<TDbConnection>(
        this DbConnectionBuilder<TDbConnection> builder, MeridianServer server, string database)
        where TDbConnection : DbConnectionBase
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(server);
        ArgumentException.ThrowIfNullOrEmpty(database);
        return builder.WithTransport(token => new InProcessTransport(server, database, token));
    }
}
