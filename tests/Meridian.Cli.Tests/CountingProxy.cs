using System.Net;
using System.Net.Sockets;

namespace Meridian.Cli.Tests;

/// <summary>
/// A TCP relay on a free port in front of a server that counts the bytes clients send through it,
/// to check how much a command uploads (headers included).
/// </summary>
internal sealed class CountingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pipes = [];
    private readonly Task _accepting;
    private long _sent;

    public CountingProxy(Uri target)
    {
        _target = target;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Bytes clients have sent towards the server so far.</summary>
    public long SentBytes => Interlocked.Read(ref _sent);

    public void Reset() => Interlocked.Exchange(ref _sent, 0);

    private async Task AcceptAsync()
    {
        while (true)
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
            lock (_pipes)
                _pipes.Add(PipeAsync(client));
        }
    }

    private async Task PipeAsync(TcpClient client)
    {
        using var _ = client;
        using var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(_target.Host, _target.Port, _stop.Token);
            var up = CopyAsync(client.GetStream(), upstream.GetStream(), count: true);
            var down = CopyAsync(upstream.GetStream(), client.GetStream(), count: false);
            await Task.WhenAny(up, down);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private async Task CopyAsync(Stream from, Stream to, bool count)
    {
        var buffer = new byte[1 << 16];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                if (count)
                    Interlocked.Add(ref _sent, read);
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] pipes;
        lock (_pipes)
            pipes = [.. _pipes];
        await Task.WhenAll(pipes);
        _stop.Dispose();
    }
}
