using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Meridian.Server.Diagnostics;

namespace Meridian.Server.PgWire;

/// <summary>
/// Accepts PostgreSQL wire-protocol connections (<c>meridian start --pg-port</c>) and serves each on its own task; a
/// failing connection never affects the listener or the others.
/// </summary>
internal sealed class PgWireListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly PgWireContext _context;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _connections = new();
    private readonly Task _accepting;

    private PgWireListener(Socket socket, PgWireContext context)
    {
        _socket = socket;
        _context = context;
        _accepting = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The address the listener is bound to (the port is the real one when 0 was asked for).</summary>
    public IPEndPoint EndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>Binds <paramref name="endpoint"/> and starts accepting.</summary>
    /// <exception cref="SocketException">The address cannot be bound (in use, not local).</exception>
    public static PgWireListener Start(IPEndPoint endpoint, PgWireContext context)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.AddressFamily == AddressFamily.InterNetworkV6)
                socket.DualMode = true;
            socket.Bind(endpoint);
            socket.Listen(512);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new PgWireListener(socket, context);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                // A connection that failed while being accepted (reset by its client) is only that connection's problem.
                _context.Logger.PgAcceptFailed(e.Message);
                continue;
            }
            client.NoDelay = true;
            var run = Task.Run(() => ServeAsync(client));
            _connections[run] = 0;
            _ = run.ContinueWith(t => _connections.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        var remote = client.RemoteEndPoint?.ToString() ?? "?";
        await using var stream = new NetworkStream(client, ownsSocket: true);
        await new PgConnection(stream, _context, remote).RunAsync(_stopping.Token).ConfigureAwait(false);
    }

    /// <summary>Stops accepting, tells open connections the server is shutting down and waits for them (up to 5 s).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _accepting.ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_connections.Keys).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A connection stuck in a write to a client that does not read: its socket goes with the process.
        }
        _stopping.Dispose();
    }
}
