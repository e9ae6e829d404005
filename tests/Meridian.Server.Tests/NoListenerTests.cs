using System.Buffers;
using Meridian.Server.Sessions;
using Meridian.Tests.Shared;

namespace Meridian.Server.Tests;

/// <summary>A server started with <c>ListenAddress = null</c>: no network listener, in-process sessions only.</summary>
public sealed class NoListenerTests
{
    [Fact]
    public async Task A_server_without_a_listen_address_serves_in_process_sessions_only()
    {
        await using var server = await MeridianServer.StartAsync(new MeridianServerOptions { ListenAddress = null });
        Assert.False(server.IsListening);
        var error = Assert.Throws<InvalidOperationException>(() => server.BaseAddress);
        Assert.Contains("no network listener", error.Message, StringComparison.Ordinal);
        Assert.Null(server.PgEndPoint);

        var (claims, _) = server.Tokens.MintAnonymous();
        await server.Registry.PublishAsync("chat", TestModules.Chat(), claims.Identity, clear: false);
        var session = await server.ConnectInProcessAsync("chat");
        // The session's first frame (the identity the server gave it) arrives over the in-memory transport.
        var frame = new ArrayBufferWriter<byte>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Assert.Equal(FrameKind.Binary, await session.ReceiveAsync(frame, int.MaxValue, timeout.Token));
        Assert.True(frame.WrittenCount > 0);
        session.Abort();
    }

    [Fact]
    public async Task The_PostgreSQL_protocol_without_a_listener_is_refused_clearly()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => MeridianServer.StartAsync(new MeridianServerOptions { ListenAddress = null, PgPort = 0 }));
        Assert.Contains("needs a network listener", error.Message, StringComparison.Ordinal);
    }
}
