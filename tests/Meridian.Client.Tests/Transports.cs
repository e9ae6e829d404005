using Meridian.Embedded;
using Meridian.Server;

namespace Meridian.Client.Tests;

/// <summary>How a test's clients reach the server: the same tests run over each.</summary>
public enum TransportKind
{
    /// <summary>A WebSocket to the server's port.</summary>
    WebSocket,

    /// <summary>The in-process mode (Meridian.Embedded): a session of the MeridianServer in the test's process.</summary>
    InProcess,
}

/// <summary>
/// The base of every test class that runs over both transports: each such class is abstract and
/// has two nested concrete classes, <c>OverWebSocket</c> and <c>InProcess</c>, that pick the
/// transport (so test names say which, e.g. <c>CacheTests+InProcess.X</c>). Tests connect
/// through <see cref="Via{T}"/> and make outages with <see cref="StartOutage"/>.
/// </summary>
public abstract class TransportTests(ClientFixture fixture, TransportKind transport) : IClassFixture<ClientFixture>
{
    protected ClientFixture Fixture => fixture;

    protected TransportKind Transport => transport;

    /// <summary>Points <paramref name="builder"/> at database <paramref name="db"/> of the fixture's server over this transport.</summary>
    protected DbConnectionBuilder<T> Via<T>(DbConnectionBuilder<T> builder, string db)
        where T : DbConnectionBase => Via(builder, () => fixture.Server.Server, db);

    /// <summary>Points <paramref name="builder"/> at <paramref name="db"/> of the server <paramref name="server"/> returns (looked up per attempt).</summary>
    protected DbConnectionBuilder<T> Via<T>(DbConnectionBuilder<T> builder, Func<MeridianServer> server, string db)
        where T : DbConnectionBase
    {
        builder.WithDatabaseName(db);
        return transport == TransportKind.WebSocket
            ? builder.WithUri(server().BaseAddress)
            : builder.WithTransport(token => new InProcessTransport(server(), db, token));
    }

    /// <summary>A way to cut this transport's connections to the fixture's server.</summary>
    internal IOutage StartOutage() => StartOutage(() => fixture.Server.Server);

    /// <summary>A way to cut this transport's connections to the server <paramref name="server"/> returns (looked up per connection).</summary>
    internal IOutage StartOutage(Func<MeridianServer> server) =>
        transport == TransportKind.WebSocket ? OutageProxy.Start(() => server().BaseAddress) : new InProcessOutage(server);
}

/// <summary>Cuts connections, to test reconnects: a TCP proxy for WebSockets, a gate on the transports in process.</summary>
internal interface IOutage : IAsyncDisposable
{
    /// <summary>Whether new connections fail.</summary>
    bool Down { get; set; }

    /// <summary>Breaks every open connection made through this outage.</summary>
    void DropAll();

    /// <summary>Points <paramref name="builder"/> at <paramref name="db"/> through this outage.</summary>
    DbConnectionBuilder<T> Connect<T>(DbConnectionBuilder<T> builder, string db)
        where T : DbConnectionBase;
}

/// <summary>
/// Outages in process: while <see cref="Down"/> a new transport fails to connect, and
/// <see cref="DropAll"/> aborts every open one (both ends see the connection close, as with a reset socket).
/// </summary>
internal sealed class InProcessOutage(Func<MeridianServer> server) : IOutage
{
    private readonly List<InProcessTransport> _open = [];

    public bool Down { get; set; }

    public void DropAll()
    {
        List<InProcessTransport> open;
        lock (_open)
        {
            open = [.. _open];
            _open.Clear();
        }
        foreach (var transport in open)
            transport.Dispose();
    }

    public DbConnectionBuilder<T> Connect<T>(DbConnectionBuilder<T> builder, string db)
        where T : DbConnectionBase =>
        builder.WithDatabaseName(db).WithTransport(token =>
        {
            if (Down)
                return new Unreachable();
            var transport = new InProcessTransport(server(), db, token);
            lock (_open)
                _open.Add(transport);
            return transport;
        });

    public ValueTask DisposeAsync()
    {
        DropAll();
        return ValueTask.CompletedTask;
    }

    /// <summary>A transport that cannot connect, for while the "server" is away.</summary>
    private sealed class Unreachable : IClientTransport
    {
        public bool IsV3 => true;

        public string? CloseDescription => null;

        public Task ConnectAsync(CancellationToken cancellationToken) => Task.FromException(new IOException("The in-process server is unreachable (outage)."));

        public Task SendAsync(byte[] frame, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<byte[]?> ReceiveAsync(CancellationToken cancellationToken) => Task.FromResult<byte[]?>(null);

        public Task CloseAsync() => Task.CompletedTask;

        public void Dispose()
        {
        }
    }
}
