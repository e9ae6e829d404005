using Meridian.Protocol.Framing;
using Meridian.Sats;

namespace Meridian.Client;

/// <summary>
/// Configures a connection: <c>DbConnection.Builder().WithUri(..).WithDatabaseName(..).OnConnect(..).Build()</c>.
/// </summary>
/// <typeparam name="TDbConnection">The generated <c>DbConnection</c>.</typeparam>
public sealed class DbConnectionBuilder<TDbConnection>
    where TDbConnection : DbConnectionBase
{
    private readonly Func<TDbConnection> _create;
    private Uri? _uri;
    private string? _database;
    private string? _token;
    private Compression _compression = Compression.Gzip;
    private bool _offerV3 = true;
    private bool _background;
    private TimeSpan _connectTimeout = TimeSpan.FromSeconds(30);
    private Func<IClientTransport>? _transport;
    private Action<TDbConnection, Identity, string>? _onConnect;
    private Action<Exception>? _onConnectError;
    private Action<TDbConnection, Exception?>? _onDisconnect;

    /// <summary>Creates a builder; <paramref name="create"/> makes the generated connection.</summary>
    public DbConnectionBuilder(Func<TDbConnection> create)
    {
        _create = create ?? throw new ArgumentNullException(nameof(create));
    }

    /// <summary>The server, e.g. <c>http://localhost:3000</c> (http, https, ws or wss).</summary>
    public DbConnectionBuilder<TDbConnection> WithUri(string uri) => WithUri(new Uri(uri ?? throw new ArgumentNullException(nameof(uri))));

    /// <summary>The server.</summary>
    public DbConnectionBuilder<TDbConnection> WithUri(Uri uri)
    {
        _uri = uri ?? throw new ArgumentNullException(nameof(uri));
        return this;
    }

    /// <summary>The database's name (or identity).</summary>
    public DbConnectionBuilder<TDbConnection> WithDatabaseName(string name)
    {
        _database = string.IsNullOrEmpty(name) ? throw new ArgumentException("The database name is empty.", nameof(name)) : name;
        return this;
    }

    /// <summary>The token of an identity to connect as; without one the server makes a new identity.</summary>
    public DbConnectionBuilder<TDbConnection> WithToken(string? token)
    {
        _token = token;
        return this;
    }

    /// <summary>The compression the server should use for large frames (Gzip by default).</summary>
    public DbConnectionBuilder<TDbConnection> WithCompression(Compression compression)
    {
        _compression = compression;
        return this;
    }

    /// <summary>Whether to offer the v3 framing (several messages per frame); on by default, v2 is always offered.</summary>
    public DbConnectionBuilder<TDbConnection> WithV3Framing(bool offer)
    {
        _offerV3 = offer;
        return this;
    }

    /// <summary>
    /// Another transport than a WebSocket to <see cref="WithUri(Uri)"/>: for the in-process mode, a
    /// session of a <c>MeridianServer</c> hosted by the app (docs/client-csharp.md). The URI is then not needed.
    /// </summary>
    public DbConnectionBuilder<TDbConnection> WithTransport(Func<IClientTransport> create)
    {
        _transport = create ?? throw new ArgumentNullException(nameof(create));
        return this;
    }

    /// <summary>How long opening the connection may take (30 s by default).</summary>
    public DbConnectionBuilder<TDbConnection> WithConnectTimeout(TimeSpan timeout)
    {
        _connectTimeout = timeout;
        return this;
    }

    /// <summary>
    /// Applies messages and runs callbacks on a thread of the connection's own, as they arrive, so
    /// nobody needs to call <see cref="DbConnectionBase.FrameTick"/>. Read the cache from other
    /// threads inside <c>lock (conn.SyncRoot)</c>.
    /// </summary>
    public DbConnectionBuilder<TDbConnection> WithBackgroundProcessing()
    {
        _background = true;
        return this;
    }

    /// <summary>Runs when the server has accepted the connection, with the identity and its token.</summary>
    public DbConnectionBuilder<TDbConnection> OnConnect(Action<TDbConnection, Identity, string> callback)
    {
        _onConnect = callback;
        return this;
    }

    /// <summary>Runs when the connection could not be opened.</summary>
    public DbConnectionBuilder<TDbConnection> OnConnectError(Action<Exception> callback)
    {
        _onConnectError = callback;
        return this;
    }

    /// <summary>Runs when the connection ends: with null after <see cref="DbConnectionBase.Disconnect"/>, else with the reason.</summary>
    public DbConnectionBuilder<TDbConnection> OnDisconnect(Action<TDbConnection, Exception?> callback)
    {
        _onDisconnect = callback;
        return this;
    }

    /// <summary>Creates the connection and starts connecting.</summary>
    /// <exception cref="InvalidOperationException">The URI or the database name is missing.</exception>
    public TDbConnection Build()
    {
        if (_uri is null && _transport is null)
            throw new InvalidOperationException("Call WithUri (or WithTransport) before Build: the connection needs a server.");
        if (_database is null)
            throw new InvalidOperationException("Call WithDatabaseName before Build: the connection needs a database.");
        var connection = _create();
        var onConnect = _onConnect;
        var onDisconnect = _onDisconnect;
        connection.Start(new ConnectionOptions
        {
            Uri = _uri ?? new Uri("http://in-process"),
            CreateTransport = _transport,
            DatabaseName = _database,
            Token = _token,
            Compression = _compression,
            OfferV3 = _offerV3,
            Background = _background,
            ConnectTimeout = _connectTimeout,
            OnConnect = onConnect is null ? null : (identity, token) => onConnect(connection, identity, token),
            OnConnectError = _onConnectError,
            OnDisconnect = onDisconnect is null ? null : error => onDisconnect(connection, error),
        });
        return connection;
    }
}
