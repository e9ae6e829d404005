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
    private TimeSpan _storedRowsGrace = TimeSpan.FromSeconds(2);
    private Func<string?, IClientTransport>? _transport;
    private ReconnectPolicy? _reconnect;
    private CallQueuePolicy? _queue;
    private IOfflineStore? _store;
    private bool _ownsStore;
    private Func<IOfflineStore>? _openStore;
    private Action<TDbConnection, ConnectionStatus>? _onStateChanged;
    private Action<TDbConnection, QueuedCallResult>? _onQueuedCallResult;
    private Action<TDbConnection, QueuedCallResult>? _onConflict;
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
        ArgumentNullException.ThrowIfNull(create);
        _transport = _ => create();
        return this;
    }

    /// <summary>
    /// Another transport than a WebSocket, made with the token to connect with: the one given to
    /// <see cref="WithToken"/> at first, the one the server issued when reconnecting (so a reconnect
    /// keeps the identity).
    /// </summary>
    public DbConnectionBuilder<TDbConnection> WithTransport(Func<string?, IClientTransport> create)
    {
        _transport = create ?? throw new ArgumentNullException(nameof(create));
        return this;
    }

    /// <summary>
    /// Opens the connection again when it is lost or cannot be opened, after waits that grow with
    /// each attempt (<see cref="ReconnectPolicy"/>; its defaults when null). The subscriptions are sent
    /// again and the cache is reconciled with their fresh rows: callbacks run only for rows that
    /// changed meanwhile, with <see cref="Event.Reconciled"/>. Off by default.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting of the policy is out of range.</exception>
    public DbConnectionBuilder<TDbConnection> WithAutomaticReconnect(ReconnectPolicy? policy = null)
    {
        policy ??= new ReconnectPolicy();
        policy.Validate();
        _reconnect = policy;
        return this;
    }

    /// <summary>
    /// Queues reducer calls made while not connected and sends them, in order, when the connection
    /// returns; each call's task gets its outcome, and <see cref="OnQueuedCallResult"/> and
    /// <see cref="OnConflict"/> hear about them. In memory, or in the offline store when there is one
    /// (which turns queued calls on by itself). Off by default: a call made while not connected fails at once.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting of the policy is out of range.</exception>
    public DbConnectionBuilder<TDbConnection> WithQueuedCalls(CallQueuePolicy? policy = null)
    {
        policy ??= new CallQueuePolicy();
        policy.Validate();
        _queue = policy;
        return this;
    }

    /// <summary>
    /// Keeps the cache and the queued calls in <paramref name="store"/>: rows are stored as they change
    /// and loaded by <see cref="Build"/>, so the app reads its data before the server answers and while
    /// it is unreachable. The app keeps ownership of the store (it disposes it after the connection).
    /// </summary>
    public DbConnectionBuilder<TDbConnection> WithOfflineStore(IOfflineStore store)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _ownsStore = false;
        _openStore = null;
        return this;
    }

#if NET
    /// <summary>
    /// Keeps the cache and the queued calls in a SQLite file at <paramref name="path"/> (created when
    /// missing; one file per database): see <see cref="WithOfflineStore"/>. The connection closes the file
    /// when disposed.
    /// </summary>
    public DbConnectionBuilder<TDbConnection> WithOfflineCache(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _store = null;
        _ownsStore = true;
        _openStore = () => new SqliteOfflineStore(path);
        return this;
    }
#endif

    /// <summary>
    /// How long rows loaded from the offline store stay when no subscription has claimed them, counted from the moment every
    /// subscription sent so far has its rows (2 s by default; a subscription applied meanwhile starts it again). A subscription
    /// made within it reconciles its rows with the stored ones: no callback for an unchanged row, an update for a changed one.
    /// Afterwards the rows nobody claimed are deleted (callbacks with <see cref="Event.Reconciled"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="grace"/> is negative.</exception>
    public DbConnectionBuilder<TDbConnection> WithStoredRowsGrace(TimeSpan grace)
    {
        if (grace < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(grace), grace, "The grace cannot be negative.");
        _storedRowsGrace = grace;
        return this;
    }

    /// <summary>Runs (at a tick) each time <see cref="DbConnectionBase.ConnectionStatus"/> changes: state, attempt, next delay or queued calls.</summary>
    public DbConnectionBuilder<TDbConnection> OnStateChanged(Action<TDbConnection, ConnectionStatus> callback)
    {
        _onStateChanged = callback;
        return this;
    }

    /// <summary>Runs with the outcome of each queued call (committed, conflict, failed, expired, discarded, unknown).</summary>
    public DbConnectionBuilder<TDbConnection> OnQueuedCallResult(Action<TDbConnection, QueuedCallResult> callback)
    {
        _onQueuedCallResult = callback;
        return this;
    }

    /// <summary>Runs when the reducer refused a queued call because the server's state moved on while the client was away.</summary>
    public DbConnectionBuilder<TDbConnection> OnConflict(Action<TDbConnection, QueuedCallResult> callback)
    {
        _onConflict = callback;
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

    /// <summary>Runs when the server has accepted the connection, with the identity and its token (once: not again after a reconnect).</summary>
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

    /// <summary>
    /// Runs when the connection ends: with null after <see cref="DbConnectionBase.Disconnect"/>, else with
    /// the reason (with automatic reconnect, each time an open connection is lost).
    /// </summary>
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
        var onStateChanged = _onStateChanged;
        var onQueuedCallResult = _onQueuedCallResult;
        var onConflict = _onConflict;
        var store = _store ?? _openStore?.Invoke();
        try
        {
            connection.Start(Options(connection, store, onConnect, onDisconnect, onStateChanged, onQueuedCallResult, onConflict));
        }
        catch
        {
            if (_ownsStore)
                store?.Dispose();
            throw;
        }
        return connection;
    }

    private ConnectionOptions Options(
        TDbConnection connection,
        IOfflineStore? store,
        Action<TDbConnection, Identity, string>? onConnect,
        Action<TDbConnection, Exception?>? onDisconnect,
        Action<TDbConnection, ConnectionStatus>? onStateChanged,
        Action<TDbConnection, QueuedCallResult>? onQueuedCallResult,
        Action<TDbConnection, QueuedCallResult>? onConflict) =>
        new()
        {
            Uri = _uri ?? new Uri("http://in-process"),
            CreateTransport = _transport,
            DatabaseName = _database!,
            Token = _token,
            Compression = _compression,
            OfferV3 = _offerV3,
            Background = _background,
            ConnectTimeout = _connectTimeout,
            StoredRowsGrace = _storedRowsGrace,
            OnConnect = onConnect is null ? null : (identity, token) => onConnect(connection, identity, token),
            OnConnectError = _onConnectError,
            OnDisconnect = onDisconnect is null ? null : error => onDisconnect(connection, error),
            Reconnect = _reconnect,
            Queue = _queue ?? (store is null ? null : new CallQueuePolicy()),
            Store = store,
            OwnsStore = _ownsStore,
            OnStateChanged = onStateChanged is null ? null : status => onStateChanged(connection, status),
            OnQueuedCallResult = onQueuedCallResult is null ? null : result => onQueuedCallResult(connection, result),
            OnConflict = onConflict is null ? null : result => onConflict(connection, result),
        };
}
