using System.Net;
using System.Net.Sockets;

namespace Meridian.Client.Tests;

/// <summary>
/// A TCP proxy between a client and a server, to simulate outages: <see cref="DropAll"/> resets
/// every open connection, and while <see cref="Down"/> new connections are reset at once. The
/// target is looked up per connection, so a server restarted on another port stays reachable.
/// </summary>
internal sealed class OutageProxy : IOutage
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<Uri> _target;
    private readonly List<TcpClient> _open = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private OutageProxy(Func<Uri> target)
    {
        _target = target;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Uri => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>Whether new connections are refused (accepted and reset at once).</summary>
    public bool Down { get; set; }

    public static OutageProxy Start(Func<Uri> target) => new(target);

    public DbConnectionBuilder<T> Connect<T>(DbConnectionBuilder<T> builder, string db)
        where T : DbConnectionBase => builder.WithUri(Uri).WithDatabaseName(db);

    /// <summary>Resets every open connection, both sides.</summary>
    public void DropAll()
    {
        List<TcpClient> open;
        lock (_open)
        {
            open = [.. _open];
            _open.Clear();
        }
        foreach (var client in open)
            Reset(client);
    }

    private static void Reset(TcpClient client)
    {
        try
        {
            client.Client.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        client.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            if (Down)
            {
                Reset(client);
                continue;
            }
            _ = PipeAsync(client);
        }
    }

    private async Task PipeAsync(TcpClient client)
    {
        var upstream = new TcpClient();
        lock (_open)
        {
            _open.Add(client);
            _open.Add(upstream);
        }
        try
        {
            var target = _target();
            await upstream.ConnectAsync(target.Host, target.Port, _stop.Token);
            var a = client.GetStream().CopyToAsync(upstream.GetStream(), _stop.Token);
            var b = upstream.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
            await Task.WhenAny(a, b);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
        }
        finally
        {
            lock (_open)
            {
                _open.Remove(client);
                _open.Remove(upstream);
            }
            Reset(client);
            Reset(upstream);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        DropAll();
        await _accepting;
        _stop.Dispose();
    }
}
